#include "storage/sqlite/sqlite_row_counts.h"

#include "tools/quoting.h"

namespace events::sqlite_row_counts {

namespace {

std::string sql_string(std::string_view s) { return quote_doubling(s, '\''); }

}  // namespace

std::vector<std::string> reconcile_statements(const SqlDialect& d, const Entity& e) {
    const std::string counts = d.quote(kTable);
    const std::string table = d.quote(e.name);
    const std::string key = sql_string(e.name);
    return {
        "CREATE TABLE IF NOT EXISTS " + counts + " (\"entity\" TEXT PRIMARY KEY, \"n\" INTEGER NOT NULL)",
        "CREATE TRIGGER IF NOT EXISTS " + d.quote("_count_" + e.name + "_ai") + " AFTER INSERT ON " + table +
            " BEGIN UPDATE " + counts + " SET \"n\" = \"n\" + 1 WHERE \"entity\" = " + key + "; END",
        "CREATE TRIGGER IF NOT EXISTS " + d.quote("_count_" + e.name + "_ad") + " AFTER DELETE ON " + table +
            " BEGIN UPDATE " + counts + " SET \"n\" = \"n\" - 1 WHERE \"entity\" = " + key + "; END",
        "INSERT OR REPLACE INTO " + counts + " (\"entity\", \"n\") SELECT " + key + ", count(*) FROM " + table,
    };
}

std::string count_sql(const SqlDialect& d, const std::string& table_placeholder) {
    return "SELECT \"n\" FROM " + d.quote(kTable) + " WHERE \"entity\" = " + table_placeholder;
}

}  // namespace events::sqlite_row_counts
