#include "storage/sqlserver/mssql_pool.h"

#include "storage/driver.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace events {

namespace {

constexpr int kDefaultPoolSize = 8;
// A server that does not answer should turn into a 503 quickly, not hang a request.
constexpr int kLoginTimeoutSeconds = 5;
// A caller waits at most this long for a connection, then the request answers 503.
constexpr std::chrono::seconds kLeaseTimeout{30};
// The database every server has; used to create ours.
constexpr const char* kMasterDatabase = "master";
constexpr int kDatabaseExists = 1801;   // CREATE DATABASE lost a race with another server

std::string quote_identifier(const std::string& name) {
    std::string out = "[";
    for (char c : name) {
        if (c == ']') out += ']';
        out += c;
    }
    return out + "]";
}

}  // namespace

std::string mssql_database_exists_sql() { return "SELECT 1 FROM sys.databases WHERE name = ?"; }
std::string mssql_create_database_sql(const std::string& name) { return "CREATE DATABASE " + quote_identifier(name); }
std::string mssql_snapshot_reads_sql(const std::string& name) {
    // Readers see the last committed version instead of waiting for writers' locks.
    return "ALTER DATABASE " + quote_identifier(name) + " SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE";
}
std::string mssql_rollback_if_open_sql() { return "IF @@TRANCOUNT > 0 ROLLBACK"; }

MssqlPool::MssqlPool(MssqlTarget target, int pool_size)
    : target_(std::move(target)), size_(static_cast<size_t>(pool_size > 0 ? pool_size : kDefaultPoolSize)) {}

MssqlPool::~MssqlPool() { close(); }

std::unique_ptr<MssqlConnection> MssqlPool::connect(const std::string& database) const {
    return std::make_unique<MssqlConnection>(target_.connection_string(database), target_.endpoint(),
                                             kLoginTimeoutSeconds);
}

void MssqlPool::create_database_if_missing(const SqlError& first_failure) const {
    std::unique_ptr<MssqlConnection> admin;
    try {
        admin = connect(kMasterDatabase);
    } catch (const SqlError&) {
        throw StorageUnavailable(first_failure.what());   // the server itself is not reachable
    }
    bool exists = false;
    try {
        admin->query(mssql_database_exists_sql(), {SqlParam(target_.database())},
                     [&](const SqlRow&) { exists = true; });
    } catch (const SqlError& err) {
        throw StorageUnavailable(err.what());
    }
    if (exists) throw StorageUnavailable(first_failure.what());   // it failed for another reason
    try {
        admin->exec(mssql_create_database_sql(target_.database()));
        spdlog::info("sqlserver: created database {}", target_.database());
    } catch (const SqlError& err) {
        if (err.code != kDatabaseExists)
            throw StorageUnavailable("cannot create database " + target_.database() + ": " + err.what());
        return;
    }
    try {
        admin->exec(mssql_snapshot_reads_sql(target_.database()));
    } catch (const SqlError& err) {
        spdlog::warn("sqlserver: could not turn READ_COMMITTED_SNAPSHOT on for {}: {}", target_.database(), err.what());
    }
}

void MssqlPool::open() {
    std::unique_ptr<MssqlConnection> first;
    try {
        first = connect(target_.database());
    } catch (const SqlError& err) {
        create_database_if_missing(err);
        try {
            first = connect(target_.database());
        } catch (const SqlError& again) {
            throw StorageUnavailable(again.what());
        }
    }
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(first));
    ++live_;
    open_ = true;
}

void MssqlPool::close() {
    std::vector<std::unique_ptr<MssqlConnection>> closing;
    {
        std::lock_guard lock(mutex_);
        open_ = false;
        closing.swap(idle_);
        live_ -= closing.size();
    }
    returned_.notify_all();
}

ConnectionLease MssqlPool::lease() {
    std::unique_ptr<MssqlConnection> conn;
    std::vector<std::unique_ptr<MssqlConnection>> dead;   // closed outside the lock
    {
        std::unique_lock lock(mutex_);
        const auto deadline = std::chrono::steady_clock::now() + kLeaseTimeout;
        for (;;) {
            if (!open_) throw StorageUnavailable("the SQL Server connection pool is closed");
            while (!idle_.empty() && !conn) {
                conn = std::move(idle_.back());
                idle_.pop_back();
                if (!conn->looks_alive()) {
                    dead.push_back(std::move(conn));
                    --live_;
                }
            }
            if (conn) break;
            if (live_ < size_) {
                ++live_;   // reserve a slot; the connection is opened outside the lock
                break;
            }
            if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && live_ >= size_)
                throw StorageUnavailable("all " + std::to_string(size_) + " SQL Server connections are busy");
        }
    }
    if (!dead.empty()) spdlog::info("sqlserver: dropped {} dead connection(s)", dead.size());
    if (!conn) {
        try {
            conn = connect(target_.database());
        } catch (const SqlError& err) {
            {
                std::lock_guard lock(mutex_);
                --live_;
            }
            returned_.notify_one();
            throw StorageUnavailable(err.what());
        }
    }
    return ConnectionLease(conn.release(), [this](SqlConnection* c) { give_back(c); });
}

void MssqlPool::give_back(SqlConnection* c) {
    std::unique_ptr<MssqlConnection> conn(static_cast<MssqlConnection*>(c));
    // A transaction left open by an exception must not leak into the next lease.
    if (conn->healthy() && conn->in_transaction()) {
        try {
            conn->exec(mssql_rollback_if_open_sql());
        } catch (const SqlError&) {
        }
    }
    const bool dead = !conn->healthy();
    std::vector<std::unique_ptr<MssqlConnection>> discard;
    {
        std::lock_guard lock(mutex_);
        if (!dead && open_) {
            idle_.push_back(std::move(conn));
        } else {
            discard.push_back(std::move(conn));
            --live_;
        }
        if (dead) {
            live_ -= idle_.size();
            for (auto& idle : idle_) discard.push_back(std::move(idle));
            idle_.clear();
        }
    }
    returned_.notify_all();
}

boost::json::object MssqlPool::db_info() const {
    boost::json::object info = target_.describe();
    info["pool_size"] = static_cast<int64_t>(size_);
    return info;
}

std::optional<PoolStats> MssqlPool::stats() const {
    std::lock_guard lock(mutex_);
    const auto open = static_cast<int64_t>(live_);
    return PoolStats{open - static_cast<int64_t>(idle_.size()), open};
}

}  // namespace events
