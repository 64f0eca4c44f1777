// Everything that differs between SQL backends, in one place.
//
// The generic builder and driver (sql_builder.h, sql_driver.h) ask the dialect
// for every piece of SQL whose spelling or semantics depends on the backend:
// quoting, placeholders, column types, byte-wise operations on the comparison-form
// columns (docs/DECISIONS.md §2.15, §2.21, §2.23), NULL ordering, value encoding/decoding, index DDL,
// introspection and error classification. A new backend is a new dialect plus a
// connection layer (sql_connection.h), never a branch in the generic code.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_connection.h"

#include <boost/json/value.hpp>

#include <optional>

#include <string>
#include <string_view>
#include <vector>

namespace events {

// What a failed statement means to the driver.
struct SqlFailure {
    // ValueTooLarge: a value the engine's index cannot hold (a PostgreSQL btree entry over
    // ~2.7 KB, a SQL Server index key over 1700 bytes), answered 422 (docs/DECISIONS.md §4.5).
    enum class Kind { Unique, ForeignKey, NotNull, ConnectionLost, Busy, ValueTooLarge, Other };
    Kind kind = Kind::Other;
    bool primary_key = false;           // Unique: the id collided
    std::vector<std::string> columns;   // Unique: the violated columns, when the backend names them
    std::string index_name;             // Unique: the violated index, when the backend names it
};

class SqlDialect {
public:
    virtual ~SqlDialect() = default;

    virtual std::string_view name() const = 0;   // "sqlite", "postgresql", "sqlserver"

    // ---- spelling -------------------------------------------------------------
    // Identifiers come only from the schema; quoting still doubles embedded quotes.
    virtual std::string quote(std::string_view identifier) const;
    // Placeholder for the n-th parameter (1-based): "?" or "$n".
    virtual std::string placeholder(int n) const = 0;
    // Longest identifier the backend keeps (0 = unlimited); longer index names are shortened.
    virtual size_t max_identifier_length() const { return 0; }
    // Most parameters one statement may bind; multi-row inserts are cut to fit.
    // The default, SQLite's historic limit, is safe for any backend.
    virtual size_t max_parameters() const { return 999; }
    // Column type for a field ("TEXT", "INTEGER", ...).
    virtual std::string column_type(const Field& f) const = 0;
    // Transaction control for write().
    virtual std::string begin_write_sql() const { return "BEGIN"; }
    // How a read inside a write (WriteTxn::get) keeps the row it read from changing until
    // the write ends, so that a read-merge-write loses no concurrent write
    // (docs/DECISIONS.md §4.1): a table hint written after the table name (T-SQL
    // "WITH (UPDLOCK, ROWLOCK)"), a clause written after the statement ("FOR UPDATE"), or
    // neither when begin_write_sql() already holds the database's write lock for the
    // whole write (write_lock_covers_reads()). SqlBuilder::select_by_id_locked() refuses a
    // dialect that gives none of the three.
    virtual std::string row_lock_table_hint() const { return {}; }
    virtual std::string row_lock_clause() const { return {}; }
    virtual bool write_lock_covers_reads() const { return false; }
    // What follows ALTER TABLE t when a column is added ("ADD COLUMN"; T-SQL: "ADD").
    virtual std::string add_column_keyword() const { return "ADD COLUMN"; }
    // Constraint written after a column's type and NOT NULL (e.g. a JSON check); "" = none.
    virtual std::string column_constraint(const Field& f) const {
        (void)f;
        return {};
    }

    // ---- foreign keys -----------------------------------------------------------
    // ON DELETE action of an FK the database must not act on by itself: cascade_delete
    // is off (the service refuses the delete, docs/DECISIONS.md §3) or the service cascades it.
    virtual std::string no_action() const { return "RESTRICT"; }
    // False for an FK whose ON DELETE cascade the backend cannot declare (SQL Server
    // refuses a second cascade path to a table, error 1785): the document service then
    // cascades it in the write transaction, and its FK is declared with no_action().
    virtual bool cascades_natively(const Field& fk) const {
        (void)fk;
        return true;
    }

    // ---- the matching rule (docs/DECISIONS.md §2.21, §2.23) ---------------------------------
    // Text compares, matches and sorts through its comparison form, which the shared
    // layer computes (core/comparison_form.h) and stores in a form column beside the
    // value (comparison_columns.h). The dialect only spells byte-wise operations on
    // those columns; it never folds case itself.
    //
    // Column type of a form column: text that compares and sorts by its bytes (or, for
    // a backend storing UTF-16, by code point, which orders UTF-8 text the same way).
    virtual std::string form_column_type() const = 0;
    // Form column type for the field `f`: a backend that can index only bounded text
    // (SQL Server) sizes the form columns of indexed fields. The default: form_column_type().
    virtual std::string form_column_type(const Field& f) const {
        (void)f;
        return form_column_type();
    }
    // Expression that compares/sorts the form column `column` (already quoted) byte-wise.
    virtual std::string text_key(const std::string& column) const = 0;
    // Expression for a form parameter on the other side of a comparison with text_key().
    virtual std::string text_param(const std::string& placeholder) const = 0;
    // Exact (byte-wise, case-sensitive) substring test of the form column `column`
    // against a parameter bound with contains_pattern().
    virtual std::string contains_expr(const std::string& column, const std::string& placeholder) const = 0;
    // The parameter text for contains_expr(), given the form of the user's value: with
    // every wildcard of the backend's pattern language escaped (never spliced into SQL).
    virtual std::string contains_pattern(std::string_view form) const = 0;
    // `%value%` with `%`, `_` and `\` escaped, for `LIKE ... ESCAPE '\'`.
    static std::string like_substring(std::string_view value);
    // One ORDER BY term with NULLs last in both directions.
    virtual std::string order_term(const std::string& expr, bool descending) const;
    // The ORDER BY term of a column that is never NULL (the id). The default is
    // order_term(); a backend whose indexes serve only their own NULL placement in each
    // direction (PostgreSQL: a backward scan yields NULLS FIRST) spells it without one.
    virtual std::string order_term_not_null(const std::string& expr, bool descending) const {
        return order_term(expr, descending);
    }
    // LIMIT/OFFSET clause for the given placeholders.
    virtual std::string limit_offset(const std::string& limit_ph, const std::string& offset_ph) const;
    // True when limit_offset() names the offset first (T-SQL `OFFSET ? ROWS FETCH NEXT ? ROWS
    // ONLY`): positional placeholders must then be bound offset first.
    virtual bool offset_before_limit() const { return false; }
    // True when a first page (offset 0) should spell its bounds as numbers instead of
    // placeholders. PostgreSQL plans a prepared statement with LIMIT $n OFFSET $m anew at
    // every execution (a generic plan must assume it reads 10% of the table, so the
    // custom plan always wins); with numbers the plan is made once per connection and
    // page size (planning was a third of PostgreSQL's time for page 1, bench/README.md). The
    // numbers are the server's own validated integers, never client text.
    virtual bool literal_first_page_bounds() const { return false; }

    // ---- optional accelerators (the defaults: none) -----------------------------
    // Column naming a row cheaply (SQLite: "rowid"). When set, a page with an offset
    // first selects only this column in an inner query (index-only when an index
    // covers the order), then fetches the page's rows. "" = plain LIMIT/OFFSET.
    virtual std::string row_locator() const { return {}; }
    // Parameter for substring_candidates(), or nullopt when the backend keeps no
    // substring index usable for this field and value (the plain test is used).
    // `value` is the comparison form of the user's value.
    virtual std::optional<SqlParam> substring_index_param(const Field& f, std::string_view value) const {
        (void)f;
        (void)value;
        return std::nullopt;
    }
    // Condition selecting a superset of the rows of `e` whose `f` contains the value
    // bound to `placeholder`; always ANDed with contains_expr(), which stays exact.
    virtual std::string substring_candidates(const Entity& e, const Field& f, const std::string& placeholder) const {
        (void)e;
        (void)f;
        (void)placeholder;
        return {};
    }
    // Expression for one extra, last result column of a deep id-ordered page: the data
    // version of the statement's own snapshot (page_anchors.h; equal versions = the same
    // committed data), NULL when it cannot be told. The page and its version then come in
    // one statement, and an anchored page whose version no longer matches is read again
    // without the anchor. "" = none: such pages run in SqlConnection::read_snapshot().
    virtual std::string data_version_column() const { return {}; }
    // Query for the exact row count of a table kept by the backend in the same
    // transactions as the rows (one row, one integer column; the table name is its
    // only parameter, spelled `table_placeholder`). "" = count the rows.
    virtual std::string row_count_sql(const std::string& table_placeholder) const {
        (void)table_placeholder;
        return {};
    }
    // True when a list page and its total should come in one statement (the total as a
    // scalar subquery in the page's last column, SqlBuilder::list_with_total()): for a
    // server, where each statement is a round trip (page 1 with its total, bench/README.md).
    // False: two statements (SQLite, where a statement costs no round trip).
    virtual bool total_with_page() const { return false; }

    // ---- values ---------------------------------------------------------------
    // Parameter for a canonical value (value_format.h) of field `f`.
    // The default covers every backend that takes typed parameters; a backend only
    // says how it stores booleans.
    virtual SqlParam bind(const Field& f, const boost::json::value& v) const;
    virtual SqlParam bind_bool(bool b) const { return b; }
    // Canonical value of a result cell of field `f`.
    virtual boost::json::value decode(const Field& f, const SqlRow& row, int col) const = 0;
    // Appends decode(f, row, col) as JSON text (to_json_text's output). The default
    // goes through decode(); a dialect can print common types straight from the row.
    virtual void append_json(const Field& f, const SqlRow& row, int col, std::string& out) const;

    // ---- indexes --------------------------------------------------------------
    // `keys` are quoted columns (a text field's form column, any other field's value column).
    virtual std::string create_index_sql(const std::string& index_name, const std::string& table,
                                         const std::vector<std::string>& keys, bool unique) const;
    virtual std::string drop_index_sql(const std::string& index_name, const std::string& table) const;
    virtual std::string drop_table_sql(const std::string& table) const;

    // ---- introspection: each query takes the table name as its only parameter
    // and yields names in column 0 -----------------------------------------------
    virtual std::string table_exists_sql() const = 0;
    virtual std::string list_columns_sql() const = 0;
    virtual std::string list_indexes_sql() const = 0;
    // Rows (column, ON DELETE action in upper case) of the table's foreign keys.
    virtual std::string list_foreign_keys_sql() const = 0;
    // Every table of the connection's schema, names in column 0, no parameter.
    virtual std::string list_tables_sql() const = 0;

    // ---- the meta table (meta_table.h) ------------------------------------------
    // A text type without a length limit, for the schema text it records.
    virtual std::string long_text_type() const { return "TEXT"; }
    // Turns `column` of `table` into long_text_type() (a meta table created with
    // VARCHAR(200) by an older server); "" where column types do not limit text (SQLite).
    virtual std::string widen_to_long_text_sql(const std::string& table, const std::string& column) const = 0;
    // Renames a column, keeping its values (SQL:2003 ALTER TABLE ... RENAME COLUMN).
    virtual std::string rename_column_sql(const std::string& table, const std::string& from, const std::string& to) const {
        return "ALTER TABLE " + quote(table) + " RENAME COLUMN " + quote(from) + " TO " + quote(to);
    }

    // Renames a table, keeping its rows; the foreign keys of other tables follow it.
    virtual std::string rename_table_sql(const std::string& from, const std::string& to) const {
        return "ALTER TABLE " + quote(from) + " RENAME TO " + quote(to);
    }
    // Drops a column (SQL:2003 ALTER TABLE ... DROP COLUMN). PostgreSQL adds CASCADE so its
    // indexes go with it; SQLite refuses while an index or trigger names it, so its
    // driver drops those first (SqliteDriver::drop_column()).
    virtual std::string drop_column_sql(const std::string& table, const std::string& column) const {
        return "ALTER TABLE " + quote(table) + " DROP COLUMN " + quote(column);
    }

    // ---- errors ---------------------------------------------------------------
    virtual SqlFailure classify(const SqlError& e) const = 0;
};

}  // namespace events
