// Up to `pool_size` connections to one PostgreSQL database, shared by readers
// and writers alike: MVCC means a reader never waits for a writer, so there is
// no reason to keep them apart. When every connection is leased, a caller waits
// for one to come back.
//
// Dead connections (terminated backend, restarted server) are dropped when they
// are found dead on the shelf or come back broken (which also clears the shelf:
// sessions tend to die together), and new ones are opened on demand, so the
// pool recovers by itself once the server answers again.
//
// Sizing: `pool_size` is capped at open() to what the server can still accept
// (max_connections - superuser_reserved_connections - the client sessions already
// connected), with a warning, so that a pool never waits for connections the server
// would refuse. Each live connection has a distinct row-counter slot (pg_row_counts.h).
#pragma once

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_target.h"
#include "storage/sql/sql_connection.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace events {

class PgPool : public SqlPool {
public:
    PgPool(PgTarget target, int pool_size);
    ~PgPool() override;

    // Connects to the database, creating it first when it does not exist.
    void open() override;
    void close() override;
    ConnectionLease lease_read() override { return lease(); }
    ConnectionLease lease_write() override { return lease(); }
    boost::json::object db_info() const override;
    // open = live connections (idle + leased + being opened); in_use = open - idle.
    std::optional<PoolStats> stats() const override;

private:
    ConnectionLease lease();
    void give_back(SqlConnection* conn);
    std::unique_ptr<PgConnection> connect() const;   // throws StorageUnavailable
    void create_database_if_missing(const SqlError& first_failure) const;
    // Gives `c` the lowest free row-counter slot, released when `c` is destroyed.
    void assign_slot(PgConnection& c) const;
    // Lowers size_ to what the server accepts; `c` is a connection of this pool.
    void fit_to_server(PgConnection& c);

    const PgTarget target_;
    size_t size_;                      // set before open() returns, then fixed
    // Row-counter slots in use (pg_row_counts.h), shared with the connections that
    // release theirs when they close (possibly after the pool).
    struct Slots;
    std::shared_ptr<Slots> slots_;

    mutable std::mutex mutex_;                 // guards everything below
    std::condition_variable returned_;
    std::vector<std::unique_ptr<PgConnection>> idle_;
    size_t live_ = 0;                  // idle + leased + being opened
    bool open_ = false;
};

}  // namespace events
