// One sqlite3 handle with a cache of prepared statements keyed by SQL text.
//
// A connection is used by one thread at a time (the pool hands it out), so the
// handle is opened with SQLITE_OPEN_NOMUTEX.
#pragma once

#include "storage/sql/sql_connection.h"

#include <functional>
#include <string>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace events {

class SqliteConnection : public SqlConnection {
public:
    // Opens (creating) the file and applies the per-connection PRAGMAs
    // (foreign_keys=ON, busy_timeout=5000, synchronous=NORMAL). Throws SqlError.
    explicit SqliteConnection(const std::string& path);
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    void exec(const std::string& sql) override;
    int64_t execute(const std::string& sql, const std::vector<SqlParam>& params) override;
    void query(const std::string& sql, const std::vector<SqlParam>& params, const SqlRowCallback& on_row) override;

    // BEGIN (deferred), then PRAGMA data_version, which opens the snapshot: the
    // version changes whenever another connection (or process) committed.
    void read_snapshot(const std::function<void(std::optional<int64_t> version)>& work) override;

    // Calls `on_commit(wal_pages)` after every commit of this connection instead of
    // running SQLite's automatic checkpoint (see sqlite_checkpointer.h).
    void on_commit(std::function<void(int wal_pages)> on_commit);
    // A PASSIVE checkpoint of the whole WAL: copies what no reader still needs.
    // Returns the number of WAL frames it left uncopied.
    int checkpoint_passive();

    // Text of the first column of the first row (e.g. `PRAGMA journal_mode`).
    std::string query_text(const std::string& sql);

private:
    class StatementUse;
    sqlite3_stmt* acquire(const std::string& sql, bool& cached);
    void release(const std::string& sql, sqlite3_stmt* stmt, bool cached);
    void bind_all(sqlite3_stmt* stmt, const std::vector<SqlParam>& params);
    [[noreturn]] void fail(const std::string& context);
    void finalize_idle_statements();

    struct CachedStatement {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };

    sqlite3* db_ = nullptr;
    std::function<void(int)> on_commit_;
    std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace events
