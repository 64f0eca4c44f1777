// Where the PostgreSQL backend connects: the server from the configured URI,
// the database from DriverOptions::db_name.
//
// The URI is parsed once by libpq (PQconninfoParse), so every form libpq accepts
// works (`postgresql://user:pass@host:port[/db][?sslmode=...]`, keyword=value
// strings). The password stays inside this object: describe() masks it.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <utility>
#include <vector>

namespace events {

class PgTarget {
public:
    // The database is `db_name`, or the one the URI names (`.../library`), or "events"
    // when neither names one. Throws std::invalid_argument when libpq cannot parse the
    // URI (the message never contains the URI itself, which may hold a password) and
    // when the URI and `db_name` name different databases (docs/OPERATIONS.md).
    PgTarget(const std::string& uri, const std::string& db_name);

    const std::string& database() const { return database_; }

    // Keyword/value pairs for PQconnectdbParams, aimed at `database`.
    std::vector<std::pair<std::string, std::string>> params_for(const std::string& database) const;

    // `db_info` of /api/db/report: host, port, user, database and the URI with
    // the password replaced by "***".
    boost::json::object describe() const;

private:
    std::string value_of(const std::string& keyword) const;

    std::vector<std::pair<std::string, std::string>> params_;   // from the URI, dbname removed
    std::string database_;
};

}  // namespace events
