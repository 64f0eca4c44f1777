// SqlDriver::drop_field() and drop_entity(): removed data dropped when named
// (`events migrate --apply --drop`, docs/DECISIONS.md §5.4); rename_entity(), the other
// step on whole tables (docs/DECISIONS.md §5.3). Apart from sql_driver.cpp
// because they concern the schema's evolution, not the documents' reads and writes.
#include "storage/sql/comparison_columns.h"
#include "storage/sql/sql_driver.h"

#include <spdlog/spdlog.h>

namespace events {

void SqlDriver::drop_field(const Entity& e, const std::string& field) {
    const SqlDialect& d = *dialect_;
    Field dropped;   // a text field's form column is named after it
    dropped.name = field;
    const std::string form = form_column_name(dropped, d.max_identifier_length());
    with_write_transaction([&](SqlConnection& c) {
        bool has_value = false, has_form = false;
        c.query(d.list_columns_sql(), {SqlParam(e.name)}, [&](const SqlRow& row) {
            has_value = has_value || row.get_text(0) == field;
            has_form = has_form || row.get_text(0) == form;
        });
        if (has_value) drop_column(c, e, field);
        if (has_form) drop_column(c, e, form);
        c.forget_prepared_statements();   // reads of this table prepared before list the column
        if (has_value) spdlog::info("{}: dropped {}.{} and its values", d.name(), e.name, field);
    });
}

void SqlDriver::drop_entity(const std::string& name) {
    const SqlDialect& d = *dialect_;
    Entity dropped;   // what drop_extras() names the backend's objects after
    dropped.name = name;
    with_write_transaction([&](SqlConnection& c) {
        bool present = false;
        c.query(d.table_exists_sql(), {SqlParam(name)}, [&](const SqlRow&) { present = true; });
        if (!present) return;
        drop_extras(c, dropped);
        c.exec(d.drop_table_sql(name));
        spdlog::info("{}: dropped the table {} and its documents", d.name(), name);
    });
}

void SqlDriver::rename_entity(const Entity& recorded, const Entity& renamed, int64_t batch) {
    (void)batch;
    const SqlDialect& d = *dialect_;
    with_write_transaction([&](SqlConnection& c) {
        bool from_present = false, to_present = false;
        c.query(d.table_exists_sql(), {SqlParam(recorded.name)}, [&](const SqlRow&) { from_present = true; });
        c.query(d.table_exists_sql(), {SqlParam(renamed.name)}, [&](const SqlRow&) { to_present = true; });
        if (!from_present || to_present) return;   // renamed already
        drop_extras(c, recorded);
        c.exec(d.rename_table_sql(recorded.name, renamed.name));
        c.forget_prepared_statements();
        spdlog::info("{}: table {} renamed to {} (documents kept)", d.name(), recorded.name, renamed.name);
    });
}

}  // namespace events
