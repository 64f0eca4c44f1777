// PostgreSQL spelling of the SQL layer: `$n` placeholders, native column types,
// `lower(col) COLLATE "C"` for the case-insensitive matching rule (strings
// compare and sort as their lower-cased bytes: `a_b` < `ab` < `Abc`), LIKE with
// an explicit ESCAPE for substrings, and text-format values decoded into the
// canonical form of core/value_format.h.
//
// Text columns are declared `COLLATE "C"`, so ids, enums and case-sensitive text
// order by bytes whatever the database's locale, as on SQLite, and lower() folds
// ASCII only, as SQLite's NOCASE does.
#pragma once

#include "storage/sql/sql_dialect.h"

namespace events {

class PgDialect : public SqlDialect {
public:
    std::string_view name() const override { return "postgresql"; }
    std::string placeholder(int n) const override;
    size_t max_identifier_length() const override { return 63; }   // NAMEDATALEN - 1
    size_t max_parameters() const override { return 65535; }        // the protocol's 16-bit count
    std::string column_type(const Field& f) const override;

    std::string text_key(const std::string& column, bool case_sensitive) const override;
    std::string text_param(const std::string& placeholder, bool case_sensitive) const override;
    std::string contains_expr(const std::string& column, const std::string& placeholder,
                              bool case_sensitive) const override;
    std::string contains_pattern(std::string_view value, bool case_sensitive) const override;

    boost::json::value decode(const Field& f, const SqlRow& row, int col) const override;

    std::string index_key(const Field& f, bool case_sensitive) const override;

    std::string table_exists_sql() const override;
    std::string list_columns_sql() const override;
    std::string list_indexes_sql() const override;
    std::string list_foreign_keys_sql() const override;

    SqlFailure classify(const SqlError& e) const override;
};

// "2025-11-12 20:11:17.123+00" (ISO DateStyle, TimeZone UTC) -> "2025-11-12T20:11:17.123Z".
std::string pg_timestamp_to_canonical(std::string_view text);

}  // namespace events
