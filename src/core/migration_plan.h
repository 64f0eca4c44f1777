// The migration planner: what changes between the schema a database records and the
// schema about to be served, as typed steps (docs/DECISIONS.md §5.2-§5.4).
//
// Pure: two schemas in, a plan out; nothing is read from or written to a database.
// The callers (app/: `events migrate --plan`, `serve`) decide what to apply.
#pragma once

#include "core/schema.h"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace events {

enum class MigrationStepKind {
    AddEntity,         // a new entity: its table/collection/index is created
    AddField,          // a new optional field (existing documents read null)
    BackfillDefault,   // a new field with a `default`: existing documents get the default
    AddUnique,         // a new unique constraint (start-up refuses when data violates it)
    DropUnique,
    AddIndex,          // a new declared index
    DropIndex,
    RenameEntity,      // `renamed_from` on an entity: its documents are carried over
    RenameField,       // `renamed_from` on a field: its values are carried over
    ConvertType,       // a field's type changed; `lossless` tells whether every value converts
    RequireField,      // a field becomes required (or is new, required and without a default)
    DropField,         // a field is gone from the schema: its values are kept until dropped
    DropEntity,        // an entity is gone from the schema: its documents are kept until dropped
};

// How a step may be applied (docs/DECISIONS.md §5.3, §5.4).
enum class MigrationSafety {
    Safe,          // applied by `serve` at start-up
    NeedsApply,    // `serve` refuses to start; `events migrate --apply` applies it after checking
    KeepsData,     // nothing is lost by leaving it: `serve` keeps the data and reports it;
                   // `events migrate --apply` refuses unless `--drop Entity.field` names it
};

struct MigrationStep {
    MigrationStepKind kind;
    MigrationSafety safety;
    std::string entity;   // schema spelling, new name for renames
    std::string field;    // "" for entity-level steps; new name for renames
    std::string from;     // former name (renames), former type (ConvertType)
    std::string to;       // new type (ConvertType), default value as JSON (BackfillDefault),
                          // fields joined by ", " (uniques, indexes)
    bool lossless = true; // ConvertType: every value of `from` converts to `to` without loss

    std::string target() const { return field.empty() ? entity : entity + "." + field; }
};

struct MigrationPlan {
    std::vector<MigrationStep> steps;   // entities in the new schema's order, then removed ones

    bool empty() const { return steps.empty(); }
    // Steps `serve` must refuse to start on.
    std::vector<const MigrationStep*> needing_apply() const;
};

// Inputs: `recorded`, the schema the database records; `wanted`, the schema to serve.
// Renames are recognised only through `renamed_from` (a new name without it is a drop
// plus an add). Throws nothing.
MigrationPlan plan_migration(const Schema& recorded, const Schema& wanted);

// Lower-case kebab name of a kind ("add-field", "convert-type", ...): the `kind` of --json.
std::string_view step_kind_name(MigrationStepKind kind);
// "safe", "needs-apply", "keeps-data".
std::string_view safety_name(MigrationSafety safety);
// Whether every value of type `from` converts to `to` without loss (Integer -> Number,
// any scalar -> String, Date -> Datetime, ...): the "lossless" column of docs/SCHEMA.md
// "Type changes". Whether a stored value converts is core/type_conversion.h's to say.
bool converts_losslessly(FieldType from, FieldType to);
// One line for people: "rename field Member.fullName -> Member.name (values carried over)".
std::string describe_step(const MigrationStep& step);
// The plan as text, one step a line under a heading per safety, or "no changes".
std::string plan_text(const MigrationPlan& plan);
// {"steps": [{"kind", "safety", "entity", "field", "from", "to", "lossless", "description"}...]}
boost::json::object plan_json(const MigrationPlan& plan);

}  // namespace events
