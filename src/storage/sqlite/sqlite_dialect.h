// SQLite spelling of the SQL layer: `?` placeholders, the comparison-form columns
// compared under the default BINARY collation (byte order, docs/DECISIONS.md §2.21) and
// searched with instr() (exact: LIKE would fold ASCII case a second time), booleans
// as 0/1, JSON as text.
#pragma once

#include "storage/sql/sql_dialect.h"

namespace events {

class SqliteDialect : public SqlDialect {
public:
    std::string_view name() const override { return "sqlite"; }
    std::string placeholder(int n) const override;
    size_t max_parameters() const override { return 32766; }   // SQLITE_MAX_VARIABLE_NUMBER since 3.32
    std::string column_type(const Field& f) const override;
    // IMMEDIATE takes the write lock up front, so a transaction never fails
    // half-way with SQLITE_BUSY when it upgrades from read to write.
    std::string begin_write_sql() const override { return "BEGIN IMMEDIATE"; }
    // That lock excludes every other writer until COMMIT: a row read in the write cannot
    // change before the write ends (docs/DECISIONS.md §4.1).
    bool write_lock_covers_reads() const override { return true; }

    std::string form_column_type() const override { return "TEXT"; }   // BINARY collation
    std::string text_key(const std::string& column) const override { return column; }
    std::string text_param(const std::string& placeholder) const override { return placeholder; }
    std::string contains_expr(const std::string& column, const std::string& placeholder) const override;
    std::string contains_pattern(std::string_view form) const override { return std::string(form); }

    // Deep pages select rowids first; substring filters use the trigram index of
    // sqlite_text_index.h; unfiltered totals read sqlite_row_counts.h.
    std::string row_locator() const override { return "rowid"; }
    std::optional<SqlParam> substring_index_param(const Field& f, std::string_view value) const override;
    std::string substring_candidates(const Entity& e, const Field& f, const std::string& placeholder) const override;
    std::string row_count_sql(const std::string& table_placeholder) const override;

    // SQLite has no boolean type: 1/0 in an INTEGER column.
    SqlParam bind_bool(bool b) const override { return int64_t{b ? 1 : 0}; }
    boost::json::value decode(const Field& f, const SqlRow& row, int col) const override;
    void append_json(const Field& f, const SqlRow& row, int col, std::string& out) const override;

    std::string table_exists_sql() const override;
    std::string list_tables_sql() const override;
    std::string widen_to_long_text_sql(const std::string& table, const std::string& column) const override;
    std::string list_columns_sql() const override;
    std::string list_indexes_sql() const override;
    std::string list_foreign_keys_sql() const override;

    SqlFailure classify(const SqlError& e) const override;
};

}  // namespace events
