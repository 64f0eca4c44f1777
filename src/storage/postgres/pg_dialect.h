// PostgreSQL spelling of the SQL layer: `$n` placeholders, native column types,
// the comparison-form columns compared under COLLATE "C" (byte order,
// docs/DECISIONS.md §2.21: `a_b` < `ab` < `abc`), LIKE with an explicit ESCAPE for substrings of the
// form (case-sensitive under "C"), and text-format values decoded into the canonical
// form of core/value_format.h.
//
// Text columns are declared `COLLATE "C"`, so ids, enums and forms order by bytes
// whatever the database's locale, as on SQLite. No lower()/upper(): the database
// never folds case; the forms arrive folded (core/comparison_form.h).
#pragma once

#include "storage/sql/sql_dialect.h"

namespace events {

class PgDialect : public SqlDialect {
public:
    std::string_view name() const override { return "postgresql"; }
    std::string placeholder(int n) const override;
    size_t max_identifier_length() const override { return 63; }   // NAMEDATALEN - 1
    size_t max_parameters() const override { return 65535; }        // the protocol's 16-bit count
    // A read-merge-write locks the row it read until COMMIT; a concurrent one waits and
    // then reads the committed version (docs/DECISIONS.md §4.1).
    std::string row_lock_clause() const override { return "FOR UPDATE"; }
    std::string column_type(const Field& f) const override;

    std::string form_column_type() const override { return "TEXT COLLATE \"C\""; }
    std::string text_key(const std::string& column) const override;
    std::string text_param(const std::string& placeholder) const override;
    std::string contains_expr(const std::string& column, const std::string& placeholder) const override;
    std::string contains_pattern(std::string_view form) const override { return like_substring(form); }
    // The primary key is never NULL: a plain ASC/DESC lets its index serve both directions.
    std::string order_term_not_null(const std::string& expr, bool descending) const override {
        return expr + (descending ? " DESC" : " ASC");
    }

    // Unfiltered totals sum the slotted counters of pg_row_counts.h. Pages with an
    // offset select the page's ids first (index-only on the primary key or a covering
    // index), then read only those rows.
    std::string row_count_sql(const std::string& table_placeholder) const override;
    bool total_with_page() const override { return true; }
    bool literal_first_page_bounds() const override { return true; }
    // The visibility of the statement's snapshot as one number: its xmax (one past the
    // latest completed transaction id; any later commit or abort raises it) and which of
    // the 20 ids below xmax are still in progress (a bitmask). Every other id below xmax
    // has ended, none at or above it is visible, so two snapshots with the same version
    // see exactly the same committed data. NULL while an older transaction (more than 20
    // ids behind) is still running.
    std::string data_version_column() const override;
    std::string row_locator() const override { return "\"id\""; }

    boost::json::value decode(const Field& f, const SqlRow& row, int col) const override;
    // Prints the text cells that are already canonical (strings, ids, dates, booleans,
    // timestamps once reshaped) without building a boost::json value first.
    void append_json(const Field& f, const SqlRow& row, int col, std::string& out) const override;

    std::string table_exists_sql() const override;
    std::string list_tables_sql() const override;
    std::string widen_to_long_text_sql(const std::string& table, const std::string& column) const override;
    // CASCADE: the column's indexes (unique, declared, trigram) go with it.
    std::string drop_column_sql(const std::string& table, const std::string& column) const override {
        return "ALTER TABLE " + quote(table) + " DROP COLUMN " + quote(column) + " CASCADE";
    }
    std::string list_columns_sql() const override;
    std::string list_indexes_sql() const override;
    std::string list_foreign_keys_sql() const override;

    SqlFailure classify(const SqlError& e) const override;
};

// "2025-11-12 20:11:17.123+00" (ISO DateStyle, TimeZone UTC) -> "2025-11-12T20:11:17.123Z".
std::string pg_timestamp_to_canonical(std::string_view text);

}  // namespace events
