#include "storage/postgres/pg_target.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace events {

namespace {

constexpr const char* kDefaultDatabase = "events";
constexpr const char* kConnectTimeoutSeconds = "5";
constexpr const char* kTcpUserTimeoutMs = "15000";

}  // namespace

PgTarget::PgTarget(const std::string& uri, const std::string& db_name) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(uri.c_str(), &error),
                                                                          &PQconninfoFree);
    if (!options) {
        std::string why = error ? error : "out of memory";
        if (error) PQfreemem(error);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        throw std::invalid_argument("invalid PostgreSQL URI: " + why);
    }
    std::string uri_database;
    for (const PQconninfoOption* o = options.get(); o->keyword; ++o) {
        if (!o->val) continue;
        if (std::string_view(o->keyword) == "dbname") {
            uri_database = o->val;
            continue;
        }
        params_.emplace_back(o->keyword, o->val);
    }
    // A server that does not answer should turn into a 503 quickly, not hang a request.
    if (value_of("connect_timeout").empty()) params_.emplace_back("connect_timeout", kConnectTimeoutSeconds);
    // Likewise a server that vanishes mid-statement (host down, network cut): without
    // this a request waits out TCP's retransmissions (~15 min). Only unacknowledged
    // data counts, so a long-running query is not cut short.
    if (value_of("tcp_user_timeout").empty()) params_.emplace_back("tcp_user_timeout", kTcpUserTimeoutMs);
    if (value_of("application_name").empty()) params_.emplace_back("fallback_application_name", "events");
    // A database named twice, differently, is refused: using either one silently would
    // serve another database than the one the reader of the config expects.
    if (!db_name.empty() && !uri_database.empty() && db_name != uri_database)
        throw std::invalid_argument("the PostgreSQL URI names the database '" + uri_database + "' and db_name names '" +
                                    db_name + "': name it in one place, or the same in both");
    database_ = !db_name.empty() ? db_name : !uri_database.empty() ? uri_database : kDefaultDatabase;
}

std::string PgTarget::value_of(const std::string& keyword) const {
    for (const auto& [k, v] : params_)
        if (k == keyword) return v;
    return {};
}

std::vector<std::pair<std::string, std::string>> PgTarget::params_for(const std::string& database) const {
    std::vector<std::pair<std::string, std::string>> out = params_;
    out.emplace_back("dbname", database);
    // The decoder relies on UTF-8 text; TimeZone/DateStyle are set per session (PgConnection).
    out.emplace_back("client_encoding", "UTF8");
    return out;
}

boost::json::object PgTarget::describe() const {
    const std::string host = value_of("host").empty() ? value_of("hostaddr") : value_of("host");
    const std::string port = value_of("port");
    const std::string user = value_of("user");
    std::string uri = "postgresql://";
    if (!user.empty()) {
        uri += user;
        if (!value_of("password").empty()) uri += ":***";
        uri += "@";
    }
    uri += host;
    if (!port.empty()) uri += ":" + port;
    uri += "/" + database_;

    boost::json::object info;
    info["type"] = "postgresql";
    info["uri"] = uri;
    info["host"] = host;
    info["port"] = port;
    info["user"] = user;
    info["database"] = database_;
    return info;
}

}  // namespace events
