#include "storage/postgres/pg_connection.h"

#include "core/value_format.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <cstdlib>

namespace events {

namespace {

// Prepared statements kept per connection; beyond this the cache starts over
// (ad-hoc SQL such as IN lists of varying length must not grow it forever).
constexpr size_t kMaxCachedStatements = 500;

// Session settings the decoder relies on: timestamps as "YYYY-MM-DD HH:MM:SS.fff+00",
// dates as "YYYY-MM-DD", doubles in their shortest exact form, '\' literal in strings.
constexpr const char* kSessionSetup =
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8'; "
    "SET extra_float_digits = 1; SET standard_conforming_strings = on";

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// SQLSTATEs after which the session is gone: connection exceptions (class 08),
// admin/crash shutdown and "cannot connect now" (57P01-57P03).
bool is_connection_state(std::string_view state) {
    return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

std::atomic<uint64_t> g_round_trips{0};

void ignore_notice(void*, const char* message) { spdlog::debug("postgresql: {}", trimmed(message)); }

class PgRow : public SqlRow {
public:
    PgRow(const PGresult* res, int row) : res_(res), row_(row) {}
    int column_count() const override { return PQnfields(res_); }
    bool is_null(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
    std::string_view get_text(int col) const override {
        return {PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col))};
    }
    int64_t get_int64(int col) const override {
        const std::string_view t = get_text(col);
        if (t == "t") return 1;   // booleans
        if (t == "f") return 0;
        int64_t v = 0;
        if (std::from_chars(t.data(), t.data() + t.size(), v).ec != std::errc()) return static_cast<int64_t>(get_double(col));
        return v;
    }
    double get_double(int col) const override {
        const std::string_view t = get_text(col);
        double v = 0;
        if (std::from_chars(t.data(), t.data() + t.size(), v).ec != std::errc())
            return std::strtod(std::string(t).c_str(), nullptr);   // "Infinity", "NaN"
        return v;
    }

private:
    const PGresult* res_;
    int row_;
};

}  // namespace

// Owns a PGresult.
class PgConnection::Result {
public:
    explicit Result(PGresult* r) : r_(r) {}
    Result(Result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result() { PQclear(r_); }
    PGresult* get() const { return r_; }
    bool ok() const {
        const ExecStatusType s = r_ ? PQresultStatus(r_) : PGRES_FATAL_ERROR;
        return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    }

private:
    PGresult* r_;
};

PgConnection::PgConnection(const std::vector<std::pair<std::string, std::string>>& params) {
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : params) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        const std::string why = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
        PQfinish(conn_);
        conn_ = nullptr;
        throw SqlError("cannot connect to PostgreSQL: " + why, 0, "08001");
    }
    PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);
    try {
        exec(kSessionSetup);
    } catch (...) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw;
    }
}

PgConnection::~PgConnection() {
    if (conn_) PQfinish(conn_);
    if (release_slot_) release_slot_();
}

bool PgConnection::healthy() const { return conn_ && !broken_ && PQstatus(conn_) == CONNECTION_OK; }

bool PgConnection::in_transaction() const {
    const PGTransactionStatusType s = PQtransactionStatus(conn_);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

void PgConnection::roll_back_open_transaction() { exec("ROLLBACK"); }

bool PgConnection::looks_alive() const {
    if (!healthy() || PQtransactionStatus(conn_) != PQTRANS_IDLE) return false;
    // An idle session receives nothing; readable means a FATAL message or EOF.
    pollfd p{PQsocket(conn_), POLLIN, 0};
    return p.fd >= 0 && ::poll(&p, 1, 0) == 0;
}

void PgConnection::fail(PGresult* res, const std::string& context) {
    std::string state, constraint, message;
    if (res) {
        if (const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE)) state = s;
        if (const char* c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)) constraint = c;
        message = PQresultErrorMessage(res);
    }
    if (message.empty()) message = PQerrorMessage(conn_);
    if (PQstatus(conn_) == CONNECTION_BAD) {
        broken_ = true;
        if (state.empty()) state = "08006";   // libpq's own "server closed the connection"
    }
    if (is_connection_state(state)) broken_ = true;
    message = trimmed(message);
    if (message.empty()) message = "PostgreSQL statement failed";
    spdlog::debug("postgresql: {} failed: {} ({})", context, message, state);
    throw SqlError(message, 0, state, constraint);
}

uint64_t PgConnection::round_trips() { return g_round_trips.load(std::memory_order_relaxed); }

PgConnection::Result PgConnection::exec_counted(const char* sql) {
    g_round_trips.fetch_add(1, std::memory_order_relaxed);
    return Result(PQexec(conn_, sql));
}

void PgConnection::exec(const std::string& sql) {
    Result r = exec_counted(sql.c_str());
    if (!r.ok()) fail(r.get(), sql);
}

void PgConnection::plan_once(bool once) {
    if (once == plan_once_) return;
    exec(once ? "SET plan_cache_mode = force_generic_plan" : "SET plan_cache_mode = auto");
    plan_once_ = once;
}

void PgConnection::set_count_slot(int slot, std::function<void()> release) {
    release_slot_ = std::move(release);
    // A custom setting (a name with a dot); the value is a number we made, never input.
    exec("SET events.count_slot = '" + std::to_string(slot) + "'");
}

void PgConnection::forget_prepared_statements() {
    if (statements_.empty()) return;
    Result r = exec_counted("DEALLOCATE ALL");
    if (!r.ok()) fail(r.get(), "DEALLOCATE ALL");
    statements_.clear();
}

const std::string& PgConnection::prepare(const std::string& sql, size_t param_count) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxCachedStatements && PQtransactionStatus(conn_) != PQTRANS_INERROR) {
        Result r = exec_counted("DEALLOCATE ALL");
        if (!r.ok()) fail(r.get(), "DEALLOCATE ALL");
        statements_.clear();
    }
    std::string name = "ev" + std::to_string(++next_statement_);
    g_round_trips.fetch_add(1, std::memory_order_relaxed);
    Result r(PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(param_count), nullptr));
    if (!r.ok()) fail(r.get(), sql);
    return statements_.emplace(sql, std::move(name)).first->second;
}

PgConnection::Result PgConnection::run(const std::string& sql, const std::vector<SqlParam>& params) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
        const SqlParam& p = params[i];
        if (std::holds_alternative<std::monostate>(p)) continue;   // NULL
        if (const auto* s = std::get_if<std::string>(&p)) {
            // PostgreSQL text cannot hold NUL; libpq would silently cut the value there.
            if (s->find('\0') != std::string::npos)
                throw SqlError("text values must not contain the NUL character", 0, "22021");
            texts[i] = *s;
        } else if (const auto* n = std::get_if<int64_t>(&p)) {
            texts[i] = std::to_string(*n);
        } else if (const auto* d = std::get_if<double>(&p)) {
            texts[i] = format_number(*d);
        } else if (const auto* b = std::get_if<bool>(&p)) {
            texts[i] = *b ? "true" : "false";
        }
        values[i] = texts[i].c_str();
        lengths[i] = static_cast<int>(texts[i].size());
    }
    const std::string& name = prepare(sql, params.size());
    g_round_trips.fetch_add(1, std::memory_order_relaxed);
    Result r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(), lengths.data(),
                            nullptr, 0));
    if (!r.ok()) fail(r.get(), sql);
    return r;
}

int64_t PgConnection::execute(const std::string& sql, const std::vector<SqlParam>& params) {
    Result r = run(sql, params);
    const char* n = PQcmdTuples(r.get());
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

void PgConnection::query(const std::string& sql, const std::vector<SqlParam>& params, const SqlRowCallback& on_row) {
    Result r = run(sql, params);
    const int rows = PQntuples(r.get());
    for (int i = 0; i < rows; ++i) on_row(PgRow(r.get(), i));
}

}  // namespace events
