#include "storage/sqlserver/mssql_dialect.h"

#include "core/value_format.h"
#include "storage/sqlserver/cascade_paths.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace events {

namespace {

// Ids, FKs and enums: 450 UTF-16 units (900 bytes), the clustered primary key's limit.
constexpr int64_t kKeyChars = 450;
// NVARCHAR(n) takes n <= 4000; beyond that NVARCHAR(MAX).
constexpr int64_t kMaxBoundedChars = 4000;
// A nonclustered index key holds at most 1700 bytes: the form column of an indexed
// field is VARCHAR(1700) (a longer form cannot be indexed; the write fails).
constexpr int64_t kIndexedFormBytes = 1700;

// Error numbers (sys.messages) the driver acts on.
constexpr int kDuplicateKeyConstraint = 2627;   // PRIMARY KEY / UNIQUE constraint
constexpr int kDuplicateKeyIndex = 2601;        // unique index
constexpr int kConstraintConflict = 547;        // FOREIGN KEY (or CHECK) conflict
constexpr int kNullIntoNotNull = 515;
constexpr int kDeadlockVictim = 1205;
constexpr int kLockTimeout = 1222;
constexpr int kSnapshotConflict = 3960;
constexpr int kIndexKeyTooLong = 1946;          // "the index entry ... exceeds the maximum length"

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

MssqlDialect::MssqlDialect(const Schema& schema) : service_cascaded_(foreign_keys_cascaded_by_service(schema)) {
    for (const auto& e : schema.entities()) {
        for (const auto& u : e->uniques) indexed_.insert(u.begin(), u.end());
        for (const auto& ix : e->indexes) indexed_.insert(ix.begin(), ix.end());
    }
}

std::string MssqlDialect::quote(std::string_view identifier) const {
    std::string out = "[";
    for (char c : identifier) {
        if (c == ']') out += ']';
        out += c;
    }
    return out + "]";
}

std::string MssqlDialect::placeholder(int) const { return "?"; }

std::string MssqlDialect::column_type(const Field& f) const {
    switch (f.type) {
        case FieldType::Integer: return "BIGINT";
        // Exact decimal: the value's shortest text goes in unchanged (no binary rounding),
        // 26 integer digits and 12 decimals.
        case FieldType::Currency: return "DECIMAL(38, 12)";
        case FieldType::Number: return "FLOAT";
        case FieldType::Boolean: return "BIT";
        case FieldType::Date: return "DATE";
        case FieldType::Datetime: return "DATETIME2(3)";   // UTC, milliseconds
        case FieldType::Json:
        case FieldType::StringArray: return "NVARCHAR(MAX)";
        case FieldType::ObjectId: return "NVARCHAR(" + std::to_string(kKeyChars) + ") COLLATE " + kBinaryCollation;
        case FieldType::String: break;
    }
    if (f.is_enum()) return "NVARCHAR(" + std::to_string(kKeyChars) + ") COLLATE " + kBinaryCollation;
    // Text values are stored as sent and only read back (comparisons use the form
    // column). max_length counts characters; one may take two UTF-16 units.
    const int64_t units = f.max_length ? std::max<int64_t>(1, *f.max_length * 2) : 0;
    return units > 0 && units <= kMaxBoundedChars ? "NVARCHAR(" + std::to_string(units) + ")" : "NVARCHAR(MAX)";
}

std::string MssqlDialect::form_column_type() const { return std::string("VARCHAR(MAX) COLLATE ") + kFormCollation; }

std::string MssqlDialect::form_column_type(const Field& f) const {
    if (!indexed_.count(&f)) return form_column_type();
    return "VARCHAR(" + std::to_string(kIndexedFormBytes) + ") COLLATE " + kFormCollation;
}

std::string MssqlDialect::column_constraint(const Field& f) const {
    if (f.type != FieldType::Json && f.type != FieldType::StringArray) return {};
    // ISJSON before SQL Server 2022 accepts only objects and arrays; wrapped in [ ] any
    // JSON value passes (and NULL, which CONCAT reads as empty).
    return "CHECK (ISJSON(CONCAT(N'[', " + quote(f.name) + ", N']')) = 1)";
}

bool MssqlDialect::cascades_natively(const Field& fk) const { return !service_cascaded_.count(&fk); }

// ---- the matching rule: byte-wise operations on the form columns ----------------------

std::string MssqlDialect::text_key(const std::string& column) const {
    return column + " COLLATE " + kFormCollation;
}

std::string MssqlDialect::text_param(const std::string& placeholder) const {
    // NVARCHAR -> VARCHAR under the UTF-8 collation: lossless, and the comparison then
    // runs in the column's own type and collation. (A CAST keeps its input's collation,
    // so COLLATE comes first; the other order would convert through the database's
    // default code page.)
    return "CAST(" + placeholder + " COLLATE " + kFormCollation + " AS VARCHAR(MAX))";
}

std::string MssqlDialect::contains_expr(const std::string& column, const std::string& placeholder) const {
    return text_key(column) + " LIKE " + text_param(placeholder) + " ESCAPE '\\'";
}

std::string MssqlDialect::contains_pattern(std::string_view form) const {
    // `[` opens a character class in T-SQL patterns; escaped like % and _.
    std::string out = "%";
    for (char c : form) {
        if (c == '%' || c == '_' || c == '[' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

std::string MssqlDialect::order_term(const std::string& expr, bool descending) const {
    // The primary key is never NULL: a plain term keeps the clustered index's order usable.
    if (expr == quote("id")) return expr + (descending ? " DESC" : " ASC");
    // T-SQL has no NULLS LAST; NULLs sort first ascending, so a leading key puts them last.
    return "CASE WHEN " + expr + " IS NULL THEN 1 ELSE 0 END, " + expr + (descending ? " DESC" : " ASC");
}

std::string MssqlDialect::limit_offset(const std::string& limit_ph, const std::string& offset_ph) const {
    return "OFFSET " + offset_ph + " ROWS FETCH NEXT " + limit_ph + " ROWS ONLY";
}

// ---- values -----------------------------------------------------------------------

SqlParam MssqlDialect::bind(const Field& f, const boost::json::value& v) const {
    if (v.is_null()) return {};
    // Currency travels as its shortest decimal text, converted exactly by the server.
    if (f.type == FieldType::Currency && v.is_number()) return format_number(v.to_number<double>());
    // DATETIME2 reads ISO 8601 without the zone; every canonical datetime is UTC.
    if (f.type == FieldType::Datetime && v.is_string()) {
        std::string text(v.get_string());
        if (text.ends_with('Z')) text.pop_back();
        return text;
    }
    return SqlDialect::bind(f, v);
}

std::string mssql_timestamp_to_canonical(std::string_view t) {
    if (t.size() >= 19 && t[4] == '-' && t[10] == ' ') {
        std::string out(t.substr(0, 10));
        out += 'T';
        out += t.substr(11, 8);
        std::string fraction = t.size() > 20 && t[19] == '.' ? std::string(t.substr(20)) : std::string();
        fraction.resize(3, '0');
        return out + "." + fraction + "Z";
    }
    return canonical_datetime(t).value_or(std::string(t));
}

boost::json::value MssqlDialect::decode(const Field& f, const SqlRow& row, int col) const {
    if (row.is_null(col)) return nullptr;
    switch (f.type) {
        case FieldType::Boolean: return row.get_int64(col) != 0;
        case FieldType::Integer: return row.get_int64(col);
        case FieldType::Number:
        case FieldType::Currency: return row.get_double(col);
        case FieldType::Datetime: return boost::json::value(mssql_timestamp_to_canonical(row.get_text(col)));
        case FieldType::Json:
        case FieldType::StringArray: {
            boost::system::error_code ec;
            boost::json::value parsed = boost::json::parse(row.get_text(col), ec);
            if (!ec) return parsed;
            return boost::json::value(row.get_text(col));
        }
        default: return boost::json::value(row.get_text(col));   // text, ids, DATE as YYYY-MM-DD
    }
}

// ---- indexes ------------------------------------------------------------------------

std::string MssqlDialect::create_index_sql(const std::string& index_name, const std::string& table,
                                           const std::vector<std::string>& keys, bool unique) const {
    std::string sql = unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
    sql += quote(index_name) + " ON " + quote(table) + " (";
    std::string filter;
    for (size_t i = 0; i < keys.size(); ++i) {
        if (i) {
            sql += ", ";
            filter += " AND ";
        }
        sql += keys[i];
        filter += keys[i] + " IS NOT NULL";
    }
    sql += ")";
    // docs/DECISIONS.md §2.15: a document with a null field of the constraint takes no part.
    if (unique) sql += " WHERE " + filter;
    return sql;
}

std::string MssqlDialect::drop_index_sql(const std::string& index_name, const std::string& table) const {
    return "DROP INDEX IF EXISTS " + quote(index_name) + " ON " + quote(table);
}

// ---- introspection: only the tables of the connection's default schema (dbo) ----------

std::string MssqlDialect::list_tables_sql() const {
    return "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = SCHEMA_NAME() AND TABLE_TYPE = 'BASE TABLE'";
}

std::string MssqlDialect::widen_to_long_text_sql(const std::string& table, const std::string& column) const {
    return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column) + " NVARCHAR(MAX)";
}

std::string MssqlDialect::table_exists_sql() const {
    return "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = SCHEMA_NAME() "
           "AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME = ?";
}

std::string MssqlDialect::list_columns_sql() const {
    return "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = SCHEMA_NAME() "
           "AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
}

std::string MssqlDialect::list_indexes_sql() const {
    return "SELECT i.name FROM sys.indexes AS i JOIN sys.tables AS t ON t.object_id = i.object_id "
           "WHERE t.schema_id = SCHEMA_ID() AND t.name = ? AND i.name IS NOT NULL ORDER BY i.name";
}

std::string MssqlDialect::list_foreign_keys_sql() const {
    return "SELECT COL_NAME(c.parent_object_id, c.parent_column_id), "
           "REPLACE(k.delete_referential_action_desc, '_', ' ') "
           "FROM sys.foreign_keys AS k "
           "JOIN sys.foreign_key_columns AS c ON c.constraint_object_id = k.object_id "
           "JOIN sys.tables AS t ON t.object_id = k.parent_object_id "
           "WHERE t.schema_id = SCHEMA_ID() AND t.name = ? ORDER BY 1";
}

// ---- errors -------------------------------------------------------------------------

SqlFailure MssqlDialect::classify(const SqlError& e) const {
    SqlFailure f;
    const std::string_view message = e.what();
    switch (e.code) {
        case kDuplicateKeyConstraint:
        case kDuplicateKeyIndex:
            f.kind = SqlFailure::Kind::Unique;
            if (contains(message, "PRIMARY KEY"))
                f.primary_key = true;
            else
                f.index_name = e.constraint;
            return f;
        case kConstraintConflict:
            // 547 is also a CHECK conflict (the JSON check), which is no FK matter.
            if (contains(message, "FOREIGN KEY") || contains(message, "REFERENCE")) f.kind = SqlFailure::Kind::ForeignKey;
            return f;
        case kNullIntoNotNull: f.kind = SqlFailure::Kind::NotNull; return f;
        case kIndexKeyTooLong: f.kind = SqlFailure::Kind::ValueTooLarge; return f;
        case kDeadlockVictim:
        case kLockTimeout:
        case kSnapshotConflict: f.kind = SqlFailure::Kind::Busy; return f;
        default: break;
    }
    // Connection exceptions (class 08: cannot connect, link failure) and the
    // driver's connection timeout.
    if (e.state.starts_with("08") || e.state == "HYT01") f.kind = SqlFailure::Kind::ConnectionLost;
    return f;
}

}  // namespace events
