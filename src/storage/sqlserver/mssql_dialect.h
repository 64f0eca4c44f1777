// SQL Server (T-SQL) spelling of the SQL layer: `[quoted]` identifiers, `?`
// placeholders (ODBC), NVARCHAR/BIGINT/DECIMAL/FLOAT/BIT/DATE/DATETIME2(3) columns,
// `OFFSET ? ROWS FETCH NEXT ? ROWS ONLY` pages, NULLs last through a CASE term,
// LIKE with an explicit ESCAPE (and `[` escaped: it opens a character class in T-SQL),
// unique indexes filtered `WHERE col IS NOT NULL` (DECISIONS §2.15: nulls do not take
// part; SQL Server would otherwise treat NULLs as equal), and error numbers mapped
// to the driver's failures.
//
// The matching rule never depends on the server's or database's default collation:
// every column that takes part declares its own, and every comparison or sort key
// carries an explicit binary collation (Latin1_General_100_BIN2: code-point order).
// Text columns are declared Latin1_General_100_CI_AS_SC when case_sensitive is false
// (so unique indexes on them are case-insensitive) and Latin1_General_100_BIN2 when it
// is true; ids and enums are always binary. Filters and sort compare LOWER(col).
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_dialect.h"

#include <set>

namespace events {

class MssqlDialect : public SqlDialect {
public:
    // `schema` tells which string fields are indexed (their columns get a bounded
    // NVARCHAR(n): SQL Server cannot index NVARCHAR(MAX)) and which relationships
    // SQL Server cannot cascade (cascade_paths.h). `case_sensitive` picks the text
    // columns' collation.
    MssqlDialect(const Schema& schema, bool case_sensitive);

    std::string_view name() const override { return "sqlserver"; }
    std::string quote(std::string_view identifier) const override;
    std::string placeholder(int n) const override;
    size_t max_identifier_length() const override { return 128; }   // sysname
    // A request carries at most 2100 parameters, and one INSERT ... VALUES at most 1000
    // rows: 1000 parameters keep a multi-row insert within both, even for an entity
    // without fields (one parameter per row).
    size_t max_parameters() const override { return 1000; }
    std::string column_type(const Field& f) const override;
    std::string begin_write_sql() const override { return "BEGIN TRANSACTION"; }
    std::string add_column_keyword() const override { return "ADD"; }
    std::string column_constraint(const Field& f) const override;

    std::string no_action() const override { return "NO ACTION"; }
    bool cascades_natively(const Field& fk) const override;

    std::string text_key(const std::string& column, bool case_sensitive) const override;
    std::string text_param(const std::string& placeholder, bool case_sensitive) const override;
    std::string contains_expr(const std::string& column, const std::string& placeholder,
                              bool case_sensitive) const override;
    std::string contains_pattern(std::string_view value, bool case_sensitive) const override;
    std::string order_term(const std::string& expr, bool descending) const override;
    std::string limit_offset(const std::string& limit_ph, const std::string& offset_ph) const override;
    bool offset_before_limit() const override { return true; }

    SqlParam bind(const Field& f, const boost::json::value& v) const override;
    boost::json::value decode(const Field& f, const SqlRow& row, int col) const override;

    std::string index_key(const Field& f, bool case_sensitive) const override;
    std::string create_index_sql(const std::string& index_name, const std::string& table,
                                 const std::vector<std::string>& keys, bool unique) const override;
    std::string drop_index_sql(const std::string& index_name, const std::string& table) const override;

    std::string table_exists_sql() const override;
    std::string list_columns_sql() const override;
    std::string list_indexes_sql() const override;
    std::string list_foreign_keys_sql() const override;

    SqlFailure classify(const SqlError& e) const override;

    // The collation of every comparison and sort key.
    static constexpr const char* kBinaryCollation = "Latin1_General_100_BIN2";
    // The collation of text columns when case_sensitive is false.
    static constexpr const char* kCaseInsensitiveCollation = "Latin1_General_100_CI_AS_SC";

private:
    bool case_sensitive_;
    std::set<const Field*> indexed_;             // fields of a unique or declared index
    std::set<const Field*> service_cascaded_;    // cascade_paths.h
};

// "2025-11-12 20:11:17.123" (the connection's DATETIME2 text) -> "2025-11-12T20:11:17.123Z".
std::string mssql_timestamp_to_canonical(std::string_view text);

}  // namespace events
