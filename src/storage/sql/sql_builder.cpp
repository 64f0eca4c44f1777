#include "storage/sql/sql_builder.h"

#include "core/comparison_form.h"
#include "storage/sql/comparison_columns.h"
#include "tools/short_hash.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <variant>

namespace events {

namespace {

const char* comparison(FilterOp op) {
    switch (op) {
        case FilterOp::Eq: return " = ";
        case FilterOp::Ne: return " <> ";
        case FilterOp::Gt: return " > ";
        case FilterOp::Gte: return " >= ";
        case FilterOp::Lt: return " < ";
        case FilterOp::Lte: return " <= ";
        case FilterOp::Contains: return " = ";
    }
    return " = ";
}

}  // namespace

size_t SqlBuilder::params_per_row(const Entity& e) {
    return 1 + data_fields(e).size() + form_fields(e).size();
}

std::vector<const Field*> SqlBuilder::data_fields(const Entity& e) {
    std::vector<const Field*> out;
    out.reserve(e.fields.size());
    for (const Field& f : e.fields)
        if (!f.is_id()) out.push_back(&f);
    return out;
}

std::string SqlBuilder::ph(SqlStatement& st, SqlParam p) const {
    st.params.push_back(std::move(p));
    return d_.placeholder(static_cast<int>(st.params.size()));
}

// ---- DDL ------------------------------------------------------------------------

std::string SqlBuilder::on_delete_action(const Field& fk) const {
    if (!cascade_delete_ || !d_.cascades_natively(fk)) return d_.no_action();
    return fk.required ? "CASCADE" : "SET NULL";
}

std::string SqlBuilder::create_table(const Entity& e, std::string_view table) const {
    std::string sql = "CREATE TABLE " + d_.quote(table.empty() ? std::string_view(e.name) : table) + " (";
    sql += d_.quote("id") + " " + d_.column_type(e.id_field()) + " PRIMARY KEY";
    for (const Field* f : data_fields(e)) {
        sql += ", " + col(*f) + " " + d_.column_type(*f);
        if (f->required) sql += " NOT NULL";
        if (std::string check = d_.column_constraint(*f); !check.empty()) sql += " " + check;
    }
    for (const Field* f : form_fields(e)) sql += ", " + form_col(*f) + " " + d_.form_column_type(*f);
    for (const Field* f : e.foreign_keys) {
        sql += ", FOREIGN KEY (" + col(*f) + ") REFERENCES " + d_.quote(f->fk_target->name) + " (" + d_.quote("id") +
               ") ON DELETE " + on_delete_action(*f);
    }
    sql += ")";
    return sql;
}

std::string SqlBuilder::add_column(const Entity& e, const Field& f) const {
    std::string sql =
        "ALTER TABLE " + d_.quote(e.name) + " " + d_.add_column_keyword() + " " + col(f) + " " + d_.column_type(f);
    if (std::string check = d_.column_constraint(f); !check.empty()) sql += " " + check;
    if (f.is_fk())
        sql += " REFERENCES " + d_.quote(f.fk_target->name) + " (" + d_.quote("id") + ") ON DELETE " +
               on_delete_action(f);
    return sql;
}

std::string SqlBuilder::add_form_column(const Entity& e, const Field& f) const {
    return "ALTER TABLE " + d_.quote(e.name) + " " + d_.add_column_keyword() + " " + form_col(f) + " " +
           d_.form_column_type(f);
}

std::string SqlBuilder::form_column(const Field& f) const { return form_column_name(f, d_.max_identifier_length()); }

std::string SqlBuilder::form_col(const Field& f) const { return d_.quote(form_column(f)); }

std::string SqlBuilder::key_col(const Field& f) const { return has_form_column(f) ? form_col(f) : col(f); }

std::string SqlBuilder::index_name(std::string_view prefix, const Entity& e, const std::vector<const Field*>& fields,
                                   bool on_forms) const {
    std::string name = std::string(prefix) + "_" + e.name;
    for (const Field* f : fields) name += "_" + f->name;
    // An index over comparison-form columns is named apart from the indexes over
    // value columns that older versions created (ASCII-folding expressions, "_cs"
    // when case-sensitive), so reconciliation replaces those. '$' is in no field name.
    if (on_forms) name += "$form";
    const size_t max = d_.max_identifier_length();
    if (max > 12 && name.size() > max) name = name.substr(0, max - 9) + fmt::format("_{:08x}", fnv1a(name));
    return name;
}

std::vector<IndexSpec> SqlBuilder::indexes(const Entity& e) const {
    auto has_text = [](const std::vector<const Field*>& fs) {
        for (const Field* f : fs)
            if (has_form_column(*f)) return true;
        return false;
    };
    std::vector<IndexSpec> out;
    for (const auto& u : e.uniques) out.push_back({IndexSpec::Kind::Unique, index_name("ux", e, u, has_text(u)), u});
    for (const auto& ix : e.indexes)
        out.push_back({IndexSpec::Kind::Declared, index_name("ix", e, ix, has_text(ix)), ix});
    for (const Field* f : e.foreign_keys) out.push_back({IndexSpec::Kind::ForeignKey, index_name("fk", e, {f}, false), {f}});
    return out;
}

bool SqlBuilder::is_managed_index_name(std::string_view name) {
    return name.starts_with("ux_") || name.starts_with("ix_") || name.starts_with("fk_");
}

std::string SqlBuilder::create_index(const Entity& e, const IndexSpec& ix) const {
    std::vector<std::string> keys;
    for (const Field* f : ix.fields) keys.push_back(key_col(*f));
    return d_.create_index_sql(ix.name, e.name, keys, ix.kind == IndexSpec::Kind::Unique);
}

SqlStatement SqlBuilder::duplicates(const Entity& e, const std::vector<const Field*>& fields, int64_t limit) const {
    std::string shown, keys, not_null;
    for (const Field* f : fields) {
        if (!keys.empty()) {
            shown += ", ";
            keys += ", ";
            not_null += " AND ";
        }
        // A text field shows one of the stored values sharing the form (min: any one
        // will do, and min() exists everywhere); other fields are their own key.
        shown += has_form_column(*f) ? "min(" + col(*f) + ")" : col(*f);
        keys += key_col(*f);
        not_null += key_col(*f) + " IS NOT NULL";
    }
    SqlStatement st;
    st.sql = "SELECT " + shown + ", count(*) FROM " + d_.quote(e.name) + " WHERE " + not_null + " GROUP BY " + keys +
             " HAVING count(*) > 1 ORDER BY count(*) DESC";
    append_page(st, limit, 0);
    return st;
}

// ---- reads ----------------------------------------------------------------------

std::string SqlBuilder::select_columns(const Entity& e) const {
    std::string cols = d_.quote("id");
    for (const Field* f : data_fields(e)) cols += ", " + col(*f);
    return cols;
}

void SqlBuilder::append_page(SqlStatement& st, int64_t limit, int64_t offset) const {
    if (offset == 0 && d_.literal_first_page_bounds()) {
        st.sql += " " + d_.limit_offset(std::to_string(limit), "0");
        return;
    }
    std::string limit_ph, offset_ph;
    if (d_.offset_before_limit()) {
        offset_ph = ph(st, offset);
        limit_ph = ph(st, limit);
    } else {
        limit_ph = ph(st, limit);
        offset_ph = ph(st, offset);
    }
    st.sql += " " + d_.limit_offset(limit_ph, offset_ph);
}

void SqlBuilder::append_where_id(SqlStatement& st, SqlParam id) const {
    st.sql += " WHERE " + d_.quote("id") + " = ";
    st.sql += ph(st, std::move(id));
}

SqlStatement SqlBuilder::select_by_id(const Entity& e, std::string_view id) const {
    SqlStatement st;
    st.sql = "SELECT " + select_columns(e) + " FROM " + d_.quote(e.name);
    append_where_id(st, SqlParam(std::string(id)));
    return st;
}

SqlStatement SqlBuilder::select_by_id_locked(const Entity& e, std::string_view id) const {
    const std::string hint = d_.row_lock_table_hint(), clause = d_.row_lock_clause();
    if (hint.empty() && clause.empty() && !d_.write_lock_covers_reads())
        throw std::logic_error(std::string(d_.name()) + " dialect: no way to lock a row read inside a write");
    SqlStatement st;
    st.sql = "SELECT " + select_columns(e) + " FROM " + d_.quote(e.name);
    if (!hint.empty()) st.sql += " " + hint;
    append_where_id(st, SqlParam(std::string(id)));
    if (!clause.empty()) st.sql += " " + clause;
    return st;
}

SqlStatement SqlBuilder::exists_by_id(const Entity& e, std::string_view id) const {
    SqlStatement st;
    st.sql = "SELECT 1 FROM " + d_.quote(e.name);
    append_where_id(st, SqlParam(std::string(id)));
    return st;
}

SqlStatement SqlBuilder::select_by_ids(const Entity& e, const std::vector<std::string>& ids) const {
    SqlStatement st;
    st.sql = "SELECT " + select_columns(e) + " FROM " + d_.quote(e.name) + " WHERE " + d_.quote("id") + " IN (";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) st.sql += ", ";
        st.sql += ph(st, ids[i]);
    }
    st.sql += ")";
    return st;
}

std::string SqlBuilder::condition(SqlStatement& st, const Entity& e, const FilterCondition& c) const {
    const Field& f = *c.field;
    const std::string column = col(f);
    if (c.value.is_null()) {
        if (c.op == FilterOp::Eq) return column + " IS NULL";
        if (c.op == FilterOp::Ne) return column + " IS NOT NULL";
        return "1 = 0";
    }
    if (has_form_column(f)) {
        // Compared as comparison forms, byte for byte (docs/DECISIONS.md §2.23): the parameter
        // gets the same function as the stored values.
        const boost::json::string* s = c.value.if_string();
        const std::string form = comparison_form(s ? std::string_view(*s) : std::string_view(), case_sensitive_);
        const std::string form_column = form_col(f);
        if (c.op == FilterOp::Contains) {
            // The index narrows the rows; the substring test below keeps the result exact.
            std::string candidates;
            if (std::optional<SqlParam> search = d_.substring_index_param(f, form))
                candidates = d_.substring_candidates(e, f, ph(st, std::move(*search)));
            std::string test = d_.contains_expr(form_column, ph(st, d_.contains_pattern(form)));
            return candidates.empty() ? test : "(" + candidates + " AND " + test + ")";
        }
        return d_.text_key(form_column) + comparison(c.op) + d_.text_param(ph(st, form));
    }
    // Enums, ids, numbers, booleans, dates: exact typed comparison.
    return column + comparison(c.op) + ph(st, d_.bind(f, c.value));
}

void SqlBuilder::append_where(SqlStatement& st, const Entity& e, const std::vector<FilterCondition>& filters) const {
    for (size_t i = 0; i < filters.size(); ++i) {
        st.sql += i ? " AND " : " WHERE ";
        st.sql += condition(st, e, filters[i]);
    }
}

std::string SqlBuilder::order_by(const ListQuery& q) const {
    if (q.sort.empty()) return d_.order_term_not_null(d_.quote("id"), false);
    std::string out;
    for (size_t i = 0; i < q.sort.size(); ++i) {
        const Field& f = *q.sort[i].field;
        if (i) out += ", ";
        const std::string expr = has_form_column(f) ? d_.text_key(form_col(f)) : col(f);
        out += f.is_id() ? d_.order_term_not_null(expr, q.sort[i].descending)
                         : d_.order_term(expr, q.sort[i].descending);
    }
    return out;
}

SqlStatement SqlBuilder::list(const Entity& e, const ListQuery& q, const std::string& extra_column) const {
    SqlStatement st;
    st.sql = "SELECT " + select_columns(e) + (extra_column.empty() ? "" : ", " + extra_column);
    append_list_rows(st, e, q);
    return st;
}

SqlStatement SqlBuilder::list_with_total(const Entity& e, const ListQuery& q) const {
    // Built in text order, so that positional placeholders ("?") match the parameters.
    SqlStatement st;
    st.sql = "SELECT " + select_columns(e) + ", (";
    append_count(st, e, q);
    st.sql += ")";
    append_list_rows(st, e, q);
    return st;
}

void SqlBuilder::append_list_rows(SqlStatement& st, const Entity& e, const ListQuery& q) const {
    const std::string order = order_by(q);
    const int64_t limit = q.limit >= 0 ? q.limit : std::numeric_limits<int64_t>::max();
    const int64_t offset = q.offset > 0 ? q.offset : int64_t{0};
    const std::string locator = d_.row_locator();
    if (!locator.empty() && offset > 0) {
        // Deferred fetch: the rows skipped by OFFSET are walked by the inner query,
        // which needs only the locator (index-only when an index serves the order);
        // full rows are read for the page alone. Same filter, same order: same page.
        st.sql += " FROM " + d_.quote(e.name) + " WHERE " + locator + " IN (SELECT " + locator + " FROM " +
                  d_.quote(e.name);
        append_where(st, e, q.filters);
        st.sql += " ORDER BY " + order;
        append_page(st, limit, offset);
        st.sql += ") ORDER BY " + order;
        return;
    }
    st.sql += " FROM " + d_.quote(e.name);
    append_where(st, e, q.filters);
    st.sql += " ORDER BY " + order;
    append_page(st, limit, offset);
}

bool SqlBuilder::plan_fits_any_values(const ListQuery& q) const {
    if (q.offset > 0 || !d_.literal_first_page_bounds()) return false;
    return std::all_of(q.filters.begin(), q.filters.end(),
                       [](const FilterCondition& f) { return f.op == FilterOp::Eq; });
}

bool SqlBuilder::id_ordered(const ListQuery& q) { return q.sort.empty() || q.sort.front().field->is_id(); }

std::string SqlBuilder::list_shape(const Entity& e, const ListQuery& q) const {
    SqlStatement st = count_scan(e, q);
    std::string key = std::move(st.sql);
    key += " ORDER BY " + order_by(q);
    // Parameters by type and value; the separators cannot be confused with a value
    // because every text value is preceded by its length.
    for (const SqlParam& p : st.params) {
        key += '\x1f';
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::monostate>) key += 'N';
                else if constexpr (std::is_same_v<T, std::string>) key += 'S' + std::to_string(v.size()) + ':' + v;
                else if constexpr (std::is_same_v<T, bool>) key += v ? "T" : "F";
                else if constexpr (std::is_same_v<T, double>) key += fmt::format("D{}", v);
                else key += 'I' + std::to_string(v);
            },
            p);
    }
    return key;
}

SqlStatement SqlBuilder::count(const Entity& e, const ListQuery& q) const {
    SqlStatement st;
    append_count(st, e, q);
    return st;
}

void SqlBuilder::append_count(SqlStatement& st, const Entity& e, const ListQuery& q) const {
    if (q.filters.empty()) {
        // The table name is the next parameter; bound only when the dialect keeps counts.
        const std::string kept = d_.row_count_sql(d_.placeholder(static_cast<int>(st.params.size()) + 1));
        if (!kept.empty()) {
            st.sql += kept;
            st.params.emplace_back(e.name);
            return;
        }
    }
    st.sql += "SELECT count(*) FROM " + d_.quote(e.name);
    append_where(st, e, q.filters);
}

SqlStatement SqlBuilder::count_scan(const Entity& e, const ListQuery& q) const {
    SqlStatement st;
    st.sql = "SELECT count(*) FROM " + d_.quote(e.name);
    append_where(st, e, q.filters);
    return st;
}

SqlStatement SqlBuilder::count_all(const Entity& e) const {
    return {"SELECT count(*) FROM " + d_.quote(e.name), {}};
}

SqlStatement SqlBuilder::ids_where(const Entity& e, const Field& f, std::string_view value, int64_t limit) const {
    SqlStatement st;
    st.sql = "SELECT " + d_.quote("id") + " FROM " + d_.quote(e.name) + " WHERE " + col(f) + " = ";
    st.sql += ph(st, std::string(value));
    st.sql += " ORDER BY " + d_.quote("id");
    if (limit >= 0) append_page(st, limit, 0);
    return st;
}

SqlStatement SqlBuilder::count_where(const Entity& e, const Field& f, std::string_view value) const {
    SqlStatement st;
    st.sql = "SELECT count(*) FROM " + d_.quote(e.name) + " WHERE " + col(f) + " = ";
    st.sql += ph(st, std::string(value));
    return st;
}

// ---- writes -------------------------------------------------------------------

SqlStatement SqlBuilder::insert(const Entity& e, const boost::json::object& doc) const {
    SqlStatement st;
    std::string cols = d_.quote("id"), values;
    const boost::json::value* id = doc.if_contains("id");
    values = ph(st, (id && id->is_string()) ? SqlParam(std::string(id->get_string())) : SqlParam());
    for (const Field* f : data_fields(e)) {
        cols += ", " + col(*f);
        const boost::json::value* v = doc.if_contains(f->name);
        values += ", " + ph(st, v ? d_.bind(*f, *v) : SqlParam());
    }
    for (const Field* f : form_fields(e)) {
        cols += ", " + form_col(*f);
        values += ", " + ph(st, form_param(doc.if_contains(f->name), case_sensitive_));
    }
    st.sql = "INSERT INTO " + d_.quote(e.name) + " (" + cols + ") VALUES (" + values + ")";
    return st;
}

SqlStatement SqlBuilder::insert_rows(const Entity& e, const std::vector<boost::json::object>& docs, size_t first,
                                     size_t count) const {
    const std::vector<const Field*> fields = data_fields(e);
    const std::vector<const Field*> forms = form_fields(e);
    SqlStatement st;
    st.params.reserve(count * params_per_row(e));
    st.sql = "INSERT INTO " + d_.quote(e.name) + " (" + d_.quote("id");
    for (const Field* f : fields) st.sql += ", " + col(*f);
    for (const Field* f : forms) st.sql += ", " + form_col(*f);
    st.sql += ") VALUES ";
    for (size_t i = first; i < first + count; ++i) {
        const boost::json::object& doc = docs[i];
        const boost::json::value* id = doc.if_contains("id");
        st.sql += i == first ? "(" : ", (";
        st.sql += ph(st, (id && id->is_string()) ? SqlParam(std::string(id->get_string())) : SqlParam());
        for (const Field* f : fields) {
            const boost::json::value* v = doc.if_contains(f->name);
            st.sql += ", " + ph(st, v ? d_.bind(*f, *v) : SqlParam());
        }
        for (const Field* f : forms) st.sql += ", " + ph(st, form_param(doc.if_contains(f->name), case_sensitive_));
        st.sql += ")";
    }
    return st;
}

SqlStatement SqlBuilder::update(const Entity& e, const boost::json::object& doc) const {
    SqlStatement st;
    st.sql = "UPDATE " + d_.quote(e.name) + " SET ";
    bool first = true;
    for (const Field* f : data_fields(e)) {
        if (!first) st.sql += ", ";
        first = false;
        const boost::json::value* v = doc.if_contains(f->name);
        st.sql += col(*f) + " = " + ph(st, v ? d_.bind(*f, *v) : SqlParam());
    }
    for (const Field* f : form_fields(e))
        st.sql += ", " + form_col(*f) + " = " + ph(st, form_param(doc.if_contains(f->name), case_sensitive_));
    if (first) st.sql += d_.quote("id") + " = " + d_.quote("id");   // an entity without fields
    const boost::json::value* id = doc.if_contains("id");
    append_where_id(st, (id && id->is_string()) ? SqlParam(std::string(id->get_string())) : SqlParam());
    return st;
}

size_t SqlBuilder::form_rows_per_update(const Entity& e) const {
    const size_t per_row = 1 + 2 * form_fields(e).size();
    return std::clamp<size_t>(d_.max_parameters() / per_row, 1, 100);
}

SqlStatement SqlBuilder::update_forms(const Entity& e, const std::vector<FormRow>& rows, size_t first,
                                      size_t count) const {
    // One statement for many rows (one round trip), in SQL every backend speaks:
    // SET f = CASE id WHEN <id> THEN <form> ... END ... WHERE id IN (<ids>).
    SqlStatement st;
    st.sql = "UPDATE " + d_.quote(e.name) + " SET ";
    const std::vector<const Field*> fields = form_fields(e);
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) st.sql += ", ";
        st.sql += form_col(*fields[i]) + " = CASE " + d_.quote("id");
        for (size_t r = first; r < first + count; ++r) {
            st.sql += " WHEN " + ph(st, rows[r].id);
            st.sql += " THEN " + ph(st, i < rows[r].forms.size() ? rows[r].forms[i] : SqlParam());
        }
        st.sql += " END";
    }
    st.sql += " WHERE " + d_.quote("id") + " IN (";
    for (size_t r = first; r < first + count; ++r) {
        if (r != first) st.sql += ", ";
        st.sql += ph(st, rows[r].id);
    }
    st.sql += ")";
    return st;
}

SqlStatement SqlBuilder::count_stale_forms(const Entity& e) const {
    SqlStatement st;
    st.sql = "SELECT count(*) FROM " + d_.quote(e.name) + " WHERE ";
    bool first = true;
    for (const Field* f : form_fields(e)) {
        if (!first) st.sql += " OR ";
        first = false;
        st.sql += "(" + col(*f) + " IS NOT NULL AND " + form_col(*f) + " IS NULL)";
    }
    return st;
}

SqlStatement SqlBuilder::remove(const Entity& e, std::string_view id) const {
    SqlStatement st;
    st.sql = "DELETE FROM " + d_.quote(e.name);
    append_where_id(st, SqlParam(std::string(id)));
    return st;
}

SqlStatement SqlBuilder::clear_where(const Entity& e, const Field& f, std::string_view value) const {
    SqlStatement st;
    st.sql = "UPDATE " + d_.quote(e.name) + " SET " + col(f) + " = NULL WHERE " + col(f) + " = ";
    st.sql += ph(st, std::string(value));
    return st;
}

}  // namespace events
