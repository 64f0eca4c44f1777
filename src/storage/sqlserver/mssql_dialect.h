// SQL Server (T-SQL) spelling of the SQL layer: `[quoted]` identifiers, `?`
// placeholders (ODBC), NVARCHAR/BIGINT/DECIMAL/FLOAT/BIT/DATE/DATETIME2(3) columns,
// `OFFSET ? ROWS FETCH NEXT ? ROWS ONLY` pages, NULLs last through a CASE term,
// LIKE with an explicit ESCAPE (and `[` escaped: it opens a character class in T-SQL),
// unique indexes filtered `WHERE col IS NOT NULL` (docs/DECISIONS.md §2.15: nulls do not take
// part; SQL Server would otherwise treat NULLs as equal), and error numbers mapped
// to the driver's failures.
//
// The matching rule (docs/DECISIONS.md §2.21, §2.23) never depends on the server's or the
// database's collation: text is compared through its comparison form, computed by the
// shared layer and stored in a form column (comparison_columns.h) declared
// `VARCHAR(...) COLLATE Latin1_General_100_BIN2_UTF8`: UTF-8 compared by code point,
// i.e. byte for byte like the other backends (SQL Server 2019+). Form parameters
// arrive as NVARCHAR and are converted to that collation before any comparison, so
// the column side is never converted (and its index stays usable). The database never
// folds case. Ids and enums are NVARCHAR under Latin1_General_100_BIN2.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_dialect.h"

#include <set>

namespace events {

class MssqlDialect : public SqlDialect {
public:
    // `schema` tells which text fields are indexed (their form columns get a bounded
    // VARCHAR: SQL Server cannot index VARCHAR(MAX)) and which relationships SQL
    // Server cannot cascade (cascade_paths.h).
    explicit MssqlDialect(const Schema& schema);

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
    // An update lock on the row read, held to the end of the transaction: a second
    // read-merge-write of the row waits for it (docs/DECISIONS.md §4.1).
    std::string row_lock_table_hint() const override { return "WITH (UPDLOCK, ROWLOCK)"; }
    std::string add_column_keyword() const override { return "ADD"; }
    std::string column_constraint(const Field& f) const override;

    std::string no_action() const override { return "NO ACTION"; }
    bool cascades_natively(const Field& fk) const override;

    std::string form_column_type() const override;
    std::string form_column_type(const Field& f) const override;
    std::string text_key(const std::string& column) const override;
    std::string text_param(const std::string& placeholder) const override;
    std::string contains_expr(const std::string& column, const std::string& placeholder) const override;
    std::string contains_pattern(std::string_view form) const override;
    std::string order_term(const std::string& expr, bool descending) const override;
    std::string limit_offset(const std::string& limit_ph, const std::string& offset_ph) const override;
    bool offset_before_limit() const override { return true; }

    SqlParam bind(const Field& f, const boost::json::value& v) const override;
    boost::json::value decode(const Field& f, const SqlRow& row, int col) const override;

    std::string create_index_sql(const std::string& index_name, const std::string& table,
                                 const std::vector<std::string>& keys, bool unique) const override;
    std::string drop_index_sql(const std::string& index_name, const std::string& table) const override;

    std::string table_exists_sql() const override;
    std::string list_tables_sql() const override;
    std::string widen_to_long_text_sql(const std::string& table, const std::string& column) const override;
    std::string long_text_type() const override { return "NVARCHAR(MAX)"; }
    // sp_rename 'table.column', 'new', 'COLUMN' (SQL Server has no RENAME COLUMN). Names
    // come from the schema (identifiers: letters, digits, '_'), never from a client.
    std::string rename_column_sql(const std::string& table, const std::string& from, const std::string& to) const override {
        return "EXEC sp_rename '" + table + "." + from + "', '" + to + "', 'COLUMN'";
    }
    std::string rename_table_sql(const std::string& from, const std::string& to) const override {
        return "EXEC sp_rename '" + from + "', '" + to + "'";
    }
    std::string list_columns_sql() const override;
    std::string list_indexes_sql() const override;
    std::string list_foreign_keys_sql() const override;

    SqlFailure classify(const SqlError& e) const override;

    // The collation of ids and enums (NVARCHAR, code-point order).
    static constexpr const char* kBinaryCollation = "Latin1_General_100_BIN2";
    // The collation of the form columns (VARCHAR holding UTF-8, code-point = byte order).
    static constexpr const char* kFormCollation = "Latin1_General_100_BIN2_UTF8";

private:
    std::set<const Field*> indexed_;             // fields of a unique or declared index
    std::set<const Field*> service_cascaded_;    // cascade_paths.h
};

// "2025-11-12 20:11:17.123" (the connection's DATETIME2 text) -> "2025-11-12T20:11:17.123Z".
std::string mssql_timestamp_to_canonical(std::string_view text);

}  // namespace events
