// A small ODBC client for the e2e suite's behind-the-back operations on SQL Server
// (the role psql plays for PostgreSQL). Independent of the server's own ODBC layer.
#pragma once

#include <string>

namespace events::e2e {

// The ODBC connection string for `uri` (mssql://user:password@host:port, or an ODBC
// connection string used as is) aimed at `database`. FreeTDS is the driver unless the
// URI names one (`?driver=...`).
std::string odbc_connection_string(const std::string& uri, const std::string& database);

// Runs one T-SQL batch on `connection_string`; "" on success, else the diagnostics.
std::string odbc_exec(const std::string& connection_string, const std::string& batch);

}  // namespace events::e2e
