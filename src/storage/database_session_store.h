// Login sessions kept in the configured database (docs/DECISIONS.md §6.5), so that every
// server process on that database shares them and a restart keeps them.
//
// The sessions are documents of a system entity, EventsLoginSession
// (storage/system_entity.h), so each backend stores them the way it stores any entity
// and nothing is added to the driver contract. The document id is the SHA-256 of the session id (hex), so the database never holds a
// usable session id.
//
// Thread-safe (the driver is); every method throws StorageUnavailable like the driver.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"
#include "storage/session_store.h"
#include "storage/system_entity.h"

#include <memory>
#include <string_view>

namespace events {

class DatabaseSessionStore : public SessionStore {
public:
    // Opens its driver of `backend` (a name of storage/backends.h) with `options` (the
    // server's, so the same database). Throws like make_driver() and StorageDriver::open().
    DatabaseSessionStore(std::string_view backend, const DriverOptions& options);
    ~DatabaseSessionStore() override;

    void put(const Session& s) override;
    bool renew(const Session& s) override;
    std::optional<Session> get(std::string_view id, int64_t now_ms) override;
    void remove(std::string_view id) override;
    int64_t purge_expired(int64_t now_ms) override;

    // The name of the system entity; a schema cannot serve an entity of that name.
    static constexpr std::string_view kEntityName = "EventsLoginSession";
    // Whether a table / collection / index named `storage_name` (as a driver lists it in
    // StoredSchemaState::others) holds this store's sessions (SystemEntity::stores).
    static bool holds_sessions(std::string_view storage_name);

private:
    SystemEntity sessions_;
    StorageDriver* driver_;   // sessions_'s
    const Entity* entity_;    // sessions_'s
};

}  // namespace events
