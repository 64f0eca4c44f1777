#include "storage/redis/redis_target.h"

#include <charconv>
#include <stdexcept>

namespace events {
namespace {

constexpr std::string_view kScheme = "redis://";
constexpr std::string_view kTlsScheme = "rediss://";

[[noreturn]] void refuse(const std::string& what) { throw std::invalid_argument("session_store URI: " + what); }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// `part` with its %XX escapes decoded; `name` ("user", "password") says which part a
// malformed escape is in, without showing the part itself.
std::string percent_decode(std::string_view part, std::string_view name) {
    std::string out;
    for (size_t i = 0; i < part.size(); ++i) {
        if (part[i] != '%') {
            out += part[i];
            continue;
        }
        if (i + 2 >= part.size() || hex_digit(part[i + 1]) < 0 || hex_digit(part[i + 2]) < 0)
            refuse("the " + std::string(name) + " has a '%' not followed by two hex digits (write '%25' for '%')");
        out += static_cast<char>(hex_digit(part[i + 1]) * 16 + hex_digit(part[i + 2]));
        i += 2;
    }
    return out;
}

// `text` as a whole decimal number in [low, high], else -1.
long long whole_number(std::string_view text, long long low, long long high) {
    long long value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
        return -1;
    return value;
}

bool is_host_name(std::string_view host) {
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-' || c == '_';
        if (!ok) return false;
    }
    return !host.empty();
}

bool is_ipv6_address(std::string_view host) {
    for (char c : host) {
        if (!(hex_digit(c) >= 0 || c == ':' || c == '.')) return false;
    }
    return host.find(':') != std::string_view::npos;
}

}  // namespace

RedisTarget RedisTarget::parse(std::string_view uri) {
    if (uri.starts_with(kTlsScheme))
        refuse("rediss:// (TLS) is not supported (Debian's hiredis has no TLS); use redis:// on a trusted "
               "network or through a TLS tunnel");
    if (!uri.starts_with(kScheme)) refuse("the scheme must be redis:// (redis://[[user]:password@]host[:port][/db])");
    std::string_view rest = uri.substr(kScheme.size());

    RedisTarget target;
    // The last '@' ends the user info: a password may hold an unencoded '@', '/' or '?',
    // a host, port or database never does.
    if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const size_t colon = userinfo.find(':');
        if (colon == std::string_view::npos)
            refuse("the user info must be ':password@' or 'user:password@' (a user without a password cannot log in)");
        target.user = percent_decode(userinfo.substr(0, colon), "user");
        target.password = percent_decode(userinfo.substr(colon + 1), "password");
        if (target.password.empty()) refuse("the password after ':' is empty (leave out the user info for no password)");
    }
    if (rest.find('?') != std::string_view::npos) refuse("a query ('?...') is not supported");
    if (rest.find('#') != std::string_view::npos) refuse("a fragment ('#...') is not supported");

    const size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);

    std::string_view port_text;
    bool has_port = false;
    if (authority.starts_with('[')) {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) refuse("the IPv6 host has no closing ']'");
        const std::string_view host = authority.substr(1, close - 1);
        if (!is_ipv6_address(host)) refuse("the host '[" + std::string(host) + "]' is not an IPv6 address");
        target.host = std::string(host);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':'))
            refuse("the IPv6 host must be followed by ':port' or nothing");
        has_port = !after.empty();
        if (has_port) port_text = after.substr(1);
    } else {
        const size_t colon = authority.find(':');
        const std::string_view host = authority.substr(0, colon);
        if (host.empty()) refuse("no host (redis://host[:port])");
        if (!is_host_name(host)) refuse("the host '" + std::string(host) + "' is not a host name or address");
        target.host = std::string(host);
        has_port = colon != std::string_view::npos;
        if (has_port) port_text = authority.substr(colon + 1);
    }
    if (has_port) {
        const long long port = whole_number(port_text, 1, 65535);
        if (port < 0) refuse("the port '" + std::string(port_text) + "' is not a number from 1 to 65535");
        target.port = static_cast<int>(port);
    }

    if (path.size() > 1) {
        const std::string_view db_text = path.substr(1);
        const long long db = whole_number(db_text, 0, 2147483647);
        if (db < 0) refuse("the database '" + std::string(db_text) + "' is not a number (redis://host:port/0)");
        target.db = static_cast<int>(db);
    }
    return target;
}

std::string RedisTarget::endpoint() const {
    const std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return host_part + ":" + std::to_string(port);
}

std::string RedisTarget::describe() const {
    std::string userinfo;
    if (!password.empty()) userinfo = user + ":***@";
    return "redis://" + userinfo + endpoint() + "/" + std::to_string(db);
}

}  // namespace events
