// Connections to one SQLite file: any number of readers and ONE writer.
//
// In WAL mode readers see a consistent snapshot and never block each other or
// the writer, so a reader is never made to wait: when no idle reader is at hand
// a new connection is opened (at most `pool_size` idle ones are kept). Writers
// queue on a mutex in front of the single write connection, which is cheaper and
// fairer than letting them spin on SQLITE_BUSY.
#pragma once

#include "storage/sql/sql_connection.h"
#include "storage/sqlite/sqlite_checkpointer.h"
#include "storage/sqlite/sqlite_connection.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace events {

class SqlitePool : public SqlPool {
public:
    SqlitePool(std::string path, int pool_size);
    ~SqlitePool() override;

    void open() override;
    void close() override;
    ConnectionLease lease_read() override;
    ConnectionLease lease_write() override;
    bool single_writer() const override { return true; }
    boost::json::object db_info() const override;
    // Leased readers + the writer while leased; open = idle + leased readers + the
    // writer while the pool is open. The checkpointer's own connection is not counted
    // (it is not the pool's to lend).
    std::optional<PoolStats> stats() const override;

    // The journal mode the write connection reports ("wal" once open).
    std::string journal_mode();

private:
    std::unique_ptr<SqliteConnection> connect() const;
    void return_reader(SqlConnection* conn);

    static constexpr int kCheckpointPages = 10000;   // WAL pages (4 KiB) before a background checkpoint

    const std::string path_;
    const size_t max_idle_readers_;

    std::mutex write_mutex_;                  // held for the life of a write lease
    std::unique_ptr<SqliteConnection> writer_;
    std::atomic<bool> writer_leased_{false};  // a write lease is out (set under write_mutex_)
    std::unique_ptr<SqliteCheckpointer> checkpointer_;   // set while open

    mutable std::mutex readers_mutex_;                // guards everything below
    std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
    std::vector<std::unique_ptr<SqliteConnection>> leased_readers_;
    bool open_ = false;
};

}  // namespace events
