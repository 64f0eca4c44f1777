// Up to `pool_size` ODBC connections to one SQL Server database, shared by readers
// and writers: the database is created with READ_COMMITTED_SNAPSHOT on, so a reader
// sees the last committed rows and never waits for a writer (as on PostgreSQL).
//
// Dead connections (server restart, killed session) are dropped when they are found
// dead on the shelf or come back broken (which also clears the shelf: sessions tend
// to die together), and new ones are opened on demand, so the pool recovers by
// itself once the server answers again. The driver retries a statement that failed
// with a lost connection once, on a fresh connection; then the request answers 503.
#pragma once

#include "storage/sql/sql_connection.h"
#include "storage/sqlserver/mssql_connection.h"
#include "storage/sqlserver/mssql_target.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace events {

class MssqlPool : public SqlPool {
public:
    MssqlPool(MssqlTarget target, int pool_size);
    ~MssqlPool() override;

    // Connects to the database, creating it first (through `master`) when it does
    // not exist. Throws StorageUnavailable naming host and port when the server
    // cannot be reached.
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
    std::unique_ptr<MssqlConnection> connect(const std::string& database) const;   // throws SqlError
    void create_database_if_missing(const SqlError& first_failure) const;

    const MssqlTarget target_;
    const size_t size_;

    mutable std::mutex mutex_;   // guards everything below
    std::condition_variable returned_;
    std::vector<std::unique_ptr<MssqlConnection>> idle_;
    size_t live_ = 0;   // idle + leased + being opened
    bool open_ = false;
};

// The statements the pool runs on `master` to create the database (golden-tested):
// whether `name` exists (its only parameter), CREATE DATABASE, and snapshot reads on.
std::string mssql_database_exists_sql();
std::string mssql_create_database_sql(const std::string& name);
std::string mssql_snapshot_reads_sql(const std::string& name);
// Ends a transaction a failed work left open, if any.
std::string mssql_rollback_if_open_sql();

}  // namespace events
