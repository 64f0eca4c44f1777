// Opens the SQL Server connections (ODBC) of the shared pool
// (storage/sql/connection_pool.h). The database is created at start-up when it does
// not exist (through `master`), with READ_COMMITTED_SNAPSHOT on, so a reader sees the
// last committed rows and never waits for a writer (as on PostgreSQL).
//
// The driver retries a statement that failed with a lost connection once, on a fresh
// connection; then the request answers 503.
#pragma once

#include "storage/sql/connection_factory.h"
#include "storage/sqlserver/mssql_connection.h"
#include "storage/sqlserver/mssql_target.h"

#include <memory>
#include <string>

namespace events {

class MssqlConnectionFactory : public ConnectionFactory {
public:
    explicit MssqlConnectionFactory(MssqlTarget target) : target_(std::move(target)) {}

    std::string backend_name() const override { return "SQL Server"; }
    // Connects to the database, creating it first (through `master`) when it does not
    // exist. Throws StorageUnavailable naming host and port when the server cannot be
    // reached, or when the database cannot be created.
    std::unique_ptr<PooledConnection> open_first() override;
    // Throws StorageUnavailable naming host and port when the server cannot be reached.
    std::unique_ptr<PooledConnection> connect() override;
    // MssqlTarget::describe(): driver, host, port, user, database, the URI without
    // its password.
    boost::json::object describe() const override { return target_.describe(); }

private:
    // Throws SqlError.
    std::unique_ptr<MssqlConnection> connect_to(const std::string& database) const;
    void create_database_if_missing(const SqlError& first_failure) const;

    const MssqlTarget target_;
};

// The statements the factory runs on `master` to create the database (golden-tested):
// whether `name` exists (its only parameter), CREATE DATABASE, and snapshot reads on.
std::string mssql_database_exists_sql();
std::string mssql_create_database_sql(const std::string& name);
std::string mssql_snapshot_reads_sql(const std::string& name);

}  // namespace events
