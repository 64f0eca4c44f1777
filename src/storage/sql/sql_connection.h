// The minimal database-connection surface the generic SQL driver needs.
//
// A backend (SQLite, PostgreSQL, ...) implements SqlConnection and SqlPool; the
// rest of the SQL layer never sees a native handle. Statements are identified by
// their SQL text, so an implementation may cache prepared statements keyed by it.
#pragma once

#include "storage/pool_stats.h"
#include "storage/sql/page_anchors.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace events {

// A bound parameter: null, integer, double, text or boolean.
using SqlParam = std::variant<std::monostate, int64_t, double, std::string, bool>;

// A failed statement, with the backend's own diagnostics. SqlDialect::classify()
// turns it into something the driver can act on.
struct SqlError : std::runtime_error {
    int code = 0;             // native numeric code (SQLite extended result code), 0 if none
    std::string state;        // native text code (PostgreSQL SQLSTATE), "" if none
    std::string constraint;   // violated constraint/index name when the backend reports it
    SqlError(std::string message, int native_code, std::string sql_state = {}, std::string constraint_name = {})
        : std::runtime_error(std::move(message)),
          code(native_code),
          state(std::move(sql_state)),
          constraint(std::move(constraint_name)) {}
};

// One result row; valid only inside the row callback. Accessors convert from the
// backend's representation (e.g. libpq text) to the requested C++ type.
class SqlRow {
public:
    virtual ~SqlRow() = default;
    virtual int column_count() const = 0;
    virtual bool is_null(int col) const = 0;
    virtual int64_t get_int64(int col) const = 0;
    virtual double get_double(int col) const = 0;
    virtual std::string_view get_text(int col) const = 0;
};

using SqlRowCallback = std::function<void(const SqlRow&)>;

class SqlConnection {
public:
    virtual ~SqlConnection() = default;
    // Runs SQL without parameters or results (DDL, BEGIN/COMMIT, PRAGMA).
    virtual void exec(const std::string& sql) = 0;
    // Runs one parameterised statement; returns the number of rows it changed.
    virtual int64_t execute(const std::string& sql, const std::vector<SqlParam>& params) = 0;
    // Runs one parameterised query, calling `on_row` for each result row. The
    // callback must not use this connection.
    virtual void query(const std::string& sql, const std::vector<SqlParam>& params, const SqlRowCallback& on_row) = 0;
    // False once the connection is known to be unusable (the pool then discards it).
    virtual bool healthy() const { return true; }
    // A hint for the statements that follow on this connection: true when their best
    // plan does not depend on the parameter values (SqlBuilder::plan_fits_any_values()),
    // so one plan can serve every execution; false when it should be made for each
    // execution's values. PostgreSQL switches plan_cache_mode (pg_connection.h); the
    // other backends ignore it. Throws SqlError like exec().
    virtual void plan_once(bool once) { (void)once; }
    // Forgets the statements this connection keeps prepared: after a column's type changed
    // (SqlDriver::convert_field()), a kept plan would return the old types (PostgreSQL:
    // "cached plan must not change result type"). The default keeps none. Throws SqlError.
    virtual void forget_prepared_statements() {}

    // Runs `work` inside one read snapshot and passes it the snapshot's data version:
    // two snapshots of this connection with the same version see the same committed
    // data. A backend that cannot tell runs `work` as is, with nullopt.
    virtual void read_snapshot(const std::function<void(std::optional<int64_t> version)>& work) {
        work(std::nullopt);
    }
    // Deep-page anchors found on this connection (page_anchors.h).
    PageAnchors& page_anchors() { return page_anchors_; }

private:
    PageAnchors page_anchors_;
};

// A connection borrowed from a pool; returns it on destruction.
class ConnectionLease {
public:
    ConnectionLease() = default;
    ConnectionLease(SqlConnection* conn, std::function<void(SqlConnection*)> release)
        : conn_(conn), release_(std::move(release)) {}
    ConnectionLease(ConnectionLease&& other) noexcept
        : conn_(std::exchange(other.conn_, nullptr)), release_(std::move(other.release_)) {}
    ConnectionLease& operator=(ConnectionLease&& other) noexcept {
        if (this != &other) {
            reset();
            conn_ = std::exchange(other.conn_, nullptr);
            release_ = std::move(other.release_);
        }
        return *this;
    }
    ConnectionLease(const ConnectionLease&) = delete;
    ConnectionLease& operator=(const ConnectionLease&) = delete;
    ~ConnectionLease() { reset(); }

    SqlConnection& operator*() const { return *conn_; }
    SqlConnection* operator->() const { return conn_; }
    explicit operator bool() const { return conn_ != nullptr; }

    void reset() {
        if (conn_ && release_) release_(conn_);
        conn_ = nullptr;
    }

private:
    SqlConnection* conn_ = nullptr;
    std::function<void(SqlConnection*)> release_;
};

// Ends the open transaction without letting a second failure hide the first one:
// the backend may already have ended it (a lost connection, a failed COMMIT).
inline void rollback_quietly(SqlConnection& c) noexcept {
    try {
        c.exec("ROLLBACK");
    } catch (...) {
    }
}

class SqlPool {
public:
    virtual ~SqlPool() = default;
    // Connects (creating the database when the backend needs that); throws
    // StorageUnavailable when the backend cannot be reached.
    virtual void open() = 0;
    // Closes every connection; leases must have been returned.
    virtual void close() = 0;
    // A connection for reads. Readers must not wait for each other or for the writer.
    virtual ConnectionLease lease_read() = 0;
    // A connection for a write transaction. SQLite serialises writers here.
    virtual ConnectionLease lease_write() = 0;
    // True when writes are serialised through one connection (SQLite): the driver
    // then groups concurrent writes into one transaction (group commit).
    virtual bool single_writer() const { return false; }
    // `db_info` of /api/db/report: where the data lives, without secrets.
    virtual boost::json::object db_info() const = 0;
    // Connections leased and open right now (storage/pool_stats.h), read under the
    // pool's own lock; nullopt when the pool does not count them.
    virtual std::optional<PoolStats> stats() const { return std::nullopt; }
};

}  // namespace events
