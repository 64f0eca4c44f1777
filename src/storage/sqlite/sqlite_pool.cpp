#include "storage/sqlite/sqlite_pool.h"

#include "storage/driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace events {

SqlitePool::SqlitePool(std::string path, int pool_size)
    : path_(std::move(path)), max_idle_readers_(static_cast<size_t>(std::max(pool_size, 1))) {}

SqlitePool::~SqlitePool() {
    try {
        close();
    } catch (...) {
    }
}

std::unique_ptr<SqliteConnection> SqlitePool::connect() const {
    try {
        return std::make_unique<SqliteConnection>(path_);
    } catch (const SqlError& e) {
        throw StorageUnavailable(e.what());
    }
}

void SqlitePool::open() {
    std::lock_guard write_lock(write_mutex_);
    {
        std::lock_guard lock(readers_mutex_);
        if (open_) return;
    }
    std::unique_ptr<SqliteConnection> writer = connect();
    std::string mode;
    try {
        mode = writer->query_text("PRAGMA journal_mode = WAL");
    } catch (const SqlError& e) {
        throw StorageUnavailable(e.what());
    }
    if (mode != "wal") spdlog::warn("sqlite: {} could not switch to WAL (journal_mode={})", path_, mode);
    // Checkpoints run on their own thread and connection (sqlite_checkpointer.h). Writes
    // touch the same hot pages (index leaves, counters) over and over, so a long interval
    // copies far fewer pages per checkpoint (the WAL grows to ~40 MiB).
    try {
        checkpointer_ = std::make_unique<SqliteCheckpointer>(path_, kCheckpointPages,
                                                             [this] { return std::unique_lock(write_mutex_); });
    } catch (const SqlError& e) {
        throw StorageUnavailable(e.what());
    }
    writer->on_commit([cp = checkpointer_.get()](int wal_pages) { cp->wal_grew(wal_pages); });
    writer_ = std::move(writer);
    std::lock_guard lock(readers_mutex_);
    open_ = true;
}

void SqlitePool::close() {
    std::unique_ptr<SqliteCheckpointer> checkpointer;
    {
        std::lock_guard write_lock(write_mutex_);
        {
            std::lock_guard lock(readers_mutex_);
            if (!open_) return;
            open_ = false;
            idle_readers_.clear();   // leased readers are closed when they come back
        }
        if (writer_) writer_->on_commit(nullptr);
        checkpointer = std::move(checkpointer_);
    }
    // Without the write lock: a running checkpoint may need it for its last pass.
    checkpointer.reset();
    std::lock_guard write_lock(write_mutex_);
    if (writer_) {
        try {
            writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (const SqlError& e) {
            spdlog::warn("sqlite: checkpoint on close failed: {}", e.what());
        }
        writer_.reset();
    }
}

ConnectionLease SqlitePool::lease_read() {
    std::unique_ptr<SqliteConnection> conn;
    {
        std::lock_guard lock(readers_mutex_);
        if (!open_) throw StorageUnavailable("SQLite database is not open");
        if (!idle_readers_.empty()) {
            conn = std::move(idle_readers_.back());
            idle_readers_.pop_back();
        }
    }
    if (!conn) conn = connect();   // outside the lock: opening a file takes a while
    SqlConnection* raw = conn.get();
    {
        std::lock_guard lock(readers_mutex_);
        leased_readers_.push_back(std::move(conn));
    }
    return ConnectionLease(raw, [this](SqlConnection* c) { return_reader(c); });
}

void SqlitePool::return_reader(SqlConnection* conn) {
    std::unique_ptr<SqliteConnection> owned;
    std::lock_guard lock(readers_mutex_);
    auto it = std::find_if(leased_readers_.begin(), leased_readers_.end(),
                           [&](const auto& p) { return p.get() == conn; });
    if (it == leased_readers_.end()) return;
    owned = std::move(*it);
    leased_readers_.erase(it);
    if (open_ && owned->healthy() && idle_readers_.size() < max_idle_readers_) idle_readers_.push_back(std::move(owned));
}

ConnectionLease SqlitePool::lease_write() {
    write_mutex_.lock();
    if (!writer_) {
        write_mutex_.unlock();
        throw StorageUnavailable("SQLite database is not open");
    }
    writer_leased_.store(true, std::memory_order_relaxed);
    return ConnectionLease(writer_.get(), [this](SqlConnection*) {
        writer_leased_.store(false, std::memory_order_relaxed);
        write_mutex_.unlock();
    });
}

std::optional<PoolStats> SqlitePool::stats() const {
    const int64_t writer_in_use = writer_leased_.load(std::memory_order_relaxed) ? 1 : 0;
    std::lock_guard lock(readers_mutex_);
    const auto leased = static_cast<int64_t>(leased_readers_.size());
    const int64_t writer_open = open_ ? 1 : 0;
    return PoolStats{leased + writer_in_use,
                     static_cast<int64_t>(idle_readers_.size()) + leased + std::max(writer_open, writer_in_use)};
}

boost::json::object SqlitePool::db_info() const {
    boost::json::object info;
    info["path"] = path_;
    info["type"] = "sqlite";
    return info;
}

std::string SqlitePool::journal_mode() {
    ConnectionLease lease = lease_write();
    return static_cast<SqliteConnection&>(*lease).query_text("PRAGMA journal_mode");
}

}  // namespace events
