#include "storage/postgres/pg_row_counts.h"

#include "tools/quoting.h"

namespace events::pg_row_counts {

namespace {

constexpr const char* kFunction = "_events$count_rows";
constexpr const char* kInsertTrigger = "_events$count_ins";
constexpr const char* kDeleteTrigger = "_events$count_del";

std::string sql_string(std::string_view s) { return quote_doubling(s, '\''); }

}  // namespace

std::vector<std::string> reconcile_statements(const SqlDialect& d, const Entity& e) {
    const std::string counts = d.quote(kTable);
    const std::string table = d.quote(e.name);
    const std::string function = d.quote(kFunction);
    // One function for both triggers: the transition table has the same name in each.
    // TG_TABLE_NAME is the entity's table (the trigger fires on it only).
    // One statement (one SPI call): count the transition table and add the count to the
    // session's slot; nothing when the statement changed no row.
    const std::string body =
        "BEGIN "
        "INSERT INTO " + counts + " AS c (\"entity\", \"slot\", \"n\") "
        "SELECT TG_TABLE_NAME, coalesce(nullif(current_setting(" + sql_string(kSlotSetting) + ", true), '')::integer, "
        "1000 + pg_backend_pid() % 16), CASE TG_OP WHEN 'DELETE' THEN -count(*) ELSE count(*) END "
        "FROM changed_rows HAVING count(*) > 0 "
        "ON CONFLICT (\"entity\", \"slot\") DO UPDATE SET \"n\" = c.\"n\" + excluded.\"n\"; "
        "RETURN NULL; "
        "END";
    return {
        "CREATE TABLE IF NOT EXISTS " + counts +
            " (\"entity\" TEXT COLLATE \"C\" NOT NULL, \"slot\" INTEGER NOT NULL, \"n\" BIGINT NOT NULL, "
            "PRIMARY KEY (\"entity\", \"slot\"))",
        // Every write updates a slot row: pages filled to 10% keep each new version on its
        // row's page (a HOT update, pruned on the next visit). At the default 100%, 17,000
        // POSTs spread 40 slot rows over 515 pages (47 with this setting), and every total
        // read them.
        "ALTER TABLE " + counts + " SET (fillfactor = 10)",
        "CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS " + sql_string(body),
        "CREATE OR REPLACE TRIGGER " + d.quote(kInsertTrigger) + " AFTER INSERT ON " + table +
            " REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()",
        "CREATE OR REPLACE TRIGGER " + d.quote(kDeleteTrigger) + " AFTER DELETE ON " + table +
            " REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()",
        // Writers (of another server on the same database) wait while the table is recounted.
        "LOCK TABLE " + table + " IN SHARE MODE",
        "DELETE FROM " + counts + " WHERE \"entity\" = " + sql_string(e.name),
        "INSERT INTO " + counts + " (\"entity\", \"slot\", \"n\") SELECT " + sql_string(e.name) + ", 0, count(*) FROM " +
            table,
    };
}

std::string count_sql(const SqlDialect& d, const std::string& table_placeholder) {
    return "SELECT sum(\"n\")::bigint FROM " + d.quote(kTable) + " WHERE \"entity\" = " + table_placeholder +
           " HAVING count(*) > 0";
}

}  // namespace events::pg_row_counts
