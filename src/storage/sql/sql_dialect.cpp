#include "storage/sql/sql_dialect.h"

namespace events {

std::string SqlDialect::quote(std::string_view identifier) const {
    std::string out = "\"";
    for (char c : identifier) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string SqlDialect::order_term(const std::string& expr, bool descending) const {
    return expr + (descending ? " DESC NULLS LAST" : " ASC NULLS LAST");
}

std::string SqlDialect::limit_offset(const std::string& limit_ph, const std::string& offset_ph) const {
    return "LIMIT " + limit_ph + " OFFSET " + offset_ph;
}

std::string SqlDialect::create_index_sql(const std::string& index_name, const std::string& table,
                                         const std::vector<std::string>& keys, bool unique) const {
    std::string sql = unique ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ";
    sql += quote(index_name) + " ON " + quote(table) + " (";
    for (size_t i = 0; i < keys.size(); ++i) {
        if (i) sql += ", ";
        sql += keys[i];
    }
    sql += ")";
    return sql;
}

std::string SqlDialect::drop_index_sql(const std::string& index_name, const std::string& /*table*/) const {
    return "DROP INDEX IF EXISTS " + quote(index_name);
}

std::string SqlDialect::drop_table_sql(const std::string& table) const {
    return "DROP TABLE IF EXISTS " + quote(table);
}

}  // namespace events
