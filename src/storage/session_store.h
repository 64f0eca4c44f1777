// Where login sessions live (docs/DECISIONS.md §6.5): the configured database, or Redis.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
namespace events {
// One login session. Times are Unix epoch milliseconds.
struct Session {
    std::string id;        // the secret the client presents (cookie value or Bearer token)
    std::string entity;    // the login entity, e.g. "Auth"
    std::string user_id;   // id of the login document
    std::string role_id;   // id of its role document; empty when it has none
    int64_t created_ms = 0;   // login time; the absolute lifetime counts from here
    int64_t expires_ms = 0;   // end of the idle lifetime; put() again to renew it
};
// Thread-safe; every method throws StorageUnavailable (storage/driver.h) when the store
// cannot be reached.
class SessionStore {
public:
    virtual ~SessionStore() = default;
    // Creates or replaces the session with s.id; it disappears at s.expires_ms.
    virtual void put(const Session& s) = 0;
    // Replaces the session with s.id only while it still exists; false when it is absent.
    // A renewal racing a logout therefore never brings the ended session back
    // (docs/DECISIONS.md §6.5: a logout ends the session everywhere).
    virtual bool renew(const Session& s) = 0;
    // The session with this id, or nullopt when absent or expires_ms <= now_ms.
    virtual std::optional<Session> get(std::string_view id, int64_t now_ms) = 0;
    // Ends the session (logout); no error when absent.
    virtual void remove(std::string_view id) = 0;
    // Deletes sessions whose expires_ms <= now_ms; returns how many (a store that expires
    // entries itself may return 0).
    virtual int64_t purge_expired(int64_t now_ms) = 0;
};
}  // namespace events
