// Start-up reconciliation of the SQL backends (sql_reconcile.h), and the part of
// SqlDriver that runs it: the reconciliation transaction of open() and the default
// backend hooks called inside it.
#include "storage/sql/sql_reconcile.h"

#include "storage/sql/comparison_columns.h"
#include "storage/sql/form_reconcile.h"
#include "storage/sql/sql_driver.h"
#include "tools/json_text.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

namespace events {

namespace {

constexpr int64_t kDuplicatesShown = 20;  // duplicate groups listed per constraint

std::string join_names(const std::vector<const Field*>& fields) {
    std::string out;
    for (const Field* f : fields) {
        if (!out.empty()) out += ", ";
        out += f->name;
    }
    return out;
}

}  // namespace

std::vector<std::string> query_names(SqlConnection& c, const std::string& sql, const std::string& table) {
    std::vector<std::string> names;
    c.query(sql, {SqlParam(table)}, [&](const SqlRow& row) { names.emplace_back(row.get_text(0)); });
    return names;
}

SchemaObjects create_schema_objects(SqlConnection& c, const SqlBuilder& b, const Schema& schema) {
    const SqlDialect& d = b.dialect();
    SchemaObjects found;
    for (const Entity* e : schema.parents_first()) {
        if (query_names(c, d.table_exists_sql(), e->name).empty()) {
            c.exec(b.create_table(*e));
            found.created.insert(e);
            continue;
        }
        const std::vector<std::string> cols = query_names(c, d.list_columns_sql(), e->name);
        const std::unordered_set<std::string> existing(cols.begin(), cols.end());
        for (const Field* f : SqlBuilder::data_fields(*e)) {
            if (!existing.count(f->name)) {
                spdlog::info("{}: adding column {}.{}", d.name(), e->name, f->name);
                c.exec(b.add_column(*e, *f));
            }
        }
        for (const Field* f : form_fields(*e)) {
            if (existing.count(b.form_column(*f))) continue;
            spdlog::info("{}: adding the comparison-form column of {}.{}", d.name(), e->name, f->name);
            c.exec(b.add_form_column(*e, *f));
            found.forms_added.insert(e);
        }
        if (e->foreign_keys.empty()) continue;
        std::vector<std::pair<std::string, std::string>> actual;
        c.query(d.list_foreign_keys_sql(), {SqlParam(e->name)}, [&](const SqlRow& row) {
            actual.emplace_back(std::string(row.get_text(0)), row.is_null(1) ? "" : std::string(row.get_text(1)));
        });
        bool mismatch = false;
        for (const Field* fk : e->foreign_keys) {
            const bool declared = std::any_of(actual.begin(), actual.end(), [&](const auto& a) { return a.first == fk->name; });
            const bool matches = std::any_of(actual.begin(), actual.end(), [&](const auto& a) {
                return a.first == fk->name && a.second == b.on_delete_action(*fk);
            });
            if (!declared) {
                // A table made by another tool: the database does not check this parent, so
                // the document service must (SqlDriver::capabilities()).
                spdlog::warn("{}: {}.{} has no FOREIGN KEY constraint; the server checks its parents itself",
                             d.name(), e->name, fk->name);
                found.foreign_key_undeclared = true;
            }
            mismatch = mismatch || !matches;
        }
        if (mismatch) found.fk_mismatch.push_back(e);
    }
    return found;
}

void reconcile_indexes(SqlConnection& c, const SqlBuilder& b, const Entity& e, bool fresh_table,
                       std::vector<std::string>& problems) {
    const SqlDialect& d = b.dialect();
    const std::vector<IndexSpec> wanted = b.indexes(e);
    const std::vector<std::string> present = query_names(c, d.list_indexes_sql(), e.name);
    std::set<std::string> wanted_names;
    for (const IndexSpec& ix : wanted) wanted_names.insert(ix.name);
    for (const std::string& name : present) {
        if (SqlBuilder::is_managed_index_name(name) && !wanted_names.count(name)) {
            spdlog::info("{}: dropping index {} (no longer in the schema)", d.name(), name);
            c.exec(d.drop_index_sql(name, e.name));
        }
    }
    const std::set<std::string> present_names(present.begin(), present.end());
    for (const IndexSpec& ix : wanted) {
        if (present_names.count(ix.name)) continue;
        if (ix.kind == IndexSpec::Kind::Unique) {
            const SqlStatement st = b.duplicates(e, ix.fields, kDuplicatesShown);
            std::string groups;
            c.query(st.sql, st.params, [&](const SqlRow& row) {
                if (!groups.empty()) groups += ", ";
                const int n = static_cast<int>(ix.fields.size());
                if (n > 1) groups += "(";
                for (int i = 0; i < n; ++i) {
                    if (i) groups += ", ";
                    groups += to_json_text(d.decode(*ix.fields[i], row, i));
                }
                if (n > 1) groups += ")";
                groups += " (" + std::to_string(row.get_int64(n)) + " documents)";
            });
            if (!groups.empty()) {
                problems.push_back(e.name + " unique (" + join_names(ix.fields) + "): duplicate values " + groups);
                continue;
            }
        }
        // Creating the indexes of a brand-new table is routine; changing an existing one is news.
        spdlog::log(fresh_table ? spdlog::level::debug : spdlog::level::info, "{}: creating index {}", d.name(),
                    ix.name);
        try {
            c.exec(b.create_index(e, ix));
        } catch (const SqlError& err) {
            if (d.classify(err).kind != SqlFailure::Kind::Unique) throw;
            problems.push_back(e.name + " unique (" + join_names(ix.fields) + "): existing data has duplicates");
        }
    }
}

void SqlDriver::reconcile_extras(SqlConnection&, const Entity&) {}

void SqlDriver::drop_extras(SqlConnection&, const Entity&) {}

void SqlDriver::repair_foreign_keys(SqlConnection&, const std::vector<const Entity*>& entities) {
    for (const Entity* e : entities)
        spdlog::warn("{}: table {} has foreign-key ON DELETE actions that differ from cascade_delete={}; "
                     "they stay as they are",
                     dialect_->name(), e->name, options_.cascade_delete);
}

void SqlDriver::reconcile(SqlConnection& c) {
    std::vector<const Entity*> fk_mismatch;
    std::vector<std::string> problems;
    try {
        c.exec(dialect_->begin_write_sql());
        try {
            const SchemaObjects found = create_schema_objects(c, builder_, schema_);
            foreign_key_undeclared_ = foreign_key_undeclared_ || found.foreign_key_undeclared;
            fk_mismatch = found.fk_mismatch;
            reconcile_forms(c, builder_, schema_, found.created, found.forms_added);
            for (const Entity* e : schema_.parents_first())
                reconcile_indexes(c, builder_, *e, found.created.count(e) > 0, problems);
            if (problems.empty())
                for (const Entity* e : schema_.parents_first()) reconcile_extras(c, *e);
            if (!problems.empty()) {
                std::string msg =
                    "existing data violates unique constraints of the schema; remove the duplicates or the "
                    "constraint, then restart:";
                for (const std::string& p : problems) msg += "\n  " + p;
                throw ReconcileError(msg);
            }
            c.exec("COMMIT");
        } catch (...) {
            rollback_quietly(c);
            throw;
        }
        if (!fk_mismatch.empty()) repair_foreign_keys(c, fk_mismatch);
    } catch (const SqlError& err) {
        const SqlFailure f = dialect_->classify(err);
        if (f.kind == SqlFailure::Kind::ConnectionLost || f.kind == SqlFailure::Kind::Busy)
            throw StorageUnavailable(err.what());
        throw ReconcileError(std::string("cannot reconcile the database with the schema: ") + err.what());
    }
}

}  // namespace events
