// The schema a database records as the one it serves, and how a start-up judges a
// database by it (docs/DECISIONS.md §5.1).
//
// Every driver keeps the record in the meta store it already has (SQL: the
// "_events$meta" table; MongoDB: the "_events_meta" collection; Elasticsearch: the
// "<db_name>__meta" index) under the keys of SchemaRecord. Judging is pure: what the
// database holds in, a verdict out; the callers (app/) act on it.
#pragma once

#include "core/schema.h"

#include <optional>
#include <string>
#include <vector>

namespace events {

struct SchemaRecord {
    std::string fingerprint;   // schema_fingerprint(): 16 lower-case hex digits
    std::string source;        // where the schema came from: its path, or "the bundled sample schema"
    std::string text;          // the YAML text as it was loaded
    std::string recorded_at;   // RFC 3339 UTC, when it was recorded
    // Removed fields and entities whose data is still stored ("Entity.field" / "Entity",
    // one a line; docs/DECISIONS.md §5.4), carried from record to record until dropped or
    // brought back.
    std::string kept;
};

// What a database holds, as read before anything is created or changed in it.
struct StoredSchemaState {
    std::optional<SchemaRecord> record;   // nullopt: no record (a fresh database, or one of the previous release)
    std::vector<std::string> present;     // entities of the schema being opened that have a table/collection/index
    std::vector<std::string> others;      // other tables/collections/indices holding user data (driver-internal ones left out)
};

// A digest of what the schema makes the database hold (entities, fields, types,
// constraints, indexes: the /api/metadata form), so reformatting or comments do not
// change it. FNV-1a 64, as 16 hex digits: a label, not a security measure.
std::string schema_fingerprint(const Schema& schema);

// The record for `schema` loaded from `text`, found at `source`, stamped now.
SchemaRecord make_schema_record(const Schema& schema, std::string text, std::string source);

enum class StoredSchemaVerdict {
    Fresh,           // nothing stored yet: record the schema and go on
    Same,            // the record names this schema
    AdoptSilently,   // no record but this schema's data (a database of the previous release): record it once
    Changed,         // the record names another version of this schema (the two share an entity): plan a migration
    Foreign,         // another schema's data: refuse unless --adopt
};

// "fresh", "same", "adopt-silently", "changed", "foreign" (the `verdict` of `events migrate --plan --json`).
std::string_view stored_schema_verdict_name(StoredSchemaVerdict verdict);

// Inputs: the state read from the database, the schema about to be served and its
// fingerprint. `recorded` is the parsed recorded schema when the record's text parses
// (nullopt otherwise; then a differing record counts as Foreign).
StoredSchemaVerdict judge_stored_schema(const StoredSchemaState& state, const Schema& wanted,
                                        const std::string& wanted_fingerprint, const Schema* recorded);

// "schema.yaml (fingerprint 0123456789abcdef, recorded 2026-12-05T07:00:00Z; entities: A, B)"
// for messages that name a schema (docs/DECISIONS.md §5.1).
std::string describe_schema(const std::string& source, const std::string& fingerprint,
                            const std::string& recorded_at, const std::vector<std::string>& entities);
std::vector<std::string> entity_names(const Schema& schema);

}  // namespace events
