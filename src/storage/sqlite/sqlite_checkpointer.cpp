#include "storage/sqlite/sqlite_checkpointer.h"

#include <spdlog/spdlog.h>

namespace events {

SqliteCheckpointer::SqliteCheckpointer(const std::string& path, int threshold_pages, HoldWrites hold_writes)
    : threshold_pages_(threshold_pages),
      hold_writes_(std::move(hold_writes)),
      conn_(std::make_unique<SqliteConnection>(path)) {
    thread_ = std::thread([this] { run(); });
}

SqliteCheckpointer::~SqliteCheckpointer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void SqliteCheckpointer::wal_grew(int wal_pages) {
    if (wal_pages < threshold_pages_) return;
    {
        std::lock_guard lock(mutex_);
        if (wanted_) return;
        wanted_ = true;
    }
    wake_.notify_one();
}

int64_t SqliteCheckpointer::checkpoints() const {
    std::lock_guard lock(mutex_);
    return checkpoints_;
}

void SqliteCheckpointer::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return wanted_ || stopping_; });
        if (stopping_) return;
        lock.unlock();
        try {
            // While writes go on: the bulk, then what was appended meanwhile (less each
            // time), so that the pass with writes held has little left to copy and sync.
            int left = conn_->checkpoint_passive();
            for (int pass = 1; pass < kMaxConcurrentPasses && left > kHeldPassFrames; ++pass)
                left = conn_->checkpoint_passive();
            const std::unique_lock writes_held = hold_writes_();
            conn_->checkpoint_passive();
        } catch (const SqlError& e) {
            spdlog::warn("sqlite: background checkpoint failed: {}", e.what());
        }
        lock.lock();
        wanted_ = false;   // commits during the checkpoint will ask again if still needed
        ++checkpoints_;
    }
}

}  // namespace events
