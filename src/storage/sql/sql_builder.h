// Renders every statement of the generic SQL driver through a SqlDialect.
//
// Identifiers come only from the schema; every value travels as a parameter.
// The builder is stateless apart from the options that shape SQL (matching rule,
// ON DELETE actions), so one instance serves all threads.
//
// Plain text fields are written twice: the value as sent, and its comparison form
// (core/comparison_form.h) in the field's form column (comparison_columns.h), which
// every filter, unique/declared index and sort of that field uses
// (docs/DECISIONS.md §2.21, §2.23). Reads select value columns only, so the forms never reach a response.
#pragma once

#include "core/list_query.h"
#include "core/schema.h"
#include "storage/sql/sql_dialect.h"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace events {

// SQL text plus its parameters, numbered in the order they were added.
struct SqlStatement {
    std::string sql;
    std::vector<SqlParam> params;
};

// The comparison forms of one row (form_fields() order), for SqlBuilder::update_forms().
struct FormRow {
    std::string id;
    std::vector<SqlParam> forms;
};

// An index the schema asks for.
struct IndexSpec {
    enum class Kind { Unique, Declared, ForeignKey };
    Kind kind;
    std::string name;                    // e.g. ux_User_username, ix_User_gender_lastName, fk_User_accountId
    std::vector<const Field*> fields;
};

class SqlBuilder {
public:
    SqlBuilder(const SqlDialect& dialect, bool case_sensitive, bool cascade_delete)
        : d_(dialect), case_sensitive_(case_sensitive), cascade_delete_(cascade_delete) {}

    const SqlDialect& dialect() const { return d_; }
    bool case_sensitive() const { return case_sensitive_; }

    // ---- DDL ------------------------------------------------------------------
    // `table` overrides the entity's name (used when a table is rebuilt).
    std::string create_table(const Entity& e, std::string_view table = {}) const;
    // A column added to an existing table: never NOT NULL, FK reference kept.
    std::string add_column(const Entity& e, const Field& f) const;
    // The form column of text field `f` added to an existing table (NULL until filled).
    std::string add_form_column(const Entity& e, const Field& f) const;
    // Unquoted name of the form column of `f` for this dialect.
    std::string form_column(const Field& f) const;
    // ON DELETE action the configuration wants for an FK field ("CASCADE", ...).
    std::string on_delete_action(const Field& fk) const;
    // Every index of `e` the schema asks for: uniques, declared indexes, FK columns.
    std::vector<IndexSpec> indexes(const Entity& e) const;
    std::string create_index(const Entity& e, const IndexSpec& ix) const;
    // True for names this driver creates (and may therefore drop).
    static bool is_managed_index_name(std::string_view name);
    // Duplicate values that keep a unique index from being created: one stored value
    // per field (for text, one of those sharing the comparison form), then count(*);
    // NULLs excluded.
    SqlStatement duplicates(const Entity& e, const std::vector<const Field*>& fields, int64_t limit) const;

    // ---- reads ----------------------------------------------------------------
    // Column list in document order: id first, then fields in schema order.
    std::string select_columns(const Entity& e) const;
    SqlStatement select_by_id(const Entity& e, std::string_view id) const;
    // select_by_id() for a read inside a write: the row stays as read until the write ends
    // (SqlDialect::row_lock_table_hint(), docs/DECISIONS.md §4.1). Throws std::logic_error
    // for a dialect that names no way to keep it.
    SqlStatement select_by_id_locked(const Entity& e, std::string_view id) const;
    SqlStatement exists_by_id(const Entity& e, std::string_view id) const;
    SqlStatement select_by_ids(const Entity& e, const std::vector<std::string>& ids) const;
    // `extra_column`, when given, is an expression selected after the document's columns.
    SqlStatement list(const Entity& e, const ListQuery& q, const std::string& extra_column = {}) const;
    // list() with the list's total as one more, last column: count() as a scalar
    // subquery, evaluated once (SqlDialect::total_with_page()). The page and its total
    // then come from one snapshot. No row when the page is empty; a NULL total where
    // count() would yield no row (no kept count): then count with count_scan().
    SqlStatement list_with_total(const Entity& e, const ListQuery& q) const;
    // True when the best plan of list(e, q) and list_with_total(e, q) does not depend on
    // the values bound: a first page (its bounds are numbers, see
    // SqlDialect::literal_first_page_bounds()) whose filters are all equalities. A
    // substring, a range, or an offset bound at execution are planned per values (a
    // short substring scans, a long one uses the trigram index).
    bool plan_fits_any_values(const ListQuery& q) const;
    // Lists ordered by id can start at a known row (page_anchors.h).
    static bool id_ordered(const ListQuery& q);
    // A key naming the rows and order of a list (entity, filters with their values,
    // direction), without page or page size.
    std::string list_shape(const Entity& e, const ListQuery& q) const;
    // Total for a list: the backend's kept row count when there is no filter and the
    // dialect keeps one (it may then yield no row: fall back to count_scan()).
    SqlStatement count(const Entity& e, const ListQuery& q) const;
    SqlStatement count_scan(const Entity& e, const ListQuery& q) const;
    SqlStatement count_all(const Entity& e) const;
    SqlStatement ids_where(const Entity& e, const Field& f, std::string_view value, int64_t limit) const;
    SqlStatement count_where(const Entity& e, const Field& f, std::string_view value) const;

    // ---- writes ---------------------------------------------------------------
    SqlStatement insert(const Entity& e, const boost::json::object& doc) const;
    // One multi-row INSERT of docs[first, first + count); the caller keeps
    // count * params_per_row(e) within the dialect's max_parameters().
    SqlStatement insert_rows(const Entity& e, const std::vector<boost::json::object>& docs, size_t first,
                             size_t count) const;
    SqlStatement update(const Entity& e, const boost::json::object& doc) const;
    // Parameters one row of insert_rows() binds: id, every data field, every form column.
    static size_t params_per_row(const Entity& e);

    // ---- comparison forms (the start-up reconciliation refills them; it reads the
    // rows with list(), so paging is spelled in one place) ------------------------
    // Sets the form columns of rows[first, first + count) in one statement; the caller
    // keeps `count` within form_rows_per_update(e) (parameter limit, statement size).
    SqlStatement update_forms(const Entity& e, const std::vector<FormRow>& rows, size_t first, size_t count) const;
    size_t form_rows_per_update(const Entity& e) const;
    // Counts the rows whose value is set but whose form is not (written by a version
    // without forms); only for an entity with form fields.
    SqlStatement count_stale_forms(const Entity& e) const;
    SqlStatement remove(const Entity& e, std::string_view id) const;
    SqlStatement clear_where(const Entity& e, const Field& f, std::string_view value) const;

    // Fields stored as columns (every field but the implicit id), schema order.
    static std::vector<const Field*> data_fields(const Entity& e);

private:
    std::string ph(SqlStatement& st, SqlParam p) const;
    std::string col(const Field& f) const { return d_.quote(f.name); }
    std::string form_col(const Field& f) const;   // quoted form column
    // What indexes and uniques key on: the form column of a text field, else the value column.
    std::string key_col(const Field& f) const;
    // " WHERE id = <id>" (the statements that address one document).
    void append_where_id(SqlStatement& st, SqlParam id) const;
    // " <limit/offset clause>", parameters bound in the order the dialect names them.
    void append_page(SqlStatement& st, int64_t limit, int64_t offset) const;
    void append_where(SqlStatement& st, const Entity& e, const std::vector<FilterCondition>& filters) const;
    // Appends what follows the column list of list(): FROM, WHERE, ORDER BY, the page.
    void append_list_rows(SqlStatement& st, const Entity& e, const ListQuery& q) const;
    // Appends the statement of count().
    void append_count(SqlStatement& st, const Entity& e, const ListQuery& q) const;
    std::string condition(SqlStatement& st, const Entity& e, const FilterCondition& c) const;
    std::string order_by(const ListQuery& q) const;
    std::string index_name(std::string_view prefix, const Entity& e, const std::vector<const Field*>& fields,
                           bool on_forms) const;

    const SqlDialect& d_;
    bool case_sensitive_;
    bool cascade_delete_;
};

}  // namespace events
