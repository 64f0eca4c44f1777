// Opens the PostgreSQL connections of the shared pool (storage/sql/connection_pool.h).
//
// Database: created at start-up when it does not exist (through the maintenance
// database every cluster has), so a fresh server needs no set-up.
//
// Sizing: the pool size is capped at start-up to what the server can still accept
// (max_connections - superuser_reserved_connections - the client sessions already
// connected), with a warning, so that the pool never waits for connections the server
// would refuse.
//
// Row-counter slots: each connection gets a slot number (pg_row_counts.h) unique among
// the live connections of this factory's pool, freed when the connection closes.
#pragma once

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_target.h"
#include "storage/sql/connection_factory.h"

#include <memory>
#include <string>

namespace events {

class PgConnectionFactory : public ConnectionFactory {
public:
    explicit PgConnectionFactory(PgTarget target);

    std::string backend_name() const override { return "PostgreSQL"; }
    // Connects to the database, creating it first when it does not exist. Throws
    // StorageUnavailable when the server cannot be reached or refuses to create it.
    std::unique_ptr<PooledConnection> open_first() override;
    // Throws StorageUnavailable when the server cannot be reached.
    std::unique_ptr<PooledConnection> connect() override;
    // `configured`, or what the server still accepts when that is less (at least 1);
    // logs a warning when it lowers the size. `configured` when the server's limits
    // cannot be read.
    size_t fit_pool_size(PooledConnection& first, size_t configured) override;
    // PgTarget::describe(): host, port, user, database, the URI without its password.
    boost::json::object describe() const override { return target_.describe(); }

private:
    // A connection to the database with its row-counter slot. Throws SqlError.
    std::unique_ptr<PgConnection> connect_to_database() const;
    void create_database_if_missing(const SqlError& first_failure) const;

    const PgTarget target_;
    // Row-counter slots in use, shared with the connections that release theirs when
    // they close (possibly after the factory).
    struct Slots;
    std::shared_ptr<Slots> slots_;
};

}  // namespace events
