// What a server SQL backend (PostgreSQL, SQL Server) gives the shared connection
// pool (connection_pool.h): connections that can say whether they are still usable,
// and a factory that opens them.
//
// The pool owns the lending rules (how many, who waits, what happens to a dead
// connection); the backend owns everything that talks to its server: connecting,
// creating the database, reading the server's own connection limit.
#pragma once

#include "storage/sql/sql_connection.h"

#include <boost/json/object.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace events {

// A connection the pool can lend: SqlConnection plus the checks it makes when a
// connection leaves the shelf and when it comes back.
class PooledConnection : public SqlConnection {
public:
    // True when the connection sits idle and nothing says it is dead (the server
    // closed it, a restart). Cheap: no round trip to the server. Asked before a
    // connection kept idle is lent again.
    virtual bool looks_alive() const = 0;
    // True while a transaction is open (or failed) on this connection.
    virtual bool in_transaction() const = 0;
    // Ends a transaction a failed piece of work left open. Throws SqlError; the pool
    // then drops the connection unless it is healthy() and out of the transaction.
    virtual void roll_back_open_transaction() = 0;
};

// Opens the connections of one pool, all to the same database. One factory serves
// one pool; the pool calls it from many threads at once, but never open_first()
// concurrently with anything else.
class ConnectionFactory {
public:
    virtual ~ConnectionFactory() = default;

    // The backend as users know it, for messages: "PostgreSQL", "SQL Server".
    virtual std::string backend_name() const = 0;
    // The first connection of the pool, at start-up: may create the database first
    // when it does not exist. Throws StorageUnavailable when the server cannot be
    // reached or the database cannot be created.
    virtual std::unique_ptr<PooledConnection> open_first() = 0;
    // Another connection to the database open_first() reached. Throws
    // StorageUnavailable when the server cannot be reached.
    virtual std::unique_ptr<PooledConnection> connect() = 0;
    // How many connections the pool may hold (>= 1), given the `configured` size and
    // `first`, a connection of this pool: a backend lowers it to what its server
    // still accepts, so the pool never waits for connections the server would
    // refuse. The default keeps `configured`.
    virtual size_t fit_pool_size(PooledConnection& first, size_t configured) {
        (void)first;
        return configured;
    }
    // Where the data lives, without secrets: the `db_info` of /api/db/report
    // (docs/API.md), to which the pool adds its `pool_size`.
    virtual boost::json::object describe() const = 0;
};

}  // namespace events
