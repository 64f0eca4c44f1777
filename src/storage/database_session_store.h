// Login sessions kept in the configured database (docs/DECISIONS.md §6.5), so that every
// server process on that database shares them and a restart keeps them.
//
// The sessions are documents of a system entity, EventsLoginSession, that no schema
// serves: this store opens a second driver of the same backend on the same database with
// a schema of that one entity, so each backend stores them the way it stores any entity
// (a table, a collection, an index) and nothing is added to the driver contract. The
// document id is the SHA-256 of the session id (hex), so the database never holds a
// usable session id.
//
// Thread-safe (the driver is); every method throws StorageUnavailable like the driver.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"
#include "storage/session_store.h"

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
    // StoredSchemaState::others) holds this store's sessions rather than another
    // schema's data: its name contains kEntityName, in any case (each backend spells
    // entity storage its own way: "EventsLoginSession", "<db>_eventsloginsession").
    static bool holds_sessions(std::string_view storage_name);

private:
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
    const Entity* entity_ = nullptr;
};

}  // namespace events
