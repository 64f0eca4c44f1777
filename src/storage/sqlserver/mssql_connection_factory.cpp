#include "storage/sqlserver/mssql_connection_factory.h"

#include "storage/driver.h"

#include <spdlog/spdlog.h>

namespace events {

namespace {

// A server that does not answer should turn into a 503 quickly, not hang a request.
constexpr int kLoginTimeoutSeconds = 5;
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

std::unique_ptr<MssqlConnection> MssqlConnectionFactory::connect_to(const std::string& database) const {
    return std::make_unique<MssqlConnection>(target_.connection_string(database), target_.endpoint(),
                                             kLoginTimeoutSeconds);
}

std::unique_ptr<PooledConnection> MssqlConnectionFactory::connect() {
    try {
        return connect_to(target_.database());
    } catch (const SqlError& err) {
        throw StorageUnavailable(err.what());
    }
}

void MssqlConnectionFactory::create_database_if_missing(const SqlError& first_failure) const {
    std::unique_ptr<MssqlConnection> admin;
    try {
        admin = connect_to(kMasterDatabase);
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

std::unique_ptr<PooledConnection> MssqlConnectionFactory::open_first() {
    try {
        return connect_to(target_.database());
    } catch (const SqlError& err) {
        create_database_if_missing(err);
        return connect();
    }
}

}  // namespace events
