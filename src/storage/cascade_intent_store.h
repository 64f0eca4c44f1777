// The intent records of cascades the document service runs itself (docs/DECISIONS.md
// §4.3): one record per cascade, written before its first deletion and removed after its
// last, so that a cascade cut by a crash is still known after it and can be completed.
//
// The records are documents of a system entity, EventsCascadeIntent
// (storage/system_entity.h), so each backend stores them as it stores any entity, written
// once here for all of them, and nothing is added to the driver contract.
//
// Thread-safe (the driver is); every method throws StorageUnavailable like the driver.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"
#include "storage/system_entity.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace events {

// One cascade in progress, or cut short.
struct CascadeIntent {
    std::string key;           // the record's own id (a ULID): two deletes of one document have two records
    std::string entity;        // the schema name of the deleted document's entity ("Account")
    std::string entity_id;     // the deleted document's id
    std::string owner;         // the process running it (DocumentService: "<host>:<pid>:<ulid>")
    int64_t since_ms = 0;      // when the cascade began, Unix time in milliseconds
    int64_t heartbeat_ms = 0;  // the owner's last sign of life, Unix time in milliseconds
};

class CascadeIntentStore {
public:
    // Makes the store's driver for the store's schema (which `make` must not outlive the
    // store with) and opens it. The server passes make_driver() of its own backend and
    // options (storage/driver.h), so the records live in the served database; tests pass
    // an in-memory driver. Throws what `make` and StorageDriver::open() throw.
    using DriverMaker = SystemEntity::DriverMaker;
    explicit CascadeIntentStore(const DriverMaker& make);

    // Stores `intent` (its `key` must be new).
    void record(const CascadeIntent& intent);
    // Removes the record `key`; nothing when it is gone already (another process completed it).
    void remove(std::string_view key);
    // Sets the heartbeat of record `key` to `now_ms` when `owner` still owns it; false
    // when the record is gone or another process took it over.
    bool renew(std::string_view key, std::string_view owner, int64_t now_ms);
    // Makes `owner` the owner of the record `seen` describes, with heartbeat `now_ms`, only
    // if the record is unchanged since it was read (same owner and heartbeat): of two
    // processes taking one record over at once, at most one gets true (the driver's
    // atomic read-and-write, docs/DECISIONS.md §4.1).
    bool take_over(const CascadeIntent& seen, std::string_view owner, int64_t now_ms);
    // Every record, oldest first (at most `limit`).
    std::vector<CascadeIntent> all(int64_t limit = 1000);

    // The name of the system entity; a schema cannot serve an entity of that name.
    static constexpr std::string_view kEntityName = "EventsCascadeIntent";
    // Whether a table / collection / index named `storage_name` (as a driver lists it in
    // StoredSchemaState::others) holds these records rather than another schema's data.
    static bool holds_intents(std::string_view storage_name);

private:
    SystemEntity records_;
    StorageDriver* driver_;   // records_'s
    const Entity* entity_;    // records_'s
};

}  // namespace events
