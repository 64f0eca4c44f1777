#include "storage/sql/connection_pool.h"

#include "storage/driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <utility>

namespace events {

// The dead-connection rule. A connection found dead (on the shelf, or coming back
// broken) leaves idle_ under the lock, but is closed outside it, and stays counted
// in live_ (and closing_) until it is closed:
// - outside the lock, because a close may take as long as the network lets it (a
//   driver saying goodbye to a server that no longer answers, a half-open TCP
//   peer); under the lock every other lease, every return and the /metrics scrape
//   would wait for it;
// - still counted, because the server counts the session until it is gone: were it
//   uncounted first, a lease could open a new session meanwhile, one more than
//   pool_size, which a server the size was fitted to (fit_pool_size) may refuse.

ConnectionPool::ConnectionPool(std::unique_ptr<ConnectionFactory> factory, int pool_size,
                               std::chrono::milliseconds lease_timeout)
    : factory_(std::move(factory)),
      lease_timeout_(lease_timeout),
      size_(static_cast<size_t>(pool_size > 0 ? pool_size : kDefaultPoolSize)) {}

ConnectionPool::~ConnectionPool() { close(); }

void ConnectionPool::open() {
    Owned first = factory_->open_first();
    const size_t fitted = std::max<size_t>(factory_->fit_pool_size(*first, size_), 1);
    std::lock_guard lock(mutex_);
    size_ = fitted;
    idle_.push_back(std::move(first));
    ++live_;
    open_ = true;
}

void ConnectionPool::close() {
    std::vector<Owned> closing;
    {
        std::lock_guard lock(mutex_);
        open_ = false;
        closing.swap(idle_);
        closing_ += closing.size();
    }
    returned_.notify_all();
    close_outside_lock(std::move(closing));
}

void ConnectionPool::close_outside_lock(std::vector<Owned> conns) {
    if (conns.empty()) return;
    const size_t n = conns.size();
    conns.clear();   // the slow part: each close may wait for the server
    {
        std::lock_guard lock(mutex_);
        live_ -= n;
        closing_ -= n;
    }
    returned_.notify_all();
}

ConnectionLease ConnectionPool::lease() {
    const auto deadline = std::chrono::steady_clock::now() + lease_timeout_;
    for (;;) {
        Owned conn;
        std::vector<Owned> dead;
        bool reserved = false;   // a place in live_ is ours: open a connection for it
        {
            std::unique_lock lock(mutex_);
            for (;;) {
                if (!open_) throw StorageUnavailable("the " + factory_->backend_name() + " connection pool is closed");
                while (!idle_.empty() && !conn) {
                    Owned c = std::move(idle_.back());
                    idle_.pop_back();
                    if (c->looks_alive()) {
                        conn = std::move(c);
                    } else {
                        dead.push_back(std::move(c));
                        ++closing_;
                    }
                }
                if (conn || !dead.empty()) break;
                if (live_ < size_) {
                    ++live_;
                    reserved = true;
                    break;
                }
                if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
                    live_ >= size_)
                    throw StorageUnavailable("all " + std::to_string(size_) + " " + factory_->backend_name() +
                                             " connections are busy");
            }
        }
        if (!dead.empty()) {
            spdlog::info("{}: dropped {} dead connection(s)", factory_->backend_name(), dead.size());
            close_outside_lock(std::move(dead));
        }
        if (conn) return lend(std::move(conn));
        if (reserved) {
            try {
                conn = factory_->connect();
            } catch (...) {
                {
                    std::lock_guard lock(mutex_);
                    --live_;
                }
                returned_.notify_one();
                throw;
            }
            return lend(std::move(conn));
        }
        // Only dead connections were on the shelf; now that they are closed, look again.
    }
}

ConnectionLease ConnectionPool::lend(Owned conn) {
    return ConnectionLease(conn.release(), [this](SqlConnection* c) { give_back(static_cast<PooledConnection*>(c)); });
}

void ConnectionPool::give_back(PooledConnection* c) {
    Owned conn(c);
    // A transaction left open by an exception must not leak into the next lease.
    if (conn->healthy() && conn->in_transaction()) {
        try {
            conn->roll_back_open_transaction();
        } catch (...) {   // runs in a lease's destructor: judged by the state below
        }
    }
    const bool dead = !conn->healthy();
    const bool keep = !dead && !conn->in_transaction();
    std::vector<Owned> closing;
    {
        std::lock_guard lock(mutex_);
        if (keep && open_) {
            idle_.push_back(std::move(conn));
        } else {
            closing.push_back(std::move(conn));
        }
        // A dead session usually means they all died (restart, failover, mass
        // termination): the idle ones go too, so a retry gets a fresh connection.
        if (dead) {
            for (Owned& idle : idle_) closing.push_back(std::move(idle));
            idle_.clear();
        }
        closing_ += closing.size();
    }
    returned_.notify_all();
    close_outside_lock(std::move(closing));
}

boost::json::object ConnectionPool::db_info() const {
    boost::json::object info = factory_->describe();
    info["pool_size"] = static_cast<int64_t>(size_);
    return info;
}

std::optional<PoolStats> ConnectionPool::stats() const {
    std::lock_guard lock(mutex_);
    const auto open = static_cast<int64_t>(live_);
    return PoolStats{open - static_cast<int64_t>(idle_.size() + closing_), open};
}

}  // namespace events
