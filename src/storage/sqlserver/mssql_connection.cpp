#include "storage/sqlserver/mssql_connection.h"

#include "core/value_format.h"

#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace events {

namespace {

static_assert(sizeof(SQLWCHAR) == sizeof(char16_t), "unixODBC with 2-byte SQLWCHAR is required");

// Prepared statements kept per connection; beyond this the cache starts over
// (ad-hoc SQL such as IN lists of varying length must not grow it forever).
constexpr size_t kMaxCachedStatements = 500;
// NVARCHAR(n) parameters up to this many UTF-16 units; longer ones are NVARCHAR(MAX).
constexpr SQLULEN kBoundedTextUnits = 4000;

// Session settings: errors roll the whole transaction back (as on PostgreSQL), the SET
// options that indexes with a filter require for every write, and ISO dates.
constexpr const char* kSessionSetup =
    "SET XACT_ABORT ON; SET ANSI_NULLS ON; SET ANSI_PADDING ON; SET ANSI_WARNINGS ON; SET ARITHABORT ON; "
    "SET CONCAT_NULL_YIELDS_NULL ON; SET QUOTED_IDENTIFIER ON; SET NUMERIC_ROUNDABORT OFF; SET DATEFORMAT ymd; "
    "SET NOCOUNT OFF";

bool succeeded(SQLRETURN rc) { return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO; }

bool starts_with_word(const std::string& sql, std::string_view word) {
    if (sql.size() < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(sql[i])) != word[i]) return false;
    return true;
}

// Name in quotes after `marker` ("unique index 'ux_User_username'"), or "".
std::string quoted_after(const std::string& message, std::string_view marker) {
    const size_t at = message.find(marker);
    if (at == std::string::npos) return {};
    const size_t begin = at + marker.size();
    const size_t end = message.find('\'', begin);
    return end == std::string::npos ? std::string() : message.substr(begin, end - begin);
}

// One result cell, read once when the row is fetched.
struct Cell {
    bool null = true;
    bool is_int = false, is_double = false;
    int64_t i = 0;
    double d = 0;
    std::string text;
};

class MssqlRow : public SqlRow {
public:
    explicit MssqlRow(const std::vector<Cell>& cells) : cells_(cells) {}
    int column_count() const override { return static_cast<int>(cells_.size()); }
    bool is_null(int col) const override { return cells_[col].null; }
    std::string_view get_text(int col) const override { return cells_[col].text; }
    int64_t get_int64(int col) const override {
        const Cell& c = cells_[col];
        if (c.is_int) return c.i;
        if (c.is_double) return static_cast<int64_t>(c.d);
        int64_t v = 0;
        if (std::from_chars(c.text.data(), c.text.data() + c.text.size(), v).ec != std::errc())
            return static_cast<int64_t>(get_double(col));
        return v;
    }
    double get_double(int col) const override {
        const Cell& c = cells_[col];
        if (c.is_double) return c.d;
        if (c.is_int) return static_cast<double>(c.i);
        double v = 0;
        if (std::from_chars(c.text.data(), c.text.data() + c.text.size(), v).ec != std::errc())
            return std::strtod(c.text.c_str(), nullptr);
        return v;
    }

private:
    const std::vector<Cell>& cells_;
};

}  // namespace

std::string mssql_session_setup_sql() { return kSessionSetup; }
std::string mssql_rollback_if_open_sql() { return "IF @@TRANCOUNT > 0 ROLLBACK"; }

// ---- UTF-8 <-> UTF-16 ------------------------------------------------------------------

std::u16string utf8_to_utf16(std::string_view s) {
    std::u16string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        char32_t cp = 0xFFFD;
        size_t n = 1;
        if (c < 0x80) {
            cp = c;
        } else if ((c >> 5) == 0x6) {
            n = 2;
            cp = c & 0x1F;
        } else if ((c >> 4) == 0xE) {
            n = 3;
            cp = c & 0x0F;
        } else if ((c >> 3) == 0x1E) {
            n = 4;
            cp = c & 0x07;
        } else {
            n = 0;   // a stray continuation byte or an invalid lead
        }
        bool valid = n > 0 && i + n <= s.size();
        for (size_t k = 1; valid && k < n; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) valid = false;
            else cp = (cp << 6) | (cc & 0x3F);
        }
        if (!valid || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            cp = 0xFFFD;
            n = 1;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (cp >> 10));
            out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
        } else {
            out += static_cast<char16_t>(cp);
        }
        i += n;
    }
    return out;
}

std::string utf16_to_utf8(std::u16string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            ++i;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;   // a lone surrogate
        }
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

// ---- the connection ------------------------------------------------------------------

struct MssqlConnection::Statement {
    SQLHSTMT h = SQL_NULL_HSTMT;
    std::vector<SQLSMALLINT> column_types;   // described on first execution
    bool described = false;
};

MssqlConnection::MssqlConnection(const std::string& connection_string, const std::string& endpoint,
                                 int login_timeout_s) {
    SQLHENV env = SQL_NULL_HENV;
    SQLHDBC dbc = SQL_NULL_HDBC;
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env)))
        throw SqlError("cannot allocate an ODBC environment", 0, "HY001");
    env_ = env;
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc))) {
        SQLFreeHandle(SQL_HANDLE_ENV, env);
        throw SqlError("cannot allocate an ODBC connection", 0, "HY001");
    }
    dbc_ = dbc;
    SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(login_timeout_s)), 0);
    SQLSetConnectAttr(dbc, SQL_ATTR_CONNECTION_TIMEOUT,
                      reinterpret_cast<SQLPOINTER>(static_cast<intptr_t>(login_timeout_s)), 0);
    const std::u16string cs = utf8_to_utf16(connection_string);
    const SQLRETURN rc = SQLDriverConnectW(dbc, nullptr, reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(cs.data())),
                                           static_cast<SQLSMALLINT>(cs.size()), nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT);
    if (!succeeded(rc)) {
        // The driver's own words, prefixed with where we tried to go (never the password).
        std::string state, detail;
        SQLINTEGER native = 0;
        SQLCHAR st[6] = {0};
        SQLCHAR text[1024] = {0};
        SQLSMALLINT len = 0;
        for (SQLSMALLINT rec = 1; SQLGetDiagRec(SQL_HANDLE_DBC, dbc, rec, st, &native, text, sizeof text, &len) ==
                                  SQL_SUCCESS;
             ++rec) {
            if (state.empty()) state = reinterpret_cast<const char*>(st);
            if (!detail.empty()) detail += "; ";
            detail += reinterpret_cast<const char*>(text);
        }
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        SQLFreeHandle(SQL_HANDLE_ENV, env);
        dbc_ = env_ = nullptr;
        if (detail.empty()) detail = "no diagnostics from the ODBC driver";
        // A login refused by a reachable server (e.g. 4060: no such database) keeps its
        // SQLSTATE (28000, 42000); anything else is "cannot connect" (08001).
        if (state.empty() || state.starts_with("08") || state.starts_with("HYT") || state == "S1T00") state = "08001";
        throw SqlError("cannot connect to SQL Server at " + endpoint + ": " + detail, static_cast<int>(native), state);
    }
    try {
        exec(kSessionSetup);
    } catch (...) {
        SQLDisconnect(dbc);
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        SQLFreeHandle(SQL_HANDLE_ENV, env);
        dbc_ = env_ = nullptr;
        throw;
    }
}

MssqlConnection::~MssqlConnection() {
    drop_statements();
    if (dbc_) {
        SQLDisconnect(static_cast<SQLHDBC>(dbc_));
        SQLFreeHandle(SQL_HANDLE_DBC, static_cast<SQLHDBC>(dbc_));
    }
    if (env_) SQLFreeHandle(SQL_HANDLE_ENV, static_cast<SQLHENV>(env_));
}

void MssqlConnection::drop_statements() {
    for (auto& [sql, st] : statements_) {
        SQLFreeHandle(SQL_HANDLE_STMT, st->h);
        delete st;
    }
    statements_.clear();
}

void MssqlConnection::roll_back_open_transaction() { exec(mssql_rollback_if_open_sql()); }

bool MssqlConnection::looks_alive() const {
    if (!healthy()) return false;
    SQLUINTEGER dead = SQL_CD_FALSE;
    if (!succeeded(SQLGetConnectAttr(static_cast<SQLHDBC>(dbc_), SQL_ATTR_CONNECTION_DEAD, &dead, 0, nullptr)))
        return true;   // the driver cannot tell: the first statement will
    return dead != SQL_CD_TRUE;
}

void MssqlConnection::fail(short handle_type, void* handle, const std::string& context) {
    std::string state, message;
    int code = 0;
    SQLCHAR st[6] = {0};
    SQLINTEGER native = 0;
    SQLCHAR text[2048] = {0};
    SQLSMALLINT len = 0;
    for (SQLSMALLINT rec = 1;
         SQLGetDiagRec(handle_type, handle, rec, st, &native, text, sizeof text, &len) == SQL_SUCCESS; ++rec) {
        // The first record is the error; later ones are context ("The statement has been terminated.").
        if (rec == 1) {
            state = reinterpret_cast<const char*>(st);
            code = static_cast<int>(native);
        }
        if (!message.empty()) message += " ";
        message += reinterpret_cast<const char*>(text);
    }
    if (message.empty()) message = "SQL Server statement failed";
    if (state.starts_with("08") || state == "HYT01") broken_ = true;
    if (!broken_ && dbc_) {
        SQLUINTEGER dead = SQL_CD_FALSE;
        if (succeeded(SQLGetConnectAttr(static_cast<SQLHDBC>(dbc_), SQL_ATTR_CONNECTION_DEAD, &dead, 0, nullptr)) &&
            dead == SQL_CD_TRUE) {
            broken_ = true;
            if (!state.starts_with("08")) state = "08S01";
        }
    }
    std::string constraint = quoted_after(message, "unique index '");
    if (constraint.empty()) constraint = quoted_after(message, "constraint '");
    spdlog::debug("sqlserver: {} failed: {} ({} {})", context, message, state, code);
    throw SqlError(message, code, state, constraint);
}

void MssqlConnection::exec(const std::string& sql) {
    const bool begins = starts_with_word(sql, "BEGIN TRAN");
    if (starts_with_word(sql, "COMMIT") || starts_with_word(sql, "ROLLBACK") ||
        starts_with_word(sql, "IF @@TRANCOUNT > 0 ROLLBACK"))
        in_transaction_ = false;
    SQLHSTMT h = SQL_NULL_HSTMT;
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_STMT, static_cast<SQLHDBC>(dbc_), &h)))
        fail(SQL_HANDLE_DBC, dbc_, sql);
    const std::u16string text = utf8_to_utf16(sql);
    SQLRETURN rc = SQLExecDirectW(h, reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(text.data())),
                                  static_cast<SQLINTEGER>(text.size()));
    // A batch reports an error of a later statement through SQLMoreResults.
    while (succeeded(rc) || rc == SQL_NO_DATA) {
        if (rc == SQL_NO_DATA) break;
        rc = SQLMoreResults(h);
    }
    if (rc != SQL_NO_DATA) {
        try {
            fail(SQL_HANDLE_STMT, h, sql);
        } catch (...) {
            SQLFreeHandle(SQL_HANDLE_STMT, h);
            throw;
        }
    }
    SQLFreeHandle(SQL_HANDLE_STMT, h);
    if (begins) in_transaction_ = true;
}

MssqlConnection::Statement& MssqlConnection::prepare(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return *it->second;
    if (statements_.size() >= kMaxCachedStatements) drop_statements();
    auto st = std::make_unique<Statement>();
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_STMT, static_cast<SQLHDBC>(dbc_), &st->h)))
        fail(SQL_HANDLE_DBC, dbc_, sql);
    const std::u16string text = utf8_to_utf16(sql);
    if (!succeeded(SQLPrepareW(st->h, reinterpret_cast<SQLWCHAR*>(const_cast<char16_t*>(text.data())),
                               static_cast<SQLINTEGER>(text.size())))) {
        try {
            fail(SQL_HANDLE_STMT, st->h, sql);
        } catch (...) {
            SQLFreeHandle(SQL_HANDLE_STMT, st->h);
            throw;
        }
    }
    Statement* raw = st.release();
    statements_.emplace(sql, raw);
    return *raw;
}

namespace {

// Buffers of the bound parameters; they must outlive SQLExecute.
struct BoundParams {
    std::vector<std::u16string> texts;
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    std::vector<unsigned char> bits;
    std::vector<SQLLEN> indicators;
};

char16_t kEmptyText[1] = {0};

}  // namespace

void MssqlConnection::run(Statement& st, const std::vector<SqlParam>& params) {
    SQLFreeStmt(st.h, SQL_CLOSE);
    SQLFreeStmt(st.h, SQL_RESET_PARAMS);
    BoundParams b;
    b.texts.resize(params.size());
    b.ints.resize(params.size());
    b.doubles.resize(params.size());
    b.bits.resize(params.size());
    b.indicators.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        const SQLUSMALLINT n = static_cast<SQLUSMALLINT>(i + 1);
        const SqlParam& p = params[i];
        SQLRETURN rc = SQL_SUCCESS;
        if (const auto* s = std::get_if<std::string>(&p)) {
            b.texts[i] = utf8_to_utf16(*s);
            const SQLULEN units = b.texts[i].size();
            b.indicators[i] = static_cast<SQLLEN>(units * sizeof(char16_t));
            // NVARCHAR(4000) for every ordinary value keeps one plan per statement; a
            // longer one goes as NVARCHAR(MAX) (column size 0).
            const SQLULEN size = units <= kBoundedTextUnits ? kBoundedTextUnits : 0;
            SQLPOINTER data = units ? static_cast<SQLPOINTER>(b.texts[i].data()) : static_cast<SQLPOINTER>(kEmptyText);
            rc = SQLBindParameter(st.h, n, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, size, 0, data,
                                  b.indicators[i], &b.indicators[i]);
        } else if (const auto* v = std::get_if<int64_t>(&p)) {
            b.ints[i] = *v;
            rc = SQLBindParameter(st.h, n, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 19, 0, &b.ints[i], 0, nullptr);
        } else if (const auto* d = std::get_if<double>(&p)) {
            b.doubles[i] = *d;
            rc = SQLBindParameter(st.h, n, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 15, 0, &b.doubles[i], 0, nullptr);
        } else if (const auto* t = std::get_if<bool>(&p)) {
            b.bits[i] = *t ? 1 : 0;
            rc = SQLBindParameter(st.h, n, SQL_PARAM_INPUT, SQL_C_BIT, SQL_BIT, 1, 0, &b.bits[i], 0, nullptr);
        } else {   // NULL
            b.indicators[i] = SQL_NULL_DATA;
            rc = SQLBindParameter(st.h, n, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, kBoundedTextUnits, 0,
                                  kEmptyText, 0, &b.indicators[i]);
        }
        if (!succeeded(rc)) fail(SQL_HANDLE_STMT, st.h, "binding parameter " + std::to_string(n));
    }
    const SQLRETURN rc = SQLExecute(st.h);
    if (!succeeded(rc) && rc != SQL_NO_DATA) fail(SQL_HANDLE_STMT, st.h, "execute");
}

int64_t MssqlConnection::execute(const std::string& sql, const std::vector<SqlParam>& params) {
    Statement& st = prepare(sql);
    run(st, params);
    SQLLEN rows = 0;
    if (!succeeded(SQLRowCount(st.h, &rows))) rows = 0;
    SQLFreeStmt(st.h, SQL_CLOSE);
    return rows < 0 ? 0 : rows;
}

void MssqlConnection::query(const std::string& sql, const std::vector<SqlParam>& params,
                            const SqlRowCallback& on_row) {
    Statement& st = prepare(sql);
    run(st, params);
    SQLSMALLINT ncols = 0;
    if (!succeeded(SQLNumResultCols(st.h, &ncols))) fail(SQL_HANDLE_STMT, st.h, sql);
    if (ncols <= 0) {
        SQLFreeStmt(st.h, SQL_CLOSE);
        return;
    }
    if (!st.described || st.column_types.size() != static_cast<size_t>(ncols)) {
        st.column_types.assign(ncols, SQL_WVARCHAR);
        for (SQLSMALLINT c = 0; c < ncols; ++c) {
            SQLSMALLINT type = 0, digits = 0, nullable = 0, name_len = 0;
            SQLULEN size = 0;
            SQLCHAR name[256];
            if (succeeded(SQLDescribeCol(st.h, static_cast<SQLUSMALLINT>(c + 1), name, sizeof name, &name_len, &type,
                                         &size, &digits, &nullable)))
                st.column_types[c] = type;
        }
        st.described = true;
    }
    std::vector<Cell> cells(ncols);
    std::vector<char16_t> wide(512);
    const MssqlRow row(cells);
    for (;;) {
        SQLRETURN rc = SQLFetch(st.h);
        if (rc == SQL_NO_DATA) break;
        if (!succeeded(rc)) fail(SQL_HANDLE_STMT, st.h, sql);
        for (SQLSMALLINT c = 0; c < ncols; ++c) {
            Cell& cell = cells[c];
            cell = Cell{};
            const SQLUSMALLINT col = static_cast<SQLUSMALLINT>(c + 1);
            SQLLEN ind = 0;
            switch (st.column_types[c]) {
                case SQL_BIGINT:
                case SQL_INTEGER:
                case SQL_SMALLINT:
                case SQL_TINYINT:
                case SQL_BIT: {
                    SQLBIGINT v = 0;
                    rc = SQLGetData(st.h, col, SQL_C_SBIGINT, &v, 0, &ind);
                    if (succeeded(rc) && ind != SQL_NULL_DATA) {
                        cell.null = false;
                        cell.is_int = true;
                        cell.i = v;
                        cell.text = std::to_string(v);
                    }
                    break;
                }
                case SQL_FLOAT:
                case SQL_REAL:
                case SQL_DOUBLE: {
                    double v = 0;
                    rc = SQLGetData(st.h, col, SQL_C_DOUBLE, &v, 0, &ind);
                    if (succeeded(rc) && ind != SQL_NULL_DATA) {
                        cell.null = false;
                        cell.is_double = true;
                        cell.d = v;
                        cell.text = format_number(v);
                    }
                    break;
                }
                case SQL_DECIMAL:
                case SQL_NUMERIC: {
                    char buf[64] = {0};
                    rc = SQLGetData(st.h, col, SQL_C_CHAR, buf, sizeof buf, &ind);
                    if (succeeded(rc) && ind != SQL_NULL_DATA) {
                        cell.null = false;
                        cell.text = buf;
                    }
                    break;
                }
                case SQL_TYPE_DATE: {
                    SQL_DATE_STRUCT v{};
                    rc = SQLGetData(st.h, col, SQL_C_TYPE_DATE, &v, sizeof v, &ind);
                    if (succeeded(rc) && ind != SQL_NULL_DATA) {
                        char buf[32];
                        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", v.year, v.month, v.day);
                        cell.null = false;
                        cell.text = buf;
                    }
                    break;
                }
                case SQL_TYPE_TIMESTAMP: {
                    SQL_TIMESTAMP_STRUCT v{};
                    rc = SQLGetData(st.h, col, SQL_C_TYPE_TIMESTAMP, &v, sizeof v, &ind);
                    if (succeeded(rc) && ind != SQL_NULL_DATA) {
                        char buf[80];
                        // fraction is in nanoseconds; milliseconds are kept (never rounded up).
                        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02u:%02u:%02u.%03u", v.year, v.month, v.day,
                                      v.hour, v.minute, v.second, static_cast<unsigned>(v.fraction / 1000000));
                        cell.null = false;
                        cell.text = buf;
                    }
                    break;
                }
                default: {
                    // Text of any length, read in pieces (01004 = more to come).
                    std::u16string value;
                    for (;;) {
                        rc = SQLGetData(st.h, col, SQL_C_WCHAR, wide.data(), static_cast<SQLLEN>(wide.size() * 2),
                                        &ind);
                        if (rc == SQL_NO_DATA) break;
                        if (!succeeded(rc) || ind == SQL_NULL_DATA) break;
                        cell.null = false;
                        const size_t room = wide.size() - 1;   // one unit for the terminator
                        const size_t got = (ind == SQL_NO_TOTAL || static_cast<size_t>(ind) / 2 > room)
                                               ? room
                                               : static_cast<size_t>(ind) / 2;
                        value.append(wide.data(), got);
                        if (rc == SQL_SUCCESS) break;
                    }
                    if (!cell.null) cell.text = utf16_to_utf8(value);
                    break;
                }
            }
            if (!succeeded(rc) && rc != SQL_NO_DATA) fail(SQL_HANDLE_STMT, st.h, sql);
        }
        on_row(row);
    }
    SQLFreeStmt(st.h, SQL_CLOSE);
}

}  // namespace events
