#include "backends/odbc_exec.h"

#include <sql.h>
#include <sqlext.h>

#include <sys/stat.h>

namespace events::e2e {

namespace {

std::string diagnostics(SQLSMALLINT type, SQLHANDLE h) {
    std::string out;
    SQLCHAR state[6] = {0};
    SQLCHAR text[1024] = {0};
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    for (SQLSMALLINT i = 1; SQLGetDiagRec(type, h, i, state, &native, text, sizeof text, &len) == SQL_SUCCESS; ++i) {
        if (!out.empty()) out += " ";
        out += std::string(reinterpret_cast<char*>(state)) + " " + std::to_string(native) + ": " +
               reinterpret_cast<char*>(text);
    }
    return out.empty() ? "ODBC call failed without diagnostics" : out;
}

std::string decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string braced(const std::string& v) {
    std::string out = "{";
    for (char c : v) {
        if (c == '}') out += '}';
        out += c;
    }
    return out + "}";
}

}  // namespace

std::string odbc_connection_string(const std::string& uri, const std::string& database) {
    if (!uri.starts_with("mssql://")) return uri + ";Database=" + braced(database) + ";";
    std::string rest = uri.substr(8), query;
    if (size_t q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest.resize(q);
    }
    if (size_t slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
    std::string user, password;
    if (size_t at = rest.rfind('@'); at != std::string::npos) {
        const std::string info = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const size_t colon = info.find(':');
        user = decode(info.substr(0, colon));
        if (colon != std::string::npos) password = decode(info.substr(colon + 1));
    }
    std::string host = rest, port = "1433";
    if (size_t colon = rest.rfind(':'); colon != std::string::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    std::string driver;
    std::string extra;
    size_t i = 0;
    while (i < query.size()) {
        size_t amp = query.find('&', i);
        if (amp == std::string::npos) amp = query.size();
        const std::string item = query.substr(i, amp - i);
        const size_t eq = item.find('=');
        const std::string key = decode(item.substr(0, eq)), value = eq == std::string::npos ? "" : decode(item.substr(eq + 1));
        if (key == "driver") driver = value;
        else if (!key.empty()) extra += key + "=" + braced(value) + ";";
        i = amp + 1;
    }
    std::string cs;
    if (driver.find("ODBC Driver") != std::string::npos) {
        cs = "Driver=" + braced(driver) + ";Server=tcp:" + host + "," + port + ";";
    } else {
        struct stat st {};
        const std::string tds = "/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so";
        cs = "Driver=" + (driver.empty() ? (::stat(tds.c_str(), &st) == 0 ? tds : std::string("FreeTDS")) : braced(driver)) +
             ";Server=" + host + ";Port=" + port + ";TDS_Version=7.4;ClientCharset=UTF-8;";
    }
    cs += "UID=" + braced(user) + ";PWD=" + braced(password) + ";" + extra + "Database=" + braced(database) + ";";
    return cs;
}

std::string odbc_exec(const std::string& connection_string, const std::string& batch) {
    SQLHENV env = SQL_NULL_HENV;
    SQLHDBC dbc = SQL_NULL_HDBC;
    SQLHSTMT st = SQL_NULL_HSTMT;
    std::string error;
    SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
    SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
    SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(10), 0);
    SQLRETURN rc = SQLDriverConnect(dbc, nullptr, (SQLCHAR*)connection_string.c_str(), SQL_NTS, nullptr, 0, nullptr,
                                    SQL_DRIVER_NOPROMPT);
    if (!SQL_SUCCEEDED(rc)) {
        error = "cannot connect: " + diagnostics(SQL_HANDLE_DBC, dbc);
    } else {
        SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st);
        rc = SQLExecDirect(st, (SQLCHAR*)batch.c_str(), SQL_NTS);
        while (SQL_SUCCEEDED(rc)) rc = SQLMoreResults(st);   // an error of a later statement surfaces here
        if (rc != SQL_NO_DATA) error = diagnostics(SQL_HANDLE_STMT, st);
        SQLFreeHandle(SQL_HANDLE_STMT, st);
        SQLDisconnect(dbc);
    }
    SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    SQLFreeHandle(SQL_HANDLE_ENV, env);
    return error;
}

}  // namespace events::e2e
