// One ODBC connection to SQL Server with a cache of prepared statements keyed by
// SQL text (SQLPrepare once, SQLExecute on every use).
//
// Parameters are bound with explicit SQL types and lengths (SQLBindParameter): text
// as NVARCHAR(4000), or NVARCHAR(MAX) beyond 4000 UTF-16 units (so a statement keeps
// one server plan whatever the value's length), integers as BIGINT, doubles as FLOAT,
// booleans as BIT. Text crosses ODBC as UTF-16 (SQLWCHAR), converted from and to
// UTF-8 here, so the result never depends on the driver's client charset.
//
// Result cells are read once per row, by the column's SQL type: integers as int64,
// FLOAT/REAL as double, BIT as 0/1, DATE as "YYYY-MM-DD", DATETIME2 as
// "YYYY-MM-DD HH:MM:SS.fff", DECIMAL as its exact decimal text, everything else as text.
#pragma once

#include "storage/sql/connection_factory.h"

#include <cstdint>
#include <string>
#include <unordered_map>

namespace events {

class MssqlConnection : public PooledConnection {
public:
    // Connects with `connection_string` (MssqlTarget::connection_string) and sets the
    // session up (XACT_ABORT, the ANSI options filtered indexes require, ymd dates).
    // Throws SqlError with SQLSTATE 08001 and a message naming `endpoint` when the
    // server cannot be reached, or the driver's diagnostics otherwise.
    MssqlConnection(const std::string& connection_string, const std::string& endpoint, int login_timeout_s);
    ~MssqlConnection() override;
    MssqlConnection(const MssqlConnection&) = delete;
    MssqlConnection& operator=(const MssqlConnection&) = delete;

    void exec(const std::string& sql) override;
    int64_t execute(const std::string& sql, const std::vector<SqlParam>& params) override;
    void query(const std::string& sql, const std::vector<SqlParam>& params, const SqlRowCallback& on_row) override;
    bool healthy() const override { return dbc_ != nullptr && !broken_; }

    // True when the driver does not report the connection dead (SQL_ATTR_CONNECTION_DEAD).
    bool looks_alive() const override;
    // True between BEGIN TRANSACTION and COMMIT/ROLLBACK run through exec().
    bool in_transaction() const override { return in_transaction_; }
    // mssql_rollback_if_open_sql(); throws SqlError.
    void roll_back_open_transaction() override;

private:
    struct Statement;
    Statement& prepare(const std::string& sql);
    void run(Statement& st, const std::vector<SqlParam>& params);
    // Throws SqlError from the diagnostics of `handle` (a statement or the connection).
    [[noreturn]] void fail(short handle_type, void* handle, const std::string& context);
    void drop_statements();

    void* env_ = nullptr;   // SQLHENV
    void* dbc_ = nullptr;   // SQLHDBC
    bool broken_ = false;
    bool in_transaction_ = false;
    std::unordered_map<std::string, Statement*> statements_;
};

// The batch every new session runs first (golden-tested).
std::string mssql_session_setup_sql();
// Ends a transaction a failed work left open, if any (golden-tested).
std::string mssql_rollback_if_open_sql();

// UTF-8 <-> UTF-16 (SQLWCHAR units). Invalid UTF-8 becomes U+FFFD.
std::u16string utf8_to_utf16(std::string_view utf8);
std::string utf16_to_utf8(std::u16string_view utf16);

}  // namespace events
