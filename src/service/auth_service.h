// Logins, sessions and the caller's permissions (docs/DECISIONS.md §6, reference §13):
// checks credentials against the login entity, keeps sessions in a SessionStore and
// resolves a request's credential (session id or admin token) into Permissions.
//
// A gated request reads the session and, when the role is delegated, the role document
// from storage at most once per `session_cache_ms` in this process: both are kept that long
// in memory (ExpiringCache), the session under a BLAKE2b digest of its id (never the id),
// the permissions under the role's id. A logout, an expiry or a role written through this process takes effect
// at once; one made through another server process within `session_cache_ms`
// (docs/DECISIONS.md §6.5, docs/AUTH.md "Sessions"; 0 keeps nothing and reads both on
// every request). A session is written again only when a tenth of its idle lifetime has
// passed since the last renewal, never per request.
//
// Thread-safe.
#pragma once

#include "core/notifications.h"
#include "core/schema.h"
#include "service/login_throttle.h"
#include "service/permissions.h"
#include "storage/driver.h"
#include "storage/session_store.h"

#include "service/expiring_cache.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace events {

struct AuthOptions {
    int64_t idle_ttl_ms = 3600 * 1000;          // config `session_idle_ttl_s` (renewed on use)
    int64_t absolute_ttl_ms = 8 * 3600 * 1000;  // config `session_absolute_ttl_s` (from login)
    int max_failures = 5;                       // config `login_max_failures` per login; 4x per address
    int64_t lockout_ms = 60 * 1000;             // config `login_lockout_s`
    std::string admin_token;                    // config `admin_token`: a superuser when presented
    int64_t session_cache_ms = 1000;            // config `session_cache_ms`: how long a process trusts
                                                // what it read of a session or a role; 0: not at all
    size_t cached_sessions = 10000;             // sessions kept at most (least recently used go first)
    size_t cached_roles = 1000;                 // roles kept at most
};

// Too many failed logins for this login or client address: answer 429 with Retry-After.
struct LoginThrottled : std::runtime_error {
    int64_t retry_after_s;
    explicit LoginThrottled(int64_t s) : std::runtime_error("Too many failed logins"), retry_after_s(s) {}
};

// Who is calling.
struct Caller {
    Permissions permissions;
    std::optional<Session> session;   // absent for the admin token
};

struct LoginResult {
    Session session;
    std::string login;              // the login value as stored
    boost::json::value permissions; // {"entity": {...}, "reports": []}, or null without authz
};

class AuthService {
public:
    AuthService(const Schema& schema, StorageDriver& driver, SessionStore& sessions, AuthOptions options);

    // Whether the schema declares a login entity: without one nothing is gated.
    bool enabled() const { return !schema_.authn_services().empty(); }

    // POST /api/<route>: `body` {"login", "password"}. Throws ApiError 401 `Invalid
    // credentials` (same answer, and the time of one hash verification, for an unknown
    // login and a wrong password), LoginThrottled, StorageUnavailable. A stored plaintext
    // that matches is replaced by its hash (docs/DECISIONS.md §6.4). `client` is the
    // client's address. Every login gets a new session id (no fixation).
    LoginResult login(const AuthnService& service, const boost::json::value& body, const std::string& client);

    // The caller behind an Authorization header and a Cookie header: the admin token, a
    // Bearer session id or the `sessionId` cookie. nullopt when none is valid (expired,
    // logged out, unknown). Renews the session's idle lifetime. Throws StorageUnavailable.
    std::optional<Caller> authenticate(std::string_view authorization, std::string_view cookie);

    // The session id a request presents (Bearer other than the admin token, else the
    // cookie); empty when none.
    std::string presented_session_id(std::string_view authorization, std::string_view cookie) const;
    bool is_admin_token(std::string_view authorization) const;

    // POST /api/refresh: the idle lifetime starts again now (within the absolute one).
    // false when the session ended meanwhile (a renewal never revives it, docs/DECISIONS.md
    // §6.5). Throws StorageUnavailable.
    bool refresh(Session s);
    // Ends the session; no error when it does not exist.
    void logout(std::string_view session_id);
    // GET /api/session: {"sessionId", "login", "roleId", "permissions"}; nullopt when the
    // session is not valid.
    std::optional<boost::json::object> describe(const Caller& caller);

    // Deletes expired sessions (called periodically by the application); the count.
    int64_t purge_expired();

    // Called after a write of document `id` of `e` (empty: every document of `e`, a wipe)
    // through this process commits (the
    // document service's ServiceOptions::after_write): a role written or deleted here takes
    // effect at once, not after `session_cache_ms` (docs/DECISIONS.md §6.5): a write of a
    // role entity, or of an entity whose deletes can cascade down to one, forgets every
    // cached role.
    void document_written(const Entity& e, std::string_view id);

    const AuthOptions& options() const { return options_; }
    const Schema& schema() const { return schema_; }

private:
    // The permissions of the session's role, from the role cache or the role document.
    // nullopt with `role_error` set when the role is missing or its permissions unreadable.
    std::optional<Permissions> permissions_of(const Session& s, std::string* role_error);
    // The token of a Bearer header when it is the admin token.
    bool admin_token_matches(std::string_view token) const;
    boost::json::value permissions_json(const std::optional<Permissions>& p, const AuthnService& service) const;

    const Schema& schema_;
    StorageDriver& driver_;
    SessionStore& sessions_;
    AuthOptions options_;
    LoginThrottle throttle_;
    // BLAKE2b of the admin token, so that a request hashes only what it presents.
    std::optional<std::array<unsigned char, 32>> admin_digest_;
    Permissions everything_;                      // of a login entity without authz
    std::vector<const Entity*> role_sources_;     // role entities, and entities whose deletes reach one
    // Sessions by the BLAKE2b digest of their id (never the id itself), without `id`.
    ExpiringCache<Session> session_cache_;
    // A role's permissions by "<role entity>\0<role id>".
    ExpiringCache<std::shared_ptr<const Permissions>> role_cache_;
};

// Unix epoch milliseconds now.
int64_t epoch_ms_now();

}  // namespace events
