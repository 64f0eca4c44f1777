#include "storage/sqlserver/mssql_target.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <sys/stat.h>

namespace events {

namespace {

constexpr const char* kDefaultDatabase = "events";
constexpr const char* kDefaultPort = "1433";
constexpr const char* kFreeTdsLibrary = "/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so";
// TDS 7.4 (SQL Server 2012+) carries NVARCHAR(MAX), DATE and DATETIME2 natively.
constexpr const char* kFreeTdsProtocol = "7.4";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

// %XX escapes of a URI component.
std::string percent_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// An ODBC value braced when it holds a character that would end or confuse it.
std::string odbc_value(const std::string& v) {
    if (v.find_first_of(";{}= ") == std::string::npos && !v.empty()) return v;
    std::string out = "{";
    for (char c : v) {
        if (c == '}') out += '}';   // `}` is doubled inside braces
        out += c;
    }
    return out + "}";
}

// Splits `k=v;k={v;v};...` into pairs; braces keep `;` inside a value.
std::vector<std::pair<std::string, std::string>> parse_odbc(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t eq = text.find('=', i);
        if (eq == std::string::npos) {
            if (!trim(text.substr(i)).empty()) throw std::invalid_argument("invalid ODBC connection string: a keyword without '='");
            break;
        }
        std::string key = trim(std::string_view(text).substr(i, eq - i));
        std::string value;
        size_t j = eq + 1;
        while (j < text.size() && text[j] == ' ') ++j;
        if (j < text.size() && text[j] == '{') {
            for (++j; j < text.size(); ++j) {
                if (text[j] == '}') {
                    if (j + 1 < text.size() && text[j + 1] == '}') {
                        value += '}';
                        ++j;
                        continue;
                    }
                    break;
                }
                value += text[j];
            }
            if (j >= text.size()) throw std::invalid_argument("invalid ODBC connection string: unclosed '{'");
            j = text.find(';', j);
        } else {
            const size_t semi = text.find(';', j);
            value = trim(std::string_view(text).substr(j, semi == std::string::npos ? std::string::npos : semi - j));
            j = semi;
        }
        if (key.empty()) throw std::invalid_argument("invalid ODBC connection string: an empty keyword");
        out.emplace_back(std::move(key), std::move(value));
        i = j == std::string::npos ? text.size() : j + 1;
    }
    return out;
}

bool is_microsoft_driver(const std::string& driver) { return lower(driver).find("odbc driver") != std::string::npos; }

}  // namespace

std::string default_odbc_driver() {
    struct stat st {};
    return ::stat(kFreeTdsLibrary, &st) == 0 ? kFreeTdsLibrary : "FreeTDS";
}

MssqlTarget::MssqlTarget(const std::string& uri, const std::string& db_name) {
    std::string uri_database;
    const std::string lowered = lower(uri.substr(0, uri.find("://") == std::string::npos ? 0 : uri.find("://") + 3));
    if (lowered == "mssql://" || lowered == "sqlserver://") {
        std::string rest = uri.substr(lowered.size());
        std::string query;
        if (const size_t q = rest.find('?'); q != std::string::npos) {
            query = rest.substr(q + 1);
            rest.resize(q);
        }
        if (const size_t slash = rest.find('/'); slash != std::string::npos) {
            uri_database = percent_decode(rest.substr(slash + 1));
            rest.resize(slash);
        }
        std::string password;
        if (const size_t at = rest.rfind('@'); at != std::string::npos) {
            const std::string userinfo = rest.substr(0, at);
            rest = rest.substr(at + 1);
            const size_t colon = userinfo.find(':');
            user_ = percent_decode(userinfo.substr(0, colon));
            if (colon != std::string::npos) password = percent_decode(userinfo.substr(colon + 1));
        }
        if (!rest.empty() && rest.front() == '[') {   // [IPv6]:port
            const size_t close = rest.find(']');
            if (close == std::string::npos) throw std::invalid_argument("invalid SQL Server URI: unclosed '[' in the host");
            host_ = rest.substr(1, close - 1);
            if (close + 1 < rest.size() && rest[close + 1] == ':') port_ = rest.substr(close + 2);
        } else {
            const size_t colon = rest.rfind(':');
            host_ = rest.substr(0, colon);
            if (colon != std::string::npos) port_ = rest.substr(colon + 1);
        }
        if (host_.empty()) throw std::invalid_argument("invalid SQL Server URI: no host (mssql://user:password@host:port)");
        if (port_.empty()) port_ = kDefaultPort;
        if (!std::all_of(port_.begin(), port_.end(), [](unsigned char c) { return std::isdigit(c); }))
            throw std::invalid_argument("invalid SQL Server URI: the port must be a number");
        std::string driver;
        std::vector<std::pair<std::string, std::string>> extra;
        size_t i = 0;
        while (i < query.size()) {
            size_t amp = query.find('&', i);
            if (amp == std::string::npos) amp = query.size();
            const std::string item = query.substr(i, amp - i);
            const size_t eq = item.find('=');
            const std::string key = percent_decode(item.substr(0, eq));
            const std::string value = eq == std::string::npos ? "" : percent_decode(item.substr(eq + 1));
            if (lower(key) == "driver") driver = value;
            else if (!key.empty()) extra.emplace_back(key, value);
            i = amp + 1;
        }
        if (driver.empty()) driver = default_odbc_driver();
        keywords_.emplace_back("Driver", driver);
        if (is_microsoft_driver(driver)) {
            keywords_.emplace_back("Server", "tcp:" + host_ + "," + port_);
        } else {
            keywords_.emplace_back("Server", host_);
            keywords_.emplace_back("Port", port_);
            keywords_.emplace_back("TDS_Version", kFreeTdsProtocol);
            keywords_.emplace_back("ClientCharset", "UTF-8");
        }
        if (!user_.empty()) keywords_.emplace_back("UID", user_);
        if (!password.empty()) keywords_.emplace_back("PWD", password);
        for (auto& kv : extra) keywords_.push_back(std::move(kv));
    } else if (uri.find('=') != std::string::npos) {
        for (auto& [k, v] : parse_odbc(uri)) {
            const std::string key = lower(k);
            if (key == "database" || key == "initial catalog") {
                uri_database = v;
                continue;
            }
            keywords_.emplace_back(k, v);
        }
        if (value_of("driver").empty() && value_of("dsn").empty())
            keywords_.insert(keywords_.begin(), {"Driver", default_odbc_driver()});
        std::string server = value_of("server");
        if (server.empty()) server = value_of("servername");
        if (server.starts_with("tcp:")) server = server.substr(4);
        if (const size_t comma = server.find(','); comma != std::string::npos) {
            host_ = server.substr(0, comma);
            port_ = server.substr(comma + 1);
        } else {
            host_ = server;
            port_ = value_of("port");
        }
        if (port_.empty()) port_ = kDefaultPort;
        user_ = value_of("uid");
        if (user_.empty()) user_ = value_of("user id");
    } else {
        throw std::invalid_argument(
            "invalid SQL Server db_uri: expected mssql://user:password@host:port or an ODBC connection string "
            "(Driver=...;Server=...;UID=...;PWD=...)");
    }
    // Named twice, differently: refused, as on PostgreSQL (docs/OPERATIONS.md).
    if (!db_name.empty() && !uri_database.empty() && db_name != uri_database)
        throw std::invalid_argument("the SQL Server URI names the database '" + uri_database + "' and db_name names '" +
                                    db_name + "': name it in one place, or the same in both");
    database_ = !db_name.empty() ? db_name : !uri_database.empty() ? uri_database : kDefaultDatabase;
}

std::string MssqlTarget::value_of(const std::string& keyword) const {
    for (const auto& [k, v] : keywords_)
        if (lower(k) == keyword) return v;
    return {};
}

std::string MssqlTarget::endpoint() const { return host_ + ":" + port_; }

std::string MssqlTarget::connection_string(const std::string& database) const {
    std::string out;
    for (const auto& [k, v] : keywords_) out += k + "=" + odbc_value(v) + ";";
    out += "Database=" + odbc_value(database) + ";";
    return out;
}

boost::json::object MssqlTarget::describe() const {
    std::string uri = "mssql://";
    if (!user_.empty()) {
        uri += user_;
        if (!value_of("pwd").empty() || !value_of("password").empty()) uri += ":***";
        uri += "@";
    }
    uri += endpoint() + "/" + database_;
    boost::json::object info;
    info["type"] = "sqlserver";
    info["uri"] = uri;
    info["driver"] = value_of("driver");
    info["host"] = host_;
    info["port"] = port_;
    info["user"] = user_;
    info["database"] = database_;
    return info;
}

}  // namespace events
