// Login sessions in Redis (docs/DECISIONS.md §6.5, config `session_store: redis://...`,
// docs/OPERATIONS.md "Session stores"): every server process pointed at the same Redis
// shares the sessions, and Redis deletes each one itself when it expires.
//
// One session is one string key, `<key_prefix><hex SHA-256 of the session id>` (the key
// never holds the secret the client presents, so neither do KEYS, MONITOR or a dump),
// whose value is a small JSON object {"entity","user_id","role_id","created_ms",
// "expires_ms"} and whose expiry is set with the value (SET ... PXAT expires_ms) in one
// command. Needs Redis 6.2 or newer (PXAT).
#pragma once

#include "storage/redis/redis_connection.h"
#include "storage/redis/redis_target.h"
#include "storage/session_store.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace events {

class RedisPool;

struct RedisSessionStoreOptions {
    RedisTimeouts timeouts;                        // connect and per-command bounds
    size_t pool_size = 8;                          // connections at most, opened on demand
    std::string key_prefix = "events:session:";    // every key of the store starts so
};

class RedisSessionStore : public SessionStore {
public:
    // Opens no connection yet. Thread-safe as SessionStore says; each method takes at most
    // about two command timeouts plus a connect timeout (RedisPool::run) and then throws
    // StorageUnavailable, whose message names the endpoint, never the password or the
    // session id.
    RedisSessionStore(RedisTarget target, RedisSessionStoreOptions options = {});
    ~RedisSessionStore() override;

    // SET key value PXAT s.expires_ms; a session whose expires_ms <= 0 is removed instead.
    void put(const Session& s) override;
    bool renew(const Session& s) override;
    // GET key. A value that is not a session this store wrote counts as absent (logged).
    std::optional<Session> get(std::string_view id, int64_t now_ms) override;
    // DEL key.
    void remove(std::string_view id) override;
    // Redis expires the keys itself: nothing to do, returns 0.
    int64_t purge_expired(int64_t now_ms) override;

    // Opens a connection (or reuses one) and PINGs: throws StorageUnavailable as the
    // methods do. For start-up, so that a wrong address or password stops the server
    // with a clear message instead of failing the first login.
    void check_reachable();

    // The Redis key of session `id`: key_prefix + 64 lower-case hex digits.
    std::string key_of(std::string_view id) const;
    // The URI with the password masked (RedisTarget::describe), for logs and banners.
    std::string describe() const;

private:
    const std::string key_prefix_;
    std::unique_ptr<RedisPool> pool_;
};

// The store `uri` names (redis://[[user]:password@]host[:port][/db], RedisTarget), with
// the default options, checked reachable (check_reachable). Throws std::invalid_argument
// naming what is wrong with the URI (never quoting the password), StorageUnavailable when
// Redis cannot be reached or refuses the credentials.
std::unique_ptr<SessionStore> make_redis_session_store(const std::string& uri);

}  // namespace events
