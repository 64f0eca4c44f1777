// Opening a database only for the schema it holds (docs/DECISIONS.md §5.1-§5.4): the
// start of `serve`, `import`, `export` and `migrate`.
//
// The driver is first opened read-only and its schema record read
// (StorageDriver::stored_schema_state()); core/schema_record.h judges it. A database of
// another schema is refused unless adopted; a changed schema is planned
// (core/migration_plan.h): `serve` and `import` apply the safe steps and refuse the
// others; `export` writes nothing at all, so it refuses any difference.
#pragma once

#include "app/config.h"
#include "core/migration_plan.h"
#include "core/schema.h"
#include "core/schema_record.h"
#include "storage/driver.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace events {

// The schema about to be served: where it comes from, its text, the parsed schema.
struct SchemaSource {
    std::string source;   // the path, or "the bundled sample schema"
    std::string text;
};
// Throws SchemaError when the file cannot be read.
SchemaSource schema_source_of(const Config& config);

enum class OpenPurpose {
    Serve,    // apply safe steps, record the schema
    Import,   // as Serve
    Export,   // read-only: create, change and record nothing
    Plan,     // read-only, for `events migrate --plan`
    Apply,    // `events migrate --apply`: every step, drops only those named
};

struct GuardOptions {
    bool adopt = false;                // --adopt: take the database over for this schema, and serve
                                       // documents that lack a newly required value as they are
    std::vector<std::string> drops;    // --drop Entity.field / Entity (Apply only)
    int64_t batch = 500;               // --batch: documents a type change converts, an entity
                                       // rename copies, at a time (Apply only)
};

// What the guard found and did.
struct GuardedStorage {
    std::unique_ptr<StorageDriver> driver;   // null when refused (the reason is printed)
    StoredSchemaVerdict verdict = StoredSchemaVerdict::Fresh;
    std::optional<SchemaRecord> recorded;
    std::vector<std::string> recorded_entities;   // of the recorded schema, when its text parses
    MigrationPlan plan;                      // recorded -> wanted (empty unless Changed)
    std::vector<std::string> kept;           // removed fields/entities whose data is still stored
    bool empty_database = false;             // Fresh: nothing stored (export reads nothing)
};

// Opens the storage of `config` for `purpose`, printing on stderr why it refuses
// (naming both schemas and the command to run) and what it applied or kept. Inputs:
// the parsed schema and its source. Throws StorageUnavailable / ReconcileError from
// the driver (the caller prints them).
GuardedStorage open_guarded(const Config& config, const Schema& schema, const SchemaSource& source,
                            OpenPurpose purpose, const GuardOptions& options);

}  // namespace events
