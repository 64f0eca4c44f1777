// Up to `pool_size` connections to one server database (PostgreSQL, SQL Server),
// shared by readers and writers alike: both servers give readers a snapshot (MVCC,
// READ_COMMITTED_SNAPSHOT), so a reader never waits for a writer and there is no
// reason to keep them apart. When every connection is leased, a caller waits for
// one to come back, at most `lease_timeout`; then StorageUnavailable (503).
//
// Dead connections (terminated session, restarted server) are dropped when they are
// found dead on the shelf or come back broken (which also clears the shelf: sessions
// tend to die together), and new ones are opened on demand, so the pool recovers by
// itself once the server answers again.
//
// Thread safety: every method may be called from any thread at once, except open(),
// which must return before the first lease.
#pragma once

#include "storage/sql/connection_factory.h"
#include "storage/sql/sql_connection.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace events {

class ConnectionPool : public SqlPool {
public:
    // How long a caller waits for a connection when all are leased before the pool
    // is considered overloaded and the request answers 503 instead of hanging.
    static constexpr std::chrono::milliseconds kDefaultLeaseTimeout{30'000};
    // The size used when the configuration gives none (pool_size <= 0).
    static constexpr int kDefaultPoolSize = 8;

    // `pool_size`: the most connections open at once (kDefaultPoolSize when <= 0),
    // possibly lowered at open() by the factory (ConnectionFactory::fit_pool_size).
    ConnectionPool(std::unique_ptr<ConnectionFactory> factory, int pool_size,
                   std::chrono::milliseconds lease_timeout = kDefaultLeaseTimeout);
    ~ConnectionPool() override;
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    // Opens the first connection (ConnectionFactory::open_first), fits the size to
    // the server, and starts lending. Throws StorageUnavailable.
    void open() override;
    // Stops lending and closes the idle connections; a leased one is closed when it
    // comes back. A waiting lease() throws StorageUnavailable.
    void close() override;
    // A connection, idle or newly opened. Throws StorageUnavailable when the pool is
    // closed, when no connection came back within the lease timeout, or when a new
    // one cannot be opened.
    ConnectionLease lease_read() override { return lease(); }
    ConnectionLease lease_write() override { return lease(); }
    // The factory's description plus `pool_size`, the size fixed at open().
    boost::json::object db_info() const override;
    // open = connections open right now (idle, leased, being opened or being closed);
    // in_use = leased or being opened for a lease. Always a value.
    std::optional<PoolStats> stats() const override;

private:
    using Owned = std::unique_ptr<PooledConnection>;

    ConnectionLease lease();
    void give_back(PooledConnection* conn);
    ConnectionLease lend(Owned conn);
    // Closes `conns`, which the caller took out of idle_ or from a lease and counted
    // in closing_, with the mutex NOT held, then stops counting them.
    void close_outside_lock(std::vector<Owned> conns);

    const std::unique_ptr<ConnectionFactory> factory_;
    const std::chrono::milliseconds lease_timeout_;
    size_t size_;   // set before open() returns, then fixed

    mutable std::mutex mutex_;   // guards everything below
    std::condition_variable returned_;
    std::vector<Owned> idle_;
    size_t live_ = 0;      // idle + leased + being opened + being closed
    size_t closing_ = 0;   // taken out to be closed, still counted in live_
    bool open_ = false;
};

}  // namespace events
