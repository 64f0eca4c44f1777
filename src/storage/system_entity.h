// A system entity: documents the server keeps for itself in the served database, of an
// entity that no schema serves (the login sessions of docs/DECISIONS.md §6.5, the cascade
// intent records of §4.3).
//
// Such an entity gets a second driver of the same backend on the same database, with a
// schema of that one entity, so each backend stores it the way it stores any entity (a
// table, a collection, an index) and nothing is added to the driver contract. This class
// owns that schema and that driver; the stores built on it keep only their own rules.
//
// Thread-safe (the driver is).
#pragma once

#include "core/schema.h"
#include "storage/driver.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace events {

class SystemEntity {
public:
    // Makes a driver for a schema: the server passes make_driver() of its own backend and
    // options (storage/driver.h), so the documents live in the served database; unit tests
    // pass an in-memory driver.
    using DriverMaker = std::function<std::unique_ptr<StorageDriver>(const Schema&)>;

    // Loads `schema_text` (the schema format of docs/SCHEMA.md, one entity named
    // `entity_name`), makes its driver with `make` and opens it. Throws SchemaError for a
    // bad text (a programming error), and what `make` and StorageDriver::open() throw.
    SystemEntity(std::string_view schema_text, std::string_view entity_name, const DriverMaker& make);
    // Closes the driver.
    ~SystemEntity();
    SystemEntity(const SystemEntity&) = delete;
    SystemEntity& operator=(const SystemEntity&) = delete;

    StorageDriver& driver() { return *driver_; }
    const Entity& entity() const { return *entity_; }

    // Whether a table / collection / index named `storage_name` (as a driver lists it in
    // StoredSchemaState::others) holds the documents of the system entity `entity_name`
    // rather than another schema's data: its name contains `entity_name`, in any case
    // (each backend spells entity storage its own way: "EventsLoginSession",
    // "<db>_eventsloginsession").
    static bool stores(std::string_view storage_name, std::string_view entity_name);

private:
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
    const Entity* entity_ = nullptr;
};

// A String field of a stored document: its value, or "" when absent or not a string.
std::string text_field(const Document& doc, std::string_view name);
// An Integer field of a stored document: its value, or 0 when absent or not a number
// (a backend may hand back a whole number as unsigned or as a double).
int64_t integer_field(const Document& doc, std::string_view name);

}  // namespace events
