#include "storage/sql/form_reconcile.h"

#include "core/comparison_form.h"
#include "storage/sql/comparison_columns.h"
#include "storage/sql/meta_table.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace events {

namespace {

constexpr const char* kFormKey = "comparison_form";
constexpr int64_t kRowsPerBatch = 1000;       // rows read per SELECT while refilling (then
                                              // written back 100 per UPDATE: form_rows_per_update)
constexpr int64_t kProgressEvery = 50000;     // rows between two progress lines

std::optional<std::string> recorded_form(SqlConnection& c, const SqlDialect& d) {
    if (!meta_table_exists(c, d)) {
        ensure_meta_table(c, d);
        return std::nullopt;
    }
    return read_meta(c, d, kFormKey);
}

void record_form(SqlConnection& c, const SqlDialect& d, const std::string& form) { write_meta(c, d, kFormKey, form); }

bool has_stale_rows(SqlConnection& c, const SqlBuilder& b, const Entity& e) {
    const SqlStatement st = b.count_stale_forms(e);
    int64_t n = 0;
    c.query(st.sql, st.params, [&](const SqlRow& row) { n = row.get_int64(0); });
    return n > 0;
}

// Drops the managed indexes that key on form columns: refilled forms may collide
// before the duplicate check has had its say, and the index is rebuilt anyway.
void drop_form_indexes(SqlConnection& c, const SqlBuilder& b, const Entity& e) {
    const SqlDialect& d = b.dialect();
    std::vector<std::string> present;
    c.query(d.list_indexes_sql(), {SqlParam(e.name)}, [&](const SqlRow& row) { present.emplace_back(row.get_text(0)); });
    for (const IndexSpec& ix : b.indexes(e)) {
        bool on_forms = false;
        for (const Field* f : ix.fields) on_forms = on_forms || has_form_column(*f);
        if (!on_forms) continue;
        for (const std::string& name : present)
            if (name == ix.name) c.exec(d.drop_index_sql(name, e.name));
    }
}

void refill(SqlConnection& c, const SqlBuilder& b, const Entity& e) {
    // Result columns of list(): id, then data_fields() in order.
    std::vector<int> form_cols;
    const std::vector<const Field*> data = SqlBuilder::data_fields(e);
    for (size_t i = 0; i < data.size(); ++i)
        if (has_form_column(*data[i])) form_cols.push_back(static_cast<int>(i) + 1);
    spdlog::info("{}: computing the comparison forms of {}", b.dialect().name(), e.name);
    drop_form_indexes(c, b, e);
    std::string after;   // ids are non-empty strings: "" precedes them all
    int64_t done = 0, next_report = kProgressEvery;
    for (;;) {
        // The next rows in id order (the builder's own list statement: paging spelled once).
        ListQuery batch;
        batch.filters.push_back({&e.id_field(), FilterOp::Gt, boost::json::value(after)});
        batch.sort.push_back({&e.id_field(), false});
        batch.limit = kRowsPerBatch;
        batch.with_total = false;
        const SqlStatement st = b.list(e, batch);
        std::vector<FormRow> rows;
        c.query(st.sql, st.params, [&](const SqlRow& row) {
            std::vector<SqlParam> forms;
            forms.reserve(form_cols.size());
            for (int col : form_cols) {
                if (row.is_null(col)) forms.emplace_back();
                else forms.emplace_back(comparison_form(row.get_text(col), b.case_sensitive()));
            }
            rows.push_back({std::string(row.get_text(0)), std::move(forms)});
        });
        const size_t per_update = b.form_rows_per_update(e);
        for (size_t first = 0; first < rows.size(); first += per_update) {
            const SqlStatement up = b.update_forms(e, rows, first, std::min(per_update, rows.size() - first));
            c.execute(up.sql, up.params);
        }
        done += static_cast<int64_t>(rows.size());
        if (done >= next_report) {
            spdlog::info("{}: comparison forms of {}: {} rows done", b.dialect().name(), e.name, done);
            next_report += kProgressEvery;
        }
        if (static_cast<int64_t>(rows.size()) < kRowsPerBatch) break;
        after = rows.back().id;
    }
    spdlog::info("{}: comparison forms of {} computed ({} rows)", b.dialect().name(), e.name, done);
}

}  // namespace

void reconcile_forms(SqlConnection& c, const SqlBuilder& b, const Schema& schema,
                     const std::set<const Entity*>& fresh, const std::set<const Entity*>& added) {
    const std::string wanted = comparison_form_id(b.case_sensitive());
    const std::optional<std::string> recorded = recorded_form(c, b.dialect());
    const bool changed = recorded != wanted;
    if (changed && recorded)
        spdlog::info("{}: comparison forms were computed as \"{}\", now \"{}\": recomputing them",
                     b.dialect().name(), *recorded, wanted);
    for (const Entity* e : schema.parents_first()) {
        if (fresh.count(e) || form_fields(*e).empty()) continue;
        if (changed || added.count(e) || has_stale_rows(c, b, *e)) refill(c, b, *e);
    }
    if (changed) record_form(c, b.dialect(), wanted);
}

}  // namespace events
