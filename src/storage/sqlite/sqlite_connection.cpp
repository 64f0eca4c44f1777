#include "storage/sqlite/sqlite_connection.h"

#include <sqlite3.h>

namespace events {

namespace {

constexpr size_t kMaxCachedStatements = 256;

class SqliteRow : public SqlRow {
public:
    explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
    int column_count() const override { return sqlite3_column_count(stmt_); }
    bool is_null(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    int64_t get_int64(int col) const override { return sqlite3_column_int64(stmt_, col); }
    double get_double(int col) const override { return sqlite3_column_double(stmt_, col); }
    std::string_view get_text(int col) const override {
        const unsigned char* text = sqlite3_column_text(stmt_, col);
        if (!text) return {};
        return {reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
    }

private:
    sqlite3_stmt* stmt_;
};

}  // namespace

// Borrows a prepared statement for one execution and hands it back reset, with
// its bindings cleared, however the execution ends (a statement left un-reset
// would pin a read snapshot of the WAL).
class SqliteConnection::StatementUse {
public:
    StatementUse(SqliteConnection& c, const std::string& sql) : c_(c), sql_(sql) { stmt_ = c_.acquire(sql_, cached_); }
    ~StatementUse() { c_.release(sql_, stmt_, cached_); }
    sqlite3_stmt* get() const { return stmt_; }

private:
    SqliteConnection& c_;
    const std::string& sql_;
    sqlite3_stmt* stmt_ = nullptr;
    bool cached_ = false;
};

// Process-wide settings, applied before the first connection initialises SQLite.
// Memory statistics make every allocation of every connection take one global mutex;
// nothing here reads them, and with several reader threads that mutex was a hot spot.
static void configure_sqlite_once() {
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);   // SQLITE_MISUSE if already initialised: harmless
        return true;
    }();
    (void)configured;
}

SqliteConnection::SqliteConnection(const std::string& path) {
    configure_sqlite_once();
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw SqlError("cannot open SQLite database '" + path + "': " + msg, rc);
    }
    sqlite3_extended_result_codes(db_, 1);
    // One plan per statement whatever its parameters: otherwise a `LIKE ?` on a text
    // column makes SQLite re-prepare the statement for every new pattern, to see whether
    // an index could serve its prefix - ours always start with '%', so it never can.
    sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_QPSG, 1, nullptr);
    try {
        exec("PRAGMA busy_timeout = 5000");
        exec("PRAGMA foreign_keys = ON");
        exec("PRAGMA synchronous = NORMAL");
    } catch (...) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteConnection::~SqliteConnection() {
    for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
    cache_.clear();
    if (db_) sqlite3_close_v2(db_);
}

void SqliteConnection::fail(const std::string& context) {
    const int code = sqlite3_extended_errcode(db_);
    throw SqlError(std::string(sqlite3_errmsg(db_)) + (context.empty() ? "" : " (" + context + ")"), code);
}

void SqliteConnection::exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string msg = err ? err : sqlite3_errmsg(db_);
        sqlite3_free(err);
        throw SqlError(msg, sqlite3_extended_errcode(db_));
    }
}

void SqliteConnection::finalize_idle_statements() {
    for (auto it = cache_.begin(); it != cache_.end();) {
        if (it->second.in_use) {
            ++it;
        } else {
            sqlite3_finalize(it->second.stmt);
            it = cache_.erase(it);
        }
    }
}

sqlite3_stmt* SqliteConnection::acquire(const std::string& sql, bool& cached) {
    auto it = cache_.find(sql);
    if (it != cache_.end() && !it->second.in_use) {
        it->second.in_use = true;
        cached = true;
        return it->second.stmt;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK)
        fail("prepare");
    if (it != cache_.end()) {   // the cached one is busy (re-entrant use): this copy is temporary
        cached = false;
        return stmt;
    }
    if (cache_.size() >= kMaxCachedStatements) finalize_idle_statements();
    cache_.emplace(sql, CachedStatement{stmt, true});
    cached = true;
    return stmt;
}

void SqliteConnection::release(const std::string& sql, sqlite3_stmt* stmt, bool cached) {
    if (!stmt) return;
    if (!cached) {
        sqlite3_finalize(stmt);
        return;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    auto it = cache_.find(sql);
    if (it != cache_.end()) it->second.in_use = false;
}

void SqliteConnection::bind_all(sqlite3_stmt* stmt, const std::vector<SqlParam>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
        const int n = static_cast<int>(i + 1);
        int rc = SQLITE_OK;
        const SqlParam& p = params[i];
        if (std::holds_alternative<std::monostate>(p)) {
            rc = sqlite3_bind_null(stmt, n);
        } else if (const int64_t* v = std::get_if<int64_t>(&p)) {
            rc = sqlite3_bind_int64(stmt, n, *v);
        } else if (const double* d = std::get_if<double>(&p)) {
            rc = sqlite3_bind_double(stmt, n, *d);
        } else if (const std::string* s = std::get_if<std::string>(&p)) {
            rc = sqlite3_bind_text64(stmt, n, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        } else if (const bool* b = std::get_if<bool>(&p)) {
            rc = sqlite3_bind_int64(stmt, n, *b ? 1 : 0);
        }
        if (rc != SQLITE_OK) fail("bind");
    }
}

int64_t SqliteConnection::execute(const std::string& sql, const std::vector<SqlParam>& params) {
    StatementUse use(*this, sql);
    bind_all(use.get(), params);
    int rc;
    while ((rc = sqlite3_step(use.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail("");
    return sqlite3_changes64(db_);
}

void SqliteConnection::query(const std::string& sql, const std::vector<SqlParam>& params,
                             const SqlRowCallback& on_row) {
    StatementUse use(*this, sql);
    bind_all(use.get(), params);
    const SqliteRow row(use.get());
    int rc;
    while ((rc = sqlite3_step(use.get())) == SQLITE_ROW) on_row(row);
    if (rc != SQLITE_DONE) fail("");
}

void SqliteConnection::read_snapshot(const std::function<void(std::optional<int64_t> version)>& work) {
    exec("BEGIN");
    try {
        int64_t version = 0;
        query("PRAGMA data_version", {}, [&](const SqlRow& row) { version = row.get_int64(0); });
        work(version);
    } catch (...) {
        rollback_quietly(*this);
        throw;
    }
    exec("COMMIT");
}

void SqliteConnection::on_commit(std::function<void(int wal_pages)> on_commit) {
    on_commit_ = std::move(on_commit);
    if (!on_commit_) {
        sqlite3_wal_hook(db_, nullptr, nullptr);
        return;
    }
    sqlite3_wal_hook(
        db_,
        [](void* self, sqlite3*, const char*, int pages) {
            static_cast<SqliteConnection*>(self)->on_commit_(pages);
            return SQLITE_OK;
        },
        this);
}

int SqliteConnection::checkpoint_passive() {
    int frames = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied) != SQLITE_OK)
        fail("checkpoint");
    return frames > copied ? frames - copied : 0;
}

std::string SqliteConnection::query_text(const std::string& sql) {
    std::string out;
    query(sql, {}, [&](const SqlRow& row) {
        if (out.empty()) out = std::string(row.get_text(0));
    });
    return out;
}

}  // namespace events
