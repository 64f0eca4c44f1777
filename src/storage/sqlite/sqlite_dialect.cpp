#include "storage/sqlite/sqlite_dialect.h"

#include "core/input_limits.h"
#include "storage/sqlite/sqlite_row_counts.h"
#include "storage/sqlite/sqlite_text_index.h"
#include "tools/json_parse.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>
#include <sqlite3.h>

namespace events {

std::string SqliteDialect::placeholder(int) const { return "?"; }

std::string SqliteDialect::column_type(const Field& f) const {
    switch (f.type) {
        case FieldType::Integer:
        case FieldType::Boolean: return "INTEGER";
        case FieldType::Number:
        case FieldType::Currency: return "REAL";
        default: return "TEXT";   // strings, ids, canonical dates (they sort as text), JSON text
    }
}

std::string SqliteDialect::contains_expr(const std::string& column, const std::string& placeholder) const {
    // instr() is an exact substring test with nothing to escape; LIKE would fold ASCII case.
    return "instr(" + column + ", " + placeholder + ") > 0";
}

std::optional<SqlParam> SqliteDialect::substring_index_param(const Field& f, std::string_view value) const {
    std::optional<std::string> match = sqlite_text_index::match_expression(*this, f, value);
    if (!match) return std::nullopt;
    return SqlParam(std::move(*match));
}

std::string SqliteDialect::substring_candidates(const Entity& e, const Field&, const std::string& placeholder) const {
    const std::string fts = quote(sqlite_text_index::table_name(e));
    return "rowid IN (SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH " + placeholder + ")";
}

std::string SqliteDialect::row_count_sql(const std::string& table_placeholder) const {
    return sqlite_row_counts::count_sql(*this, table_placeholder);
}

boost::json::value SqliteDialect::decode(const Field& f, const SqlRow& row, int col) const {
    if (row.is_null(col)) return nullptr;
    switch (f.type) {
        case FieldType::Boolean: return row.get_int64(col) != 0;
        case FieldType::Integer: return row.get_int64(col);
        case FieldType::Number:
        case FieldType::Currency: return row.get_double(col);
        case FieldType::Json:
        case FieldType::StringArray: {
            JsonSyntaxError syntax;   // exact doubles (tools/json_parse.h)
            if (auto parsed = parse_json(row.get_text(col), syntax, kMaxStoredJsonDepth)) return std::move(*parsed);
            return boost::json::value(row.get_text(col));   // not JSON: show what is stored
        }
        default: return boost::json::value(row.get_text(col));
    }
}

void SqliteDialect::append_json(const Field& f, const SqlRow& row, int col, std::string& out) const {
    switch (f.type) {
        case FieldType::Boolean:
        case FieldType::Integer:
        case FieldType::Number:
        case FieldType::Currency:
        case FieldType::Json:
        case FieldType::StringArray: SqlDialect::append_json(f, row, col, out); return;
        default:   // stored as the text decode() returns
            if (row.is_null(col)) out += "null";
            else append_json_string(out, row.get_text(col));
    }
}

std::string SqliteDialect::list_tables_sql() const {
    return "SELECT name FROM sqlite_master WHERE type = 'table'";
}

std::string SqliteDialect::widen_to_long_text_sql(const std::string& table, const std::string& column) const {
    (void)table;
    (void)column;
    return "";
}

std::string SqliteDialect::table_exists_sql() const {
    return "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?";
}

std::string SqliteDialect::list_columns_sql() const { return "SELECT name FROM pragma_table_info(?)"; }

std::string SqliteDialect::list_indexes_sql() const {
    return "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name";
}

std::string SqliteDialect::list_foreign_keys_sql() const {
    return "SELECT \"from\", upper(on_delete) FROM pragma_foreign_key_list(?)";
}

SqlFailure SqliteDialect::classify(const SqlError& e) const {
    SqlFailure f;
    switch (e.code) {
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            f.kind = SqlFailure::Kind::Unique;
            f.primary_key = true;
            return f;
        case SQLITE_CONSTRAINT_UNIQUE: {
            f.kind = SqlFailure::Kind::Unique;
            // "UNIQUE constraint failed: User.name, User.userId" or "... failed: index 'ux_...'"
            const std::string_view msg = e.what();
            const std::string_view marker = "constraint failed: ";
            const size_t at = msg.find(marker);
            if (at == std::string_view::npos) return f;
            std::string_view rest = msg.substr(at + marker.size());
            if (rest.starts_with("index '")) {
                rest.remove_prefix(7);
                f.index_name = std::string(rest.substr(0, rest.find('\'')));
                return f;
            }
            while (!rest.empty()) {
                const size_t comma = rest.find(", ");
                std::string_view item = rest.substr(0, comma);
                const size_t dot = item.find('.');
                if (dot != std::string_view::npos) item.remove_prefix(dot + 1);
                f.columns.emplace_back(item);
                if (comma == std::string_view::npos) break;
                rest.remove_prefix(comma + 2);
            }
            if (f.columns.size() == 1 && f.columns[0] == "id") f.primary_key = true;
            return f;
        }
        case SQLITE_CONSTRAINT_FOREIGNKEY: f.kind = SqlFailure::Kind::ForeignKey; return f;
        case SQLITE_CONSTRAINT_NOTNULL: f.kind = SqlFailure::Kind::NotNull; return f;
        default: break;
    }
    // RESTRICT actions fire as SQLITE_CONSTRAINT_TRIGGER, not _FOREIGNKEY.
    if ((e.code & 0xff) == SQLITE_CONSTRAINT && std::string_view(e.what()).starts_with("FOREIGN KEY constraint failed")) {
        f.kind = SqlFailure::Kind::ForeignKey;
        return f;
    }
    switch (e.code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED: f.kind = SqlFailure::Kind::Busy; break;
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT: f.kind = SqlFailure::Kind::ConnectionLost; break;
        default: break;
    }
    return f;
}

}  // namespace events
