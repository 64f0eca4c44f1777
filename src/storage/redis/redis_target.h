// Where the Redis session store connects, parsed from the `session_store` setting
// (docs/OPERATIONS.md "Session stores", docs/DECISIONS.md §6.5):
//
//   redis://[[user]:password@]host[:port][/db]
//
// as redis-cli and the IANA `redis` scheme spell it: `:password@` authenticates as the
// default user (AUTH password), `user:password@` as an ACL user (AUTH user password);
// user and password may be percent-encoded (%40 for '@'). host is a name, an IPv4
// address or a bracketed IPv6 address; port defaults to 6379, db to 0.
// `rediss://` (TLS) is refused: Debian's hiredis 0.14 has no TLS.
// The password stays inside this object: describe() masks it.
#pragma once

#include <string>
#include <string_view>

namespace events {

struct RedisTarget {
    std::string host;       // without brackets for IPv6
    int port = 6379;        // 1..65535
    std::string user;       // "" = the default user
    std::string password;   // "" = no AUTH
    int db = 0;             // the logical database SELECTed on connect, >= 0

    // Throws std::invalid_argument naming the part that is wrong (scheme, user info,
    // host, port, database number, a query or fragment). The message never holds the
    // password.
    static RedisTarget parse(std::string_view uri);

    // "host:port" ("[::1]:6379" for IPv6), for messages.
    std::string endpoint() const;
    // The URI with the password replaced by "***": redis://user:***@host:port/db.
    std::string describe() const;
};

}  // namespace events
