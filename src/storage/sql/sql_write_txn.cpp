#include "storage/sql/sql_write_txn.h"

#include "storage/sql/sql_driver.h"

#include <algorithm>

namespace events {

namespace {
// Rows per multi-row INSERT, below the parameter limit too: past a few hundred rows
// a larger statement saves nothing and only costs parse/plan time and memory.
constexpr size_t kMaxRowsPerInsert = 1000;
}  // namespace

std::optional<Document> SqlWriteTxn::get(const Entity& e, std::string_view id) {
    // The row stays as read until the write ends: a concurrent read-merge-write waits
    // (docs/DECISIONS.md §4.1). Only reads inside a write take the lock.
    const SqlStatement st = driver_.builder().select_by_id_locked(e, id);
    std::optional<Document> out;
    try {
        conn_.query(st.sql, st.params, [&](const SqlRow& row) { out = driver_.decode_row(e, row); });
        return out;
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
}

bool SqlWriteTxn::exists(const Entity& e, std::string_view id) {
    const SqlStatement st = driver_.builder().exists_by_id(e, id);
    bool found = false;
    try {
        conn_.query(st.sql, st.params, [&](const SqlRow&) { found = true; });
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
    return found;
}

void SqlWriteTxn::insert(const Entity& e, const Document& doc) {
    const SqlStatement st = driver_.builder().insert(e, doc);
    try {
        conn_.execute(st.sql, st.params);
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
}

void SqlWriteTxn::insert_many(const Entity& e, const std::vector<Document>& docs) {
    const size_t params_per_row = SqlBuilder::params_per_row(e);
    const size_t rows_per_statement =
        std::clamp<size_t>(driver_.dialect().max_parameters() / params_per_row, 1, kMaxRowsPerInsert);
    for (size_t first = 0; first < docs.size(); first += rows_per_statement) {
        const SqlStatement st =
            driver_.builder().insert_rows(e, docs, first, std::min(rows_per_statement, docs.size() - first));
        try {
            conn_.execute(st.sql, st.params);
        } catch (const SqlError& err) {
            driver_.raise(err, &e);
        }
    }
}

bool SqlWriteTxn::update(const Entity& e, const Document& doc) {
    const SqlStatement st = driver_.builder().update(e, doc);
    try {
        return conn_.execute(st.sql, st.params) > 0;
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
}

bool SqlWriteTxn::remove(const Entity& e, std::string_view id) {
    const SqlStatement st = driver_.builder().remove(e, id);
    try {
        return conn_.execute(st.sql, st.params) > 0;
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
}

std::vector<std::string> SqlWriteTxn::ids_where(const Entity& e, const Field& field, std::string_view value,
                                                int64_t limit) {
    const SqlStatement st = driver_.builder().ids_where(e, field, value, limit);
    std::vector<std::string> ids;
    try {
        conn_.query(st.sql, st.params, [&](const SqlRow& row) { ids.emplace_back(row.get_text(0)); });
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
    return ids;
}

int64_t SqlWriteTxn::count_where(const Entity& e, const Field& field, std::string_view value) {
    const SqlStatement st = driver_.builder().count_where(e, field, value);
    int64_t n = 0;
    try {
        conn_.query(st.sql, st.params, [&](const SqlRow& row) { n = row.get_int64(0); });
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
    return n;
}

void SqlWriteTxn::clear_where(const Entity& e, const Field& field, std::string_view value) {
    const SqlStatement st = driver_.builder().clear_where(e, field, value);
    try {
        conn_.execute(st.sql, st.params);
    } catch (const SqlError& err) {
        driver_.raise(err, &e);
    }
}

}  // namespace events
