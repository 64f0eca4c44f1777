// Moves WAL checkpoints off the write path.
//
// With wal_autocheckpoint, the commit that pushes the WAL past the threshold copies
// every page written since the last checkpoint back into the database file and syncs
// it - all while holding the single write connection, so every queued write waits
// (100+ ms on a 1.5 GB database). Instead the writer only reports the WAL size after
// each commit (sqlite3_wal_hook); past `threshold_pages` this thread runs a PASSIVE
// checkpoint on its own connection, concurrently with further writes and reads.
//
// A checkpoint racing a busy writer never catches up: by the time it has copied the
// frames it saw, more were appended, and SQLite only restarts the WAL from the top
// when ALL of it was copied - so the WAL would grow without bound (and every page
// lookup in it gets slower). So each round repeats the pass while writes go on until
// few frames are left (each pass copies what arrived during the previous one), then
// ends with one short pass while writes are held (`hold_writes`); the next write then
// starts the WAL over.
#pragma once

#include "storage/sqlite/sqlite_connection.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace events {

class SqliteCheckpointer {
public:
    // Returns a guard that keeps writers out while it lives.
    using HoldWrites = std::function<std::unique_lock<std::mutex>()>;

    // Opens its own connection to `path` and starts the thread.
    SqliteCheckpointer(const std::string& path, int threshold_pages, HoldWrites hold_writes);
    // Stops the thread (a running checkpoint finishes first).
    ~SqliteCheckpointer();
    SqliteCheckpointer(const SqliteCheckpointer&) = delete;
    SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

    // Called by the writer after each commit with the number of pages in the WAL.
    void wal_grew(int wal_pages);
    // Checkpoint rounds run so far (what tests observe).
    int64_t checkpoints() const;

private:
    void run();

    static constexpr int kMaxConcurrentPasses = 4;
    static constexpr int kHeldPassFrames = 256;   // few enough to copy with writes held

    const int threshold_pages_;
    const HoldWrites hold_writes_;
    std::unique_ptr<SqliteConnection> conn_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool wanted_ = false;
    bool stopping_ = false;
    int64_t checkpoints_ = 0;
    std::thread thread_;
};

}  // namespace events
