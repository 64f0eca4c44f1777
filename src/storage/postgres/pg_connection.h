// One libpq connection with a cache of prepared statements keyed by SQL text.
//
// Parameters travel in text format with explicit lengths and unspecified types,
// so the server infers each parameter's type from where it is used (a column,
// or a cast the dialect wrote). Results are read in text format and converted by
// the row accessors; the dialect turns them into canonical values.
#pragma once

#include "storage/sql/connection_factory.h"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace events {

class PgConnection : public PooledConnection {
public:
    // Connects and sets the session up (TimeZone UTC, DateStyle ISO, UTF8,
    // shortest exact float output). Throws SqlError (SQLSTATE 08001 when the
    // server cannot be reached).
    explicit PgConnection(const std::vector<std::pair<std::string, std::string>>& params);
    ~PgConnection() override;
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    void exec(const std::string& sql) override;
    int64_t execute(const std::string& sql, const std::vector<SqlParam>& params) override;
    void query(const std::string& sql, const std::vector<SqlParam>& params, const SqlRowCallback& on_row) override;
    bool healthy() const override;
    // plan_cache_mode force_generic_plan when `once`, else auto (the server's default:
    // a plan per execution while those are cheaper). Only a change costs a round trip.
    // Why: with auto, PostgreSQL re-plans an equality-filtered page at every execution,
    // because its plan for unknown values estimates more rows than the custom plans do
    // (same plan, higher cost); planning was the largest part of such a request.
    void plan_once(bool once) override;
    // DEALLOCATE ALL.
    void forget_prepared_statements() override;

    // Sets the row-counter slot of this session (pg_row_counts.h); `slot` >= 0.
    // `release` runs when the connection is destroyed (the pool reuses the slot).
    void set_count_slot(int slot, std::function<void()> release);

    // Requests sent to the server and answered (each one round trip) by all
    // connections of the process since it started; for tests and diagnostics.
    static uint64_t round_trips();

    // True when the connection sits idle with nothing unexpected to read: a
    // terminated backend or a restarted server leaves data or EOF on the socket.
    bool looks_alive() const override;
    // True while a transaction is open (or failed) on this connection.
    bool in_transaction() const override;
    // ROLLBACK; throws SqlError.
    void roll_back_open_transaction() override;

private:
    class Result;
    Result run(const std::string& sql, const std::vector<SqlParam>& params);
    const std::string& prepare(const std::string& sql, size_t param_count);
    [[noreturn]] void fail(PGresult* res, const std::string& context);
    // PQexec counted as one round trip.
    Result exec_counted(const char* sql);

    PGconn* conn_ = nullptr;
    bool broken_ = false;   // a connection-level failure was seen
    std::unordered_map<std::string, std::string> statements_;   // SQL text -> prepared statement name
    uint64_t next_statement_ = 0;
    std::function<void()> release_slot_;
    bool plan_once_ = false;   // the session's plan_cache_mode is force_generic_plan
};

}  // namespace events
