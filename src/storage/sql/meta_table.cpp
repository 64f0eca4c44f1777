#include "storage/sql/meta_table.h"

namespace events {

bool meta_table_exists(SqlConnection& c, const SqlDialect& d) {
    bool exists = false;
    c.query(d.table_exists_sql(), {SqlParam(std::string(kMetaTable))}, [&](const SqlRow&) { exists = true; });
    return exists;
}

void ensure_meta_table(SqlConnection& c, const SqlDialect& d) {
    if (!meta_table_exists(c, d)) {
        // VARCHAR with a length: a type every SQL backend accepts in a primary key.
        c.exec("CREATE TABLE " + d.quote(kMetaTable) + " (" + d.quote("name") + " VARCHAR(64) PRIMARY KEY, " +
               d.quote("value") + " " + d.long_text_type() + ")");
        return;
    }
    const std::string widen = d.widen_to_long_text_sql(kMetaTable, "value");
    if (!widen.empty()) c.exec(widen);
}

std::optional<std::string> read_meta(SqlConnection& c, const SqlDialect& d, const std::string& name) {
    std::optional<std::string> value;
    c.query("SELECT " + d.quote("value") + " FROM " + d.quote(kMetaTable) + " WHERE " + d.quote("name") + " = " +
                d.placeholder(1),
            {SqlParam(name)}, [&](const SqlRow& row) {
                if (!row.is_null(0)) value = std::string(row.get_text(0));
            });
    return value;
}

std::map<std::string, std::string> read_meta_prefixed(SqlConnection& c, const SqlDialect& d, const std::string& prefix) {
    std::map<std::string, std::string> rows;
    if (!meta_table_exists(c, d)) return rows;
    // Every row, filtered here: the table holds a handful, and no LIKE pattern is needed.
    c.query("SELECT " + d.quote("name") + ", " + d.quote("value") + " FROM " + d.quote(kMetaTable), {},
            [&](const SqlRow& row) {
                std::string name(row.get_text(0));
                if (name.rfind(prefix, 0) == 0 && !row.is_null(1)) rows[name] = std::string(row.get_text(1));
            });
    return rows;
}

void write_meta(SqlConnection& c, const SqlDialect& d, const std::string& name, const std::string& value) {
    const std::string table = d.quote(kMetaTable);
    c.execute("DELETE FROM " + table + " WHERE " + d.quote("name") + " = " + d.placeholder(1), {SqlParam(name)});
    c.execute("INSERT INTO " + table + " (" + d.quote("name") + ", " + d.quote("value") + ") VALUES (" +
                  d.placeholder(1) + ", " + d.placeholder(2) + ")",
              {SqlParam(name), SqlParam(value)});
}

}  // namespace events
