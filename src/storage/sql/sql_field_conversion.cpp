// SqlDriver::convert_field(): a field's values move to a column of the new type
// (docs/DECISIONS.md §5.4). Apart from sql_driver.cpp because it concerns the schema's
// evolution, not the documents' reads and writes.
//
// One transaction: a staged column "<field>$new" of the new type is added (schema field
// names are letters, digits and '_', so no field is named like it), every row's value is
// read in its recorded type, converted in C++ (core/type_conversion.h: the one rule for
// every backend) and written to the staged column, the old column is dropped (with the
// text field's comparison-form column) and the staged one takes its name. A run cut
// short leaves the table as it was. open() then rebuilds the forms and indexes.
#include "storage/sql/comparison_columns.h"
#include "storage/sql/sql_driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace events {

void SqlDriver::convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) {
    const SqlDialect& d = *dialect_;
    Field recorded = field;   // how the stored values read
    recorded.type = conversion.from;
    Field staged = field;
    staged.name = field.name + "$new";
    staged.fk_target = nullptr;   // the FK reference comes back with open()'s reconciliation
    const std::vector<const Field*> columns = SqlBuilder::data_fields(e);
    const auto at = std::find(columns.begin(), columns.end(), &field);
    if (at == columns.end()) throw std::logic_error("convert_field: " + field.name + " is not a field of " + e.name);
    const int column = 1 + static_cast<int>(at - columns.begin());   // select_columns(): id first

    with_write_transaction([&](SqlConnection& c) {
        int64_t total = 0;
        c.query("SELECT COUNT(*) FROM " + d.quote(e.name), {}, [&](const SqlRow& row) { total = row.get_int64(0); });
        bool staged_present = false;
        c.query(d.list_columns_sql(), {SqlParam(e.name)},
                [&](const SqlRow& row) { staged_present = staged_present || row.get_text(0) == staged.name; });
        if (staged_present) c.exec(d.drop_column_sql(e.name, staged.name));   // left by a run of another version
        c.exec(builder_.add_column(e, staged));

        const std::string update = "UPDATE " + d.quote(e.name) + " SET " + d.quote(staged.name) + " = " +
                                   d.placeholder(1) + " WHERE " + d.quote("id") + " = " + d.placeholder(2);
        std::string after;   // ids are non-empty: "" precedes them all
        int64_t done = 0;
        for (;;) {
            ListQuery q;
            if (!after.empty()) q.filters.push_back({&e.id_field(), FilterOp::Gt, boost::json::value(after)});
            q.sort.push_back({&e.id_field(), false});
            q.limit = conversion.batch;
            q.with_total = false;
            const SqlStatement page = builder_.list(e, q);
            std::vector<std::pair<std::string, boost::json::value>> rows;
            c.query(page.sql, page.params, [&](const SqlRow& row) {
                rows.emplace_back(std::string(row.get_text(0)), d.decode(recorded, row, column));
            });
            for (const auto& [id, value] : rows)
                if (!value.is_null()) c.execute(update, {d.bind(field, conversion.convert(value)), SqlParam(id)});
            done += static_cast<int64_t>(rows.size());
            if (conversion.progress) conversion.progress(done, total);
            if (static_cast<int64_t>(rows.size()) < conversion.batch || rows.empty()) break;
            after = rows.back().first;
        }

        drop_column(c, e, field.name);
        if (has_form_column(recorded) && !field.is_id()) {
            const std::string form = form_column_name(recorded, d.max_identifier_length());
            bool form_present = false;
            c.query(d.list_columns_sql(), {SqlParam(e.name)},
                    [&](const SqlRow& row) { form_present = form_present || row.get_text(0) == form; });
            if (form_present) drop_column(c, e, form);
        }
        c.exec(d.rename_column_sql(e.name, staged.name, field.name));
        c.forget_prepared_statements();   // the reads of this table prepared above return the old type
        spdlog::info("{}: {}.{} converted from {} to {} in {} row(s)", d.name(), e.name, field.name,
                     type_name(conversion.from), type_name(field.type), done);
    });
}

void SqlDriver::drop_column(SqlConnection& c, const Entity& e, const std::string& column) {
    c.exec(dialect_->drop_column_sql(e.name, column));
}

}  // namespace events
