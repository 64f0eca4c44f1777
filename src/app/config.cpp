// Config loading: one table of keys drives the file reader, the environment reader and
// the redacted report, so a key added to Config is added in exactly one place here.
#include "app/config.h"

#include "storage/backends.h"
#include "tools/json_parse.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <variant>

namespace events {

namespace json = boost::json;

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// A reference key this build knows about but does not use (README.md "Configuration").
bool is_ignored_reference_key(const std::string& key) {
    return key == "environment" || key == "auth.cookies.redis" || key == "authn.cookies.redis";
}

// The canonical name of a backend of storage/backends.h, from its name or an alias in any
// capitalisation ("postgres", "MSSQL"); any other name is refused with the list.
std::string normalize_database(const std::string& value) {
    if (const BackendInfo* b = find_backend(value)) return std::string(b->name);
    throw std::runtime_error("unknown database '" + value + "' (supported: " + backend_names() + ")");
}

std::optional<bool> parse_bool(const std::string& text) {
    const std::string v = lower(text);
    if (v == "true" || v == "1" || v == "yes") return true;
    if (v == "false" || v == "0" || v == "no") return false;
    return std::nullopt;
}

std::optional<int64_t> parse_int(const std::string& text) {
    int64_t v = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+') ++first;
    auto [end, ec] = std::from_chars(first, last, v);
    if (first == last || ec != std::errc() || end != last) return std::nullopt;
    return v;
}

using Member = std::variant<std::string Config::*, bool Config::*, int Config::*, int64_t Config::*>;

struct Key {
    const char* name;   // file key; the variable is EVENTS_<NAME upper-cased>
    Member member;
};

const Key kKeys[] = {
    {"project_name", &Config::project_name},
    {"database", &Config::database},
    {"db_uri", &Config::db_uri},
    {"db_name", &Config::db_name},
    {"host", &Config::host},
    {"server_port", &Config::server_port},
    {"ui_port", &Config::ui_port},
    {"validation", &Config::validation},
    {"case_sensitive", &Config::case_sensitive},
    {"cascade_delete", &Config::cascade_delete},
    {"cascade_check_interval_s", &Config::cascade_check_interval_s},
    {"elasticsearch_strict_consistency", &Config::elasticsearch_strict_consistency},
    {"log_level", &Config::log_level},
    {"admin_token", &Config::admin_token},
    {"schema_path", &Config::schema_path},
    {"threads", &Config::threads},
    {"write_threads", &Config::write_threads},
    {"pool_size", &Config::pool_size},
    {"body_limit", &Config::body_limit},
    {"read_timeout_s", &Config::read_timeout_s},
    {"idle_timeout_s", &Config::idle_timeout_s},
    {"cors_origins", &Config::cors_origins},
    {"log_format", &Config::log_format},
    {"openapi", &Config::openapi},
    {"docs", &Config::docs},
    {"metrics", &Config::metrics},
    {"metrics_auth", &Config::metrics_auth},
    {"swagger_ui_dir", &Config::swagger_ui_dir},
    {"admin_ui", &Config::admin_ui},
    {"admin_ui_dir", &Config::admin_ui_dir},
    {"cookie_secure", &Config::cookie_secure},
    {"session_idle_ttl_s", &Config::session_idle_ttl_s},
    {"session_absolute_ttl_s", &Config::session_absolute_ttl_s},
    {"session_purge_interval_s", &Config::session_purge_interval_s},
    {"session_cache_ms", &Config::session_cache_ms},
    {"login_max_failures", &Config::login_max_failures},
    {"login_lockout_s", &Config::login_lockout_s},
    {"session_store", &Config::session_store},
};

// Values with a fixed vocabulary are stored in their canonical spelling.
void set_string(Config& c, const Key& key, std::string value) {
    const std::string name = key.name;
    if (name == "database") value = normalize_database(value);
    else if (name == "validation" || name == "log_format") value = lower(value);
    c.*std::get<std::string Config::*>(key.member) = std::move(value);
}

template <class Int>
void set_int(Config& c, Int Config::*member, int64_t v) {
    if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max())
        throw std::runtime_error("value " + std::to_string(v) + " is out of range");
    c.*member = static_cast<Int>(v);
}

// Applies one JSON value; throws runtime_error describing the expected type.
void set_from_json(Config& c, const Key& key, const json::value& v) {
    if (v.is_null()) return;   // an explicit null keeps the default
    std::visit(
        [&](auto member) {
            using M = decltype(member);
            if constexpr (std::is_same_v<M, std::string Config::*>) {
                if (!v.is_string()) throw std::runtime_error("expected a string");
                set_string(c, key, std::string(v.as_string()));
            } else if constexpr (std::is_same_v<M, bool Config::*>) {
                if (!v.is_bool()) throw std::runtime_error("expected true or false");
                c.*member = v.as_bool();
            } else {
                if (v.is_int64()) set_int(c, member, v.as_int64());
                else if (v.is_uint64() && v.as_uint64() <= uint64_t(std::numeric_limits<int64_t>::max()))
                    set_int(c, member, static_cast<int64_t>(v.as_uint64()));
                else throw std::runtime_error("expected an integer");
            }
        },
        key.member);
}

// Applies one environment value (text).
void set_from_text(Config& c, const Key& key, const std::string& text) {
    std::visit(
        [&](auto member) {
            using M = decltype(member);
            if constexpr (std::is_same_v<M, std::string Config::*>) {
                set_string(c, key, text);
            } else if constexpr (std::is_same_v<M, bool Config::*>) {
                auto b = parse_bool(text);
                if (!b) throw std::runtime_error("expected true/false/1/0/yes/no, got '" + text + "'");
                c.*member = *b;
            } else {
                auto n = parse_int(text);
                if (!n) throw std::runtime_error("expected an integer, got '" + text + "'");
                set_int(c, member, *n);
            }
        },
        key.member);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("config file " + path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw std::runtime_error("config file " + path + ": cannot be read");
    return text.str();
}

void check_range(bool ok, const std::string& message) {
    if (!ok) throw std::runtime_error("invalid config: " + message);
}

}  // namespace

Config Config::from_file(const std::string& path) {
    const std::string text = read_file(path);
    JsonSyntaxError error;
    std::optional<json::value> parsed = parse_json(text, error);
    if (!parsed) throw std::runtime_error("config file " + path + ": invalid JSON: " + error.describe());
    const json::value& doc = *parsed;
    if (!doc.is_object()) throw std::runtime_error("config file " + path + ": must be a JSON object");

    Config c;
    for (const auto& [name, value] : doc.as_object()) {
        const std::string key_name(name);
        auto key = std::find_if(std::begin(kKeys), std::end(kKeys), [&](const Key& k) { return key_name == k.name; });
        if (key == std::end(kKeys)) {
            if (is_ignored_reference_key(key_name)) spdlog::debug("config {}: key '{}' is not used", path, key_name);
            else spdlog::warn("config {}: unknown key '{}' ignored", path, key_name);
            continue;
        }
        try {
            set_from_json(c, *key, value);
        } catch (const std::exception& e) {
            throw std::runtime_error("config file " + path + ": key '" + key_name + "': " + e.what());
        }
    }
    return c;
}

void Config::apply_environment() {
    for (const Key& key : kKeys) {
        const std::string var = "EVENTS_" + upper(key.name);
        const char* value = std::getenv(var.c_str());
        if (!value) continue;
        const bool is_string = std::holds_alternative<std::string Config::*>(key.member);
        if (!is_string && *value == '\0') continue;   // `EVENTS_THREADS=` means "not set"
        try {
            set_from_text(*this, key, value);
        } catch (const std::exception& e) {
            throw std::runtime_error("environment variable " + var + ": " + e.what());
        }
    }
}

void Config::validate() const {
    // Drivers compare the canonical spelling; file and environment values are stored in it.
    const std::string db = normalize_database(database);   // throws for unsupported / unknown kinds
    check_range(db == database, "database must be spelled '" + db + "', got '" + database + "'");
    check_range(!db_uri.empty(), "db_uri must not be empty");
    check_range(server_port >= 0 && server_port <= 65535,
                "server_port must be 0..65535, got " + std::to_string(server_port));
    check_range(ui_port >= 0 && ui_port <= 65535, "ui_port must be 0..65535, got " + std::to_string(ui_port));
    check_range(validation.empty() || validation == "single" || validation == "multiple",
                "validation must be \"\", \"single\" or \"multiple\", got \"" + validation + "\"");
    const std::string level = lower(log_level);
    check_range(level == "trace" || level == "debug" || level == "info" || level == "warning" || level == "warn" ||
                    level == "error" || level == "critical" || level == "off",
                "log_level must be one of trace, debug, info, warning, error, critical, off; got \"" + log_level +
                    "\"");
    check_range(log_format == "text" || log_format == "json",
                "log_format must be \"text\" or \"json\", got \"" + log_format + "\"");
    check_range(!metrics_auth || !admin_token.empty(), "metrics_auth needs an admin_token");
    check_range(threads >= 0, "threads must be >= 0, got " + std::to_string(threads));
    check_range(write_threads > 0, "write_threads must be > 0, got " + std::to_string(write_threads));
    check_range(pool_size >= 0, "pool_size must be >= 0, got " + std::to_string(pool_size));
    check_range(body_limit > 0, "body_limit must be > 0, got " + std::to_string(body_limit));
    check_range(read_timeout_s > 0, "read_timeout_s must be > 0, got " + std::to_string(read_timeout_s));
    check_range(idle_timeout_s > 0, "idle_timeout_s must be > 0, got " + std::to_string(idle_timeout_s));
    check_range(session_idle_ttl_s > 0, "session_idle_ttl_s must be > 0, got " + std::to_string(session_idle_ttl_s));
    check_range(session_absolute_ttl_s > 0,
                "session_absolute_ttl_s must be > 0, got " + std::to_string(session_absolute_ttl_s));
    check_range(cascade_check_interval_s > 0,
                "cascade_check_interval_s must be > 0, got " + std::to_string(cascade_check_interval_s));
    check_range(session_purge_interval_s > 0,
                "session_purge_interval_s must be > 0, got " + std::to_string(session_purge_interval_s));
    // Longer would let a logout made through another process go unnoticed for longer
    // than a user would wait for it (docs/AUTH.md "Sessions").
    check_range(session_cache_ms >= 0 && session_cache_ms <= 60000,
                "session_cache_ms must be between 0 and 60000, got " + std::to_string(session_cache_ms));
    check_range(login_max_failures > 0, "login_max_failures must be > 0, got " + std::to_string(login_max_failures));
    check_range(login_lockout_s > 0, "login_lockout_s must be > 0, got " + std::to_string(login_lockout_s));
    check_range(session_store.empty() || session_store.rfind("redis://", 0) == 0 || session_store.rfind("rediss://", 0) == 0,
                "session_store must be empty (the database) or a redis:// URI");
}

json::object Config::redacted_json() const {
    json::object out;
    for (const Key& key : kKeys) {
        std::visit(
            [&](auto member) {
                using M = decltype(member);
                if constexpr (std::is_same_v<M, std::string Config::*>) out[key.name] = this->*member;
                else if constexpr (std::is_same_v<M, bool Config::*>) out[key.name] = this->*member;
                else out[key.name] = static_cast<int64_t>(this->*member);
            },
            key.member);
    }
    out["db_uri"] = mask_uri_password(db_uri);
    out["admin_token"] = admin_token.empty() ? "" : "***";
    out["session_store"] = mask_uri_password(session_store);
    return out;
}

namespace {

// `password=secret` inside libpq keyword strings or URI query strings, and
// `PWD=secret;` / `PWD={se;cret}` inside ODBC connection strings.
std::string mask_password_parameters(std::string text, const std::string& needle) {
    size_t pos = 0;
    while ((pos = lower(text).find(needle, pos)) != std::string::npos) {
        const bool starts_word = pos == 0 || !(std::isalnum(static_cast<unsigned char>(text[pos - 1])) ||
                                               text[pos - 1] == '_');
        const size_t begin = pos + needle.size();
        size_t end = begin;
        if (end < text.size() && (text[end] == '\'' || text[end] == '{')) {   // libpq quoted / ODBC braced value
            const char close = text[end] == '{' ? '}' : '\'';
            end = text.find(close, end + 1);
            end = end == std::string::npos ? text.size() : end + 1;
        } else {
            while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '&' &&
                   text[end] != '#' && text[end] != ';')
                ++end;
        }
        if (starts_word && end > begin) {
            text.replace(begin, end - begin, "***");
            pos = begin + 3;
        } else {
            pos = begin;
        }
    }
    return text;
}

}  // namespace

std::string mask_uri_password(const std::string& uri) {
    std::string out = uri;
    const size_t scheme = out.find("://");
    if (scheme != std::string::npos) {
        const size_t authority = scheme + 3;
        const size_t authority_end = std::min(out.find_first_of("/?#", authority), out.size());
        const size_t at = out.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
        if (at != std::string::npos && at >= authority) {
            const size_t colon = out.find(':', authority);
            if (colon != std::string::npos && colon < at && colon + 1 < at)
                out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    return mask_password_parameters(mask_password_parameters(out, "password="), "pwd=");
}

}  // namespace events
