#include "storage/postgres/pg_pool.h"

#include "storage/driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace events {

namespace {

constexpr int kDefaultPoolSize = 8;
// A caller waits at most this long for a connection; beyond it the pool is
// considered overloaded and the request answers 503 instead of hanging.
constexpr std::chrono::seconds kLeaseTimeout{30};
// The maintenance database every cluster has; used to create ours.
constexpr const char* kMaintenanceDatabase = "postgres";

std::string quote_identifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

struct PgPool::Slots {
    std::mutex mutex;
    std::vector<bool> used;

    int take() {
        std::lock_guard lock(mutex);
        for (size_t i = 0; i < used.size(); ++i)
            if (!used[i]) {
                used[i] = true;
                return static_cast<int>(i);
            }
        used.push_back(true);
        return static_cast<int>(used.size() - 1);
    }
    void give_back(int slot) {
        std::lock_guard lock(mutex);
        used[static_cast<size_t>(slot)] = false;
    }
};

PgPool::PgPool(PgTarget target, int pool_size)
    : target_(std::move(target)),
      size_(static_cast<size_t>(pool_size > 0 ? pool_size : kDefaultPoolSize)),
      slots_(std::make_shared<Slots>()) {}

PgPool::~PgPool() { close(); }

std::unique_ptr<PgConnection> PgPool::connect() const {
    try {
        auto conn = std::make_unique<PgConnection>(target_.params_for(target_.database()));
        assign_slot(*conn);
        return conn;
    } catch (const SqlError& err) {
        throw StorageUnavailable(err.what());
    }
}

void PgPool::assign_slot(PgConnection& c) const {
    const int slot = slots_->take();
    c.set_count_slot(slot, [slots = slots_, slot] { slots->give_back(slot); });
}

void PgPool::fit_to_server(PgConnection& c) {
    int64_t room = -1;
    try {
        c.query("SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
                " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                " AND pid <> pg_backend_pid())",
                {}, [&](const SqlRow& row) { room = row.get_int64(0); });
    } catch (const SqlError& err) {
        spdlog::debug("postgresql: cannot read max_connections: {}", err.what());
        return;
    }
    if (room < 0 || static_cast<size_t>(room) >= size_) return;
    const size_t fitted = static_cast<size_t>(std::max<int64_t>(room, 1));
    spdlog::warn("postgresql: pool_size {} is more than the server accepts now (max_connections minus reserved "
                 "and connected sessions leaves {}); using {} connections",
                 size_, room, fitted);
    size_ = fitted;
}

void PgPool::create_database_if_missing(const SqlError& first_failure) const {
    std::unique_ptr<PgConnection> admin;
    try {
        admin = std::make_unique<PgConnection>(target_.params_for(kMaintenanceDatabase));
    } catch (const SqlError&) {
        throw StorageUnavailable(first_failure.what());   // the server itself is not reachable
    }
    bool exists = false;
    try {
        admin->query("SELECT 1 FROM pg_database WHERE datname = $1", {SqlParam(target_.database())},
                     [&](const SqlRow&) { exists = true; });
    } catch (const SqlError& err) {
        throw StorageUnavailable(err.what());
    }
    if (exists) throw StorageUnavailable(first_failure.what());   // it failed for another reason
    try {
        admin->exec("CREATE DATABASE " + quote_identifier(target_.database()));
        spdlog::info("postgresql: created database {}", target_.database());
    } catch (const SqlError& err) {
        // 42P04: another server created it a moment ago (23505 is the same race seen from the catalog).
        if (err.state != "42P04" && err.state != "23505")
            throw StorageUnavailable("cannot create database " + target_.database() + ": " + err.what());
    }
}

void PgPool::open() {
    std::unique_ptr<PgConnection> first;
    try {
        first = std::make_unique<PgConnection>(target_.params_for(target_.database()));
        assign_slot(*first);
    } catch (const SqlError& err) {
        create_database_if_missing(err);
        first = connect();
    }
    fit_to_server(*first);
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(first));
    ++live_;
    open_ = true;
}

void PgPool::close() {
    std::vector<std::unique_ptr<PgConnection>> closing;
    {
        std::lock_guard lock(mutex_);
        open_ = false;
        closing.swap(idle_);
        live_ -= closing.size();
    }
    returned_.notify_all();
}

ConnectionLease PgPool::lease() {
    std::unique_ptr<PgConnection> conn;
    size_t dropped = 0;
    {
        std::unique_lock lock(mutex_);
        const auto deadline = std::chrono::steady_clock::now() + kLeaseTimeout;
        for (;;) {
            if (!open_) throw StorageUnavailable("the PostgreSQL connection pool is closed");
            while (!idle_.empty() && !conn) {
                conn = std::move(idle_.back());
                idle_.pop_back();
                if (!conn->looks_alive()) {
                    // Closed before its slot is freed: a slot freed first would let a new
                    // session open while this one still counts on the server, one more than
                    // pool_size. Closing a dead session does not wait for the server.
                    conn.reset();
                    --live_;
                    ++dropped;
                }
            }
            if (conn) break;
            if (live_ < size_) {
                ++live_;   // reserve a slot; the connection is opened outside the lock
                break;
            }
            if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && live_ >= size_)
                throw StorageUnavailable("all " + std::to_string(size_) + " PostgreSQL connections are busy");
        }
    }
    if (dropped) spdlog::info("postgresql: dropped {} dead connection(s)", dropped);
    if (!conn) {
        try {
            conn = connect();
        } catch (...) {
            {
                std::lock_guard lock(mutex_);
                --live_;
            }
            returned_.notify_one();
            throw;
        }
    }
    return ConnectionLease(conn.release(), [this](SqlConnection* c) { give_back(c); });
}

void PgPool::give_back(SqlConnection* c) {
    std::unique_ptr<PgConnection> conn(static_cast<PgConnection*>(c));
    // A transaction left open by an exception must not leak into the next lease.
    if (conn->healthy() && conn->in_transaction()) {
        try {
            conn->exec("ROLLBACK");
        } catch (const SqlError&) {
        }
    }
    const bool dead = !conn->healthy();
    const bool keep = !dead && !conn->in_transaction();
    if (!keep) conn.reset();   // closed before its slot is freed (see lease())
    {
        std::lock_guard lock(mutex_);
        if (conn && open_) {
            idle_.push_back(std::move(conn));
        } else {
            conn.reset();
            --live_;
        }
        // A dead session usually means they all died (restart, failover, mass
        // termination): the idle ones go too, so a retry gets a fresh connection.
        // They are closed while their slots are still counted, for the same reason.
        if (dead) {
            const size_t n = idle_.size();
            idle_.clear();
            live_ -= n;
        }
    }
    returned_.notify_all();
}

boost::json::object PgPool::db_info() const {
    boost::json::object info = target_.describe();
    info["pool_size"] = static_cast<int64_t>(size_);
    return info;
}

std::optional<PoolStats> PgPool::stats() const {
    std::lock_guard lock(mutex_);
    const auto open = static_cast<int64_t>(live_);
    return PoolStats{open - static_cast<int64_t>(idle_.size()), open};
}

}  // namespace events
