#include "storage/sql/sql_dialect.h"

#include "tools/json_text.h"
#include "tools/quoting.h"

namespace events {

void SqlDialect::append_json(const Field& f, const SqlRow& row, int col, std::string& out) const {
    append_json_text(out, decode(f, row, col));
}

std::string SqlDialect::quote(std::string_view identifier) const { return quote_doubling(identifier, '"'); }

std::string SqlDialect::like_substring(std::string_view value) {
    std::string out = "%";
    out.reserve(value.size() + 2);
    for (char c : value) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    out += '%';
    return out;
}

SqlParam SqlDialect::bind(const Field& f, const boost::json::value& v) const {
    if (v.is_null()) return {};
    switch (f.type) {
        case FieldType::Boolean:
            if (v.is_bool()) return bind_bool(v.get_bool());
            break;
        case FieldType::Integer:
            if (v.is_int64()) return v.get_int64();
            if (v.is_uint64()) return static_cast<int64_t>(v.get_uint64());
            if (v.is_double()) return static_cast<int64_t>(v.get_double());
            break;
        case FieldType::Number:
        case FieldType::Currency:
            if (v.is_number()) return v.to_number<double>();
            break;
        case FieldType::Json:
        case FieldType::StringArray: return to_json_text(v);
        default: break;
    }
    if (v.is_string()) return std::string(v.get_string());
    return to_json_text(v);
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
