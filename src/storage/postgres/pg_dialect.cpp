#include "storage/postgres/pg_dialect.h"

#include "core/input_limits.h"
#include "core/value_format.h"
#include "storage/postgres/pg_row_counts.h"
#include "tools/json_parse.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>

#include <cctype>

namespace events {

std::string PgDialect::placeholder(int n) const {
    std::string ph = "$";   // (not "$" + to_string(n): GCC 12 warns falsely on that form)
    ph += std::to_string(n);
    return ph;
}

std::string PgDialect::column_type(const Field& f) const {
    switch (f.type) {
        case FieldType::Integer: return "BIGINT";
        case FieldType::Currency: return "NUMERIC";
        case FieldType::Number: return "DOUBLE PRECISION";
        case FieldType::Boolean: return "BOOLEAN";
        case FieldType::Date: return "DATE";
        case FieldType::Datetime: return "TIMESTAMPTZ";
        case FieldType::Json:
        case FieldType::StringArray: return "JSONB";
        case FieldType::String:
        case FieldType::ObjectId: break;
    }
    return "TEXT COLLATE \"C\"";
}

// ---- the matching rule ------------------------------------------------------------
// Form columns are `TEXT COLLATE "C"`; the explicit COLLATE keeps comparisons and
// LIKE byte-wise even against an untyped parameter, and matches the column's own
// collation so its indexes serve them.

std::string PgDialect::text_key(const std::string& column) const { return column + " COLLATE \"C\""; }

std::string PgDialect::text_param(const std::string& placeholder) const { return placeholder + "::text"; }

std::string PgDialect::contains_expr(const std::string& column, const std::string& placeholder) const {
    return column + " COLLATE \"C\" LIKE " + placeholder + "::text ESCAPE '\\'";
}

std::string PgDialect::row_count_sql(const std::string& table_placeholder) const {
    return pg_row_counts::count_sql(*this, table_placeholder);
}

std::string PgDialect::data_version_column() const {
    // xmax << 20 | one bit per transaction still in progress, bit k for xid xmax - 1 - k:
    // injective while every in-progress xid is within 20 of xmax (an ANALYZE or a short
    // write running elsewhere does not void the version); NULL otherwise. An uncorrelated
    // subquery: evaluated once per statement (an InitPlan).
    return "(SELECT CASE WHEN count(x.x) = 0 OR min(x.x::text::bigint) > s.m - 21 "
           "THEN (s.m << 20) | coalesce(sum(1::bigint << (s.m - 1 - x.x::text::bigint)::int), 0)::bigint END "
           "FROM (SELECT pg_current_snapshot() AS snap, pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS m) s "
           "LEFT JOIN LATERAL pg_snapshot_xip(s.snap) AS x(x) ON true GROUP BY s.m)";
}

// ---- values -------------------------------------------------------------------------
// Parameters go out as text and the server parses them into the column's type,
// so doubles keep every digit on their way into NUMERIC.

std::string pg_timestamp_to_canonical(std::string_view t) {
    auto digit = [&](size_t i) { return i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); };
    if (t.size() >= 19 && digit(0) && t[4] == '-' && t[7] == '-' && t[10] == ' ' && t[13] == ':' && t[16] == ':') {
        size_t i = 19;
        std::string fraction;
        if (i < t.size() && t[i] == '.') {
            for (++i; digit(i); ++i) fraction += t[i];
        }
        const std::string_view zone = t.substr(i);
        if (zone.empty() || zone == "+00" || zone == "+00:00" || zone == "Z") {
            fraction.resize(3, '0');   // milliseconds: pad or cut (never rounds into the next second)
            std::string out(t.substr(0, 10));
            out += 'T';
            out += t.substr(11, 8);
            out += '.' + fraction + 'Z';
            return out;
        }
    }
    // Another zone or era: let the general parser normalise it.
    return canonical_datetime(t).value_or(std::string(t));
}

boost::json::value PgDialect::decode(const Field& f, const SqlRow& row, int col) const {
    if (row.is_null(col)) return nullptr;
    switch (f.type) {
        case FieldType::Boolean: return row.get_text(col) == "t";
        case FieldType::Integer: return row.get_int64(col);
        case FieldType::Number:
        case FieldType::Currency: return row.get_double(col);
        case FieldType::Datetime: return boost::json::value(pg_timestamp_to_canonical(row.get_text(col)));
        case FieldType::Json:
        case FieldType::StringArray: {
            JsonSyntaxError syntax;   // exact doubles (tools/json_parse.h)
            if (auto parsed = parse_json(row.get_text(col), syntax, kMaxStoredJsonDepth)) return std::move(*parsed);
            return boost::json::value(row.get_text(col));
        }
        default: return boost::json::value(row.get_text(col));   // text, ids, DATE in ISO style
    }
}

void PgDialect::append_json(const Field& f, const SqlRow& row, int col, std::string& out) const {
    if (row.is_null(col)) {
        out += "null";
        return;
    }
    switch (f.type) {
        case FieldType::Boolean: out += row.get_text(col) == "t" ? "true" : "false"; return;
        case FieldType::Datetime: append_json_string(out, pg_timestamp_to_canonical(row.get_text(col))); return;
        case FieldType::Integer:
        case FieldType::Number:
        case FieldType::Currency:
        case FieldType::Json:
        case FieldType::StringArray: SqlDialect::append_json(f, row, col, out); return;
        default: append_json_string(out, row.get_text(col)); return;   // text, ids, DATE in ISO style
    }
}

// ---- introspection: only this schema (current_schema(), normally `public`) ---------

std::string PgDialect::list_tables_sql() const {
    return "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()";
}

std::string PgDialect::widen_to_long_text_sql(const std::string& table, const std::string& column) const {
    return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column) + " TYPE TEXT";
}

std::string PgDialect::table_exists_sql() const {
    return "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1";
}

std::string PgDialect::list_columns_sql() const {
    return "SELECT column_name FROM information_schema.columns "
           "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";
}

std::string PgDialect::list_indexes_sql() const {
    return "SELECT indexname FROM pg_catalog.pg_indexes "
           "WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname";
}

std::string PgDialect::list_foreign_keys_sql() const {
    return "SELECT a.attname, CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' "
           "WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END "
           "FROM pg_catalog.pg_constraint c "
           "JOIN pg_catalog.pg_class t ON t.oid = c.conrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
           "WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1 ORDER BY a.attname";
}

// ---- errors -----------------------------------------------------------------------

SqlFailure PgDialect::classify(const SqlError& e) const {
    SqlFailure f;
    const std::string_view state = e.state;
    if (state == "23505") {
        f.kind = SqlFailure::Kind::Unique;
        const std::string_view name = e.constraint;
        // The primary key's constraint is "<table>_pkey"; our own indexes start with ux_.
        if (name.ends_with("_pkey") && !name.starts_with("ux_"))
            f.primary_key = true;
        else
            f.index_name = e.constraint;
    } else if (state == "23503") {
        f.kind = SqlFailure::Kind::ForeignKey;
    } else if (state == "54000") {
        f.kind = SqlFailure::Kind::ValueTooLarge;   // program_limit_exceeded: "index row size ... exceeds"
    } else if (state == "23502") {
        f.kind = SqlFailure::Kind::NotNull;
    } else if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
        f.kind = SqlFailure::Kind::ConnectionLost;
    } else if (state == "40001" || state == "40P01" || state == "55P03" || state.starts_with("53")) {
        // Serialization failure, deadlock, lock timeout, out of connections/resources: transient.
        f.kind = SqlFailure::Kind::Busy;
    }
    return f;
}

}  // namespace events
