// Where the SQL Server backend connects: the server from the configured `db_uri`,
// the database from DriverOptions::db_name.
//
// Two spellings of db_uri are accepted:
//   mssql://user:password@host:port[/database][?keyword=value&...]
//     (also sqlserver://); the query keywords are passed to the ODBC driver as is
//     (e.g. `driver=ODBC Driver 18 for SQL Server`, `TrustServerCertificate=yes`);
//   a raw ODBC connection string `Driver=...;Server=...;UID=...;PWD=...`.
// The ODBC driver defaults to FreeTDS (Debian tdsodbc), by its library path when the
// file exists, else by the name `FreeTDS` registered with odbcinst. With Microsoft's
// "ODBC Driver 18 for SQL Server" the server is written `tcp:host,port`.
// The password stays inside this object: describe() and endpoint() never show it.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <utility>
#include <vector>

namespace events {

class MssqlTarget {
public:
    // The database is `db_name`, or the one the URI names, or "events" when neither does;
    // std::invalid_argument when the two name different databases (docs/OPERATIONS.md).
    // Throws std::invalid_argument for a URI that is neither form (the message
    // never contains the URI, which may hold a password).
    MssqlTarget(const std::string& uri, const std::string& db_name);

    const std::string& database() const { return database_; }
    // "host:port" as configured (port 1433 when none), for error messages.
    std::string endpoint() const;

    // The ODBC connection string aimed at `database` (values braced where needed).
    std::string connection_string(const std::string& database) const;

    // `db_info` of /api/db/report: driver, host, port, user, database and a URI
    // with the password replaced by "***".
    boost::json::object describe() const;

    // Keyword/value pairs (keywords as written), without Database; for tests.
    const std::vector<std::pair<std::string, std::string>>& keywords() const { return keywords_; }

private:
    std::string value_of(const std::string& keyword) const;   // case-insensitive; "" when absent

    std::vector<std::pair<std::string, std::string>> keywords_;
    std::string host_, port_, user_;
    std::string database_;
};

// The default ODBC driver: FreeTDS's library when installed at its Debian path.
std::string default_odbc_driver();

}  // namespace events
