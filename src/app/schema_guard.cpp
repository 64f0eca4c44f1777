#include "app/schema_guard.h"

#include "app/application.h"
#include "core/type_conversion.h"
#include "service/field_backfill.h"
#include "service/field_conversion.h"
#include "storage/cascade_intent_store.h"
#include "storage/database_session_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace events {

namespace {

constexpr const char* kBundledSource = "the bundled sample schema";

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

// The command line that repeats this run with another subcommand, for messages.
std::string command_hint(const Config& config, const std::string& subcommand) {
    std::string out = "events " + subcommand;
    if (!config.schema_path.empty()) out += " --schema " + config.schema_path;
    return out + " (with this run's --config / database settings)";
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// What stays kept: the record's list plus this plan's removals, less what `schema` has again.
std::vector<std::string> kept_after(const std::string& recorded, const MigrationPlan& plan, const Schema& schema) {
    std::vector<std::string> all = lines_of(recorded);
    for (const MigrationStep& s : plan.steps)
        if (s.safety == MigrationSafety::KeepsData && std::find(all.begin(), all.end(), s.target()) == all.end())
            all.push_back(s.target());
    std::vector<std::string> out;
    for (const std::string& k : all) {
        const size_t dot = k.find('.');
        const Entity* e = schema.find(k.substr(0, dot));
        const bool back = e && (dot == std::string::npos || e->find_field(k.substr(dot + 1)));
        if (!back) out.push_back(k);
    }
    return out;
}

// Steps that `serve` and `import` do not apply themselves; `migrate --apply` converts
// types and renames entities (docs/DECISIONS.md §5.3, §5.4).
bool blocks_start(const MigrationStep& s, OpenPurpose purpose) {
    switch (s.kind) {
        case MigrationStepKind::RequireField:
            return false;  // decided after the count of documents without a value
        case MigrationStepKind::ConvertType:
        case MigrationStepKind::RenameEntity:
            return purpose != OpenPurpose::Apply;
        default:
            return s.safety == MigrationSafety::NeedsApply;
    }
}

// The field of the recorded schema that `s` (a ConvertType step) converts.
struct ConversionSides {
    const Entity* recorded_entity = nullptr;
    const Field* recorded_field = nullptr;
    const Entity* entity = nullptr;   // of the schema being migrated to
    const Field* field = nullptr;
};

ConversionSides conversion_sides(const MigrationStep& s, const Schema& recorded, const Schema& wanted) {
    ConversionSides out;
    out.entity = wanted.find(s.entity);
    out.field = out.entity ? out.entity->find_field(s.field) : nullptr;
    out.recorded_entity = recorded.find(s.entity);
    if (out.recorded_entity && out.field) {
        out.recorded_field = out.recorded_entity->find_field(s.field);
        if (!out.recorded_field && !out.field->renamed_from.empty())
            out.recorded_field = out.recorded_entity->find_field(out.field->renamed_from);
    }
    return out;
}

// Every stored value of every converted field is checked before anything changes: the
// values that do not convert, one line each (bounded), or "" when all convert.
std::string unconvertible_report(const Config& config, const Schema& recorded, const Schema& wanted,
                                 const MigrationPlan& plan) {
    std::string out;
    std::unique_ptr<StorageDriver> reader;
    for (const MigrationStep& s : plan.steps) {
        if (s.kind != MigrationStepKind::ConvertType) continue;
        const ConversionSides sides = conversion_sides(s, recorded, wanted);
        if (!sides.recorded_field || !sides.field) continue;
        if (!reader) {
            reader = make_storage(config, recorded);
            reader->open_read_only();
        }
        ConversionCheck check;
        check.case_sensitive = config.case_sensitive;
        for (const auto& constraint : sides.entity->uniques)
            check.unique = check.unique || (constraint.size() == 1 && constraint.front() == sides.field);
        const UnconvertibleValues bad =
            find_unconvertible_values(*reader, *sides.recorded_entity, *sides.recorded_field, *sides.field, check);
        if (bad.count == 0) continue;
        out += "  " + s.target() + " (" + s.from + " -> " + s.to + "): " + std::to_string(bad.count) +
               " stored value(s) do not convert:\n";
        for (const UnconvertibleValue& v : bad.sample)
            out += "    id " + v.id + ": " + v.value + " (" + v.reason + ")\n";
        if (bad.count > static_cast<int64_t>(bad.sample.size()))
            out += "    ... and " + std::to_string(bad.count - static_cast<int64_t>(bad.sample.size())) + " more\n";
    }
    if (reader) reader->close();
    return out;
}

// "converting Member.visits: 1500/20000" on one terminal line, rewritten after each batch.
std::function<void(int64_t, int64_t)> progress_line(const std::string& target) {
    if (!::isatty(2)) return {};
    return [target](int64_t done, int64_t total) {
        std::fprintf(stderr, "\rconverting %s: %lld/%lld", target.c_str(), static_cast<long long>(done),
                     static_cast<long long>(total));
        if (done >= total) std::fprintf(stderr, "\n");
    };
}

void print_refusal(const std::string& headline, const std::string& in_database, const std::string& wanted,
                   const std::string& advice) {
    std::fprintf(stderr, "%s\n  the database holds: %s\n  this run's schema:  %s\n%s\n", headline.c_str(),
                 in_database.c_str(), wanted.c_str(), advice.c_str());
}

}  // namespace

SchemaSource schema_source_of(const Config& config) {
    if (config.schema_path.empty()) return {kBundledSource, std::string(Schema::bundled_text())};
    std::ifstream in(config.schema_path, std::ios::binary);
    if (!in) throw SchemaError({config.schema_path + ": cannot read the schema file"});
    std::ostringstream text;
    text << in.rdbuf();
    return {config.schema_path, text.str()};
}

GuardedStorage open_guarded(const Config& config, const Schema& schema, const SchemaSource& source,
                            OpenPurpose purpose, const GuardOptions& options) {
    GuardedStorage g;
    std::unique_ptr<StorageDriver> driver = make_storage(config, schema);
    driver->open_read_only();
    StoredSchemaState state = driver->stored_schema_state();
    // The login sessions' own storage (docs/DECISIONS.md §6.5) and the cascades' intent
    // records (§4.3) are not another schema's data.
    std::erase_if(state.others, [](const std::string& name) {
        return DatabaseSessionStore::holds_sessions(name) || CascadeIntentStore::holds_intents(name);
    });
    g.recorded = state.record;

    std::optional<Schema> recorded_schema;
    if (state.record && !state.record->text.empty()) {
        try {
            recorded_schema.emplace(Schema::load_text(state.record->text, state.record->source));
        } catch (const SchemaError&) {
            // A record this version cannot read counts as another schema.
        }
    }
    if (recorded_schema) g.recorded_entities = entity_names(*recorded_schema);
    const std::string fingerprint = schema_fingerprint(schema);
    g.verdict = judge_stored_schema(state, schema, fingerprint, recorded_schema ? &*recorded_schema : nullptr);

    const std::string wanted = describe_schema(source.source, fingerprint, "", entity_names(schema));
    const std::string held =
        state.record ? describe_schema(state.record->source, state.record->fingerprint, state.record->recorded_at,
                                       recorded_schema ? entity_names(*recorded_schema) : std::vector<std::string>{})
                     : "no schema record; tables/collections " + joined(state.others);
    const bool read_only = purpose == OpenPurpose::Export || purpose == OpenPurpose::Plan;

    switch (g.verdict) {
        case StoredSchemaVerdict::Foreign:
            if (!options.adopt && purpose != OpenPurpose::Plan) {
                print_refusal("refusing: the database holds another schema's data (docs/DECISIONS.md §5.1)", held,
                              wanted,
                              "Run with the database's own schema (--schema <its file>), point db_uri/db_name at "
                              "another database, or add --adopt to serve this schema here (the other data is left "
                              "as it is).");
                driver->close();
                return g;
            }
            if (!read_only) spdlog::warn("adopting a database of another schema (--adopt): {}", held);
            break;
        case StoredSchemaVerdict::Changed:
            g.plan = plan_migration(*recorded_schema, schema);
            if (purpose == OpenPurpose::Export && !options.adopt) {
                print_refusal("refusing to export: the database holds another version of this schema "
                              "(docs/DECISIONS.md §5.1)",
                              held, wanted,
                              "Export with the schema the database holds, or apply the change first (see " +
                                  command_hint(config, "migrate --plan") + "); --adopt exports with this schema anyway.");
                driver->close();
                return g;
            }
            break;
        case StoredSchemaVerdict::AdoptSilently:
            if (!read_only) spdlog::info("database of a previous release without a schema record: recording {}", wanted);
            break;
        case StoredSchemaVerdict::Fresh:
            g.empty_database = true;
            break;
        case StoredSchemaVerdict::Same:
            break;
    }
    if (read_only) {
        g.driver = std::move(driver);
        return g;
    }

    // Serve, import, apply: the steps the start cannot carry out stop it before anything changes.
    std::vector<const MigrationStep*> blocking;
    for (const MigrationStep& s : g.plan.steps)
        if (blocks_start(s, purpose)) blocking.push_back(&s);
    if (!blocking.empty()) {
        std::string lines;
        for (const MigrationStep* s : blocking) lines += "  " + describe_step(*s) + "\n";
        std::fprintf(stderr,
                     "refusing to %s: the schema changed in ways %s (docs/DECISIONS.md §5.4)\n"
                     "  the database holds: %s\n  this run's schema:  %s\n%s"
                     "The data is unchanged. %s The whole plan: `%s`.\n",
                     purpose == OpenPurpose::Apply ? "migrate" : "start",
                     purpose == OpenPurpose::Apply ? "this version does not carry out"
                                                   : "that need `events migrate --apply` (type changes, entity renames)",
                     held.c_str(), wanted.c_str(), lines.c_str(),
                     purpose == OpenPurpose::Apply
                         ? "Serve the schema the database holds, or export with it and import under the new schema "
                           "into a new database."
                         : ("`" + command_hint(config, "migrate --apply") +
                            "` converts the types after checking every stored value and renames the entities; serve "
                            "the schema the database holds meanwhile.")
                               .c_str(),
                     command_hint(config, "migrate --plan").c_str());
        driver->close();
        return g;
    }

    // Removals (`migrate --apply` only): each new one must be named by --drop, and --drop
    // names only removed data (docs/DECISIONS.md §5.4); refused before anything changes.
    std::vector<std::string> drops;
    if (purpose == OpenPurpose::Apply) {
        const std::vector<std::string> removed = kept_after(state.record ? state.record->kept : "", g.plan, schema);
        std::string unnamed, unknown;
        for (const MigrationStep& s : g.plan.steps)
            if (s.safety == MigrationSafety::KeepsData &&
                std::find(options.drops.begin(), options.drops.end(), s.target()) == options.drops.end())
                unnamed += " --drop " + s.target();
        for (const std::string& d : options.drops) {
            if (std::find(removed.begin(), removed.end(), d) == removed.end()) unknown += (unknown.empty() ? "" : ", ") + d;
            else if (std::find(drops.begin(), drops.end(), d) == drops.end()) drops.push_back(d);
        }
        if (!unknown.empty() || !unnamed.empty()) {
            if (!unknown.empty())
                std::fprintf(stderr,
                             "refusing to migrate: --drop names what is not removed data: %s (removed fields and "
                             "entities whose data is stored: %s; docs/DECISIONS.md §5.4)\nThe data is unchanged.\n",
                             unknown.c_str(), joined(removed).c_str());
            else
                std::fprintf(stderr,
                             "refusing to migrate: the schema removes fields or entities whose stored data `--apply` "
                             "would drop (docs/DECISIONS.md §5.4)\n  the database holds: %s\n  this run's schema:  "
                             "%s\nName each to drop its data:%s\nor serve the new schema instead: `events serve` "
                             "keeps removed data in the database and reports it. The data is unchanged.\n",
                             held.c_str(), wanted.c_str(), unnamed.c_str());
            driver->close();
            return g;
        }
    }

    // An entity renamed and a field of it converted in one run: the copy of a document
    // backend would write the old values under the new types. One step at a time.
    for (const MigrationStep& r : g.plan.steps) {
        if (r.kind != MigrationStepKind::RenameEntity) continue;
        for (const MigrationStep& c : g.plan.steps)
            if (c.kind == MigrationStepKind::ConvertType && c.entity == r.entity) {
                std::fprintf(stderr,
                             "refusing to migrate: %s is renamed from %s and %s changes type in the same run "
                             "(docs/DECISIONS.md §5.4). Rename first (a schema with the new name and the old "
                             "types), then change the type. The data is unchanged.\n",
                             r.entity.c_str(), r.from.c_str(), c.target().c_str());
                driver->close();
                return g;
            }
    }

    // Type changes (`migrate --apply` only): refused as a whole, before anything changes,
    // when the backend cannot carry them out or some stored value does not convert.
    const bool converts = std::any_of(g.plan.steps.begin(), g.plan.steps.end(),
                                      [](const MigrationStep& s) { return s.kind == MigrationStepKind::ConvertType; });
    if (converts) {
        if (!driver->capabilities().converts_field_types) {
            for (const MigrationStep& s : g.plan.steps) {
                if (s.kind != MigrationStepKind::ConvertType) continue;
                const ConversionSides sides = conversion_sides(s, *recorded_schema, schema);
                try {
                    FieldConversion refused;
                    refused.from = sides.recorded_field->type;
                    driver->convert_field(*sides.entity, *sides.field, refused);
                } catch (const NotSupported& e) {
                    std::fprintf(stderr, "refusing to migrate: %s (docs/DECISIONS.md §5.4)\nThe data is unchanged.\n",
                                 e.what());
                }
                break;
            }
            driver->close();
            return g;
        }
        const std::string unconvertible = unconvertible_report(config, *recorded_schema, schema, g.plan);
        if (!unconvertible.empty()) {
            std::fprintf(stderr,
                         "refusing to migrate: some stored values do not convert to their field's new type "
                         "(docs/DECISIONS.md §5.4)\n  the database holds: %s\n  this run's schema:  %s\n%s"
                         "Nothing was changed. Give those documents values that convert (under the schema the "
                         "database holds), or change the schema, and run it again.\n",
                         held.c_str(), wanted.c_str(), unconvertible.c_str());
            driver->close();
            return g;
        }
    }

    for (const MigrationStep& s : g.plan.steps)
        if (s.kind == MigrationStepKind::RenameEntity) {
            const Entity* was = recorded_schema->find(s.from);
            const Entity* now = schema.find(s.entity);
            if (!was || !now) continue;
            driver->rename_entity(*was, *now, options.batch);
            spdlog::info("schema change applied: {}", describe_step(s));
        }
    for (const MigrationStep& s : g.plan.steps)
        if (s.kind == MigrationStepKind::RenameField)
            if (const Entity* e = schema.find(s.entity)) driver->rename_field(*e, s.from, s.field);
    for (const std::string& target : drops) {
        const size_t dot = target.find('.');
        if (dot == std::string::npos) {
            driver->drop_entity(target);
        } else if (const Entity* e = schema.find(target.substr(0, dot))) {
            driver->drop_field(*e, target.substr(dot + 1));
        } else {
            Entity gone;   // a field of a removed entity that stays
            gone.name = target.substr(0, dot);
            driver->drop_field(gone, target.substr(dot + 1));
        }
        spdlog::info("schema change applied: {} dropped with its data", target);
    }
    for (const MigrationStep& s : g.plan.steps) {
        if (s.kind != MigrationStepKind::ConvertType) continue;
        const ConversionSides sides = conversion_sides(s, *recorded_schema, schema);
        FieldConversion conversion;
        conversion.from = sides.recorded_field->type;
        const Field& to = *sides.field;
        conversion.convert = [&to, from = conversion.from](const boost::json::value& v) {
            ConvertedValue c = convert_stored_value(v, from, to);
            // Checked above; a value written since then that does not convert stops the run here.
            if (c.failure) throw std::runtime_error("a value of " + to.name + " written during the migration does not convert: " + *c.failure);
            return std::move(c.value);
        };
        conversion.progress = progress_line(s.target());
        conversion.batch = options.batch;
        driver->convert_field(*sides.entity, to, conversion);
        spdlog::info("schema change applied: {}", describe_step(s));
    }
    driver->open();   // the safe steps: new entities, fields, uniques, indexes (docs/DECISIONS.md §5.3)

    std::string require_failures;
    for (const MigrationStep& s : g.plan.steps) {
        const Entity* e = schema.find(s.entity);
        const Field* f = e ? e->find_field(s.field) : nullptr;
        if (!f) continue;
        if (s.kind == MigrationStepKind::BackfillDefault && f->default_value) {
            const int64_t n = backfill_field(*driver, *e, *f, *f->default_value);
            spdlog::info("schema change: {} set to its default {} on {} existing document(s)", s.target(), s.to, n);
        } else if (s.kind == MigrationStepKind::RequireField) {
            const MissingValues m = find_missing_values(*driver, *e, *f);
            if (m.count > 0)
                require_failures += "  " + s.target() + " is now required: " + std::to_string(m.count) +
                                    " existing document(s) have no value (ids: " + joined(m.sample_ids) +
                                    (m.count > static_cast<int64_t>(m.sample_ids.size()) ? ", ..." : "") + ")\n";
        }
    }
    if (!require_failures.empty() && options.adopt) {
        // --adopt takes the documents as they are: reads warn about the missing values
        // (docs/API.md "Reads", read validation) and writes must supply them.
        spdlog::warn("serving with --adopt although documents lack a required value:\n{}", require_failures);
        require_failures.clear();
    }
    if (!require_failures.empty()) {
        std::fprintf(stderr,
                     "refusing to %s: a new required field has no value in existing documents (docs/DECISIONS.md §5.4)\n"
                     "  the database holds: %s\n  this run's schema:  %s\n%sGive the field a `default` (it is then "
                     "filled in), give those documents a value under the schema the database holds, or add --adopt "
                     "to serve them as they are (reads warn about the missing values).\n",
                     purpose == OpenPurpose::Apply ? "migrate" : "start", held.c_str(), wanted.c_str(),
                     require_failures.c_str());
        driver->close();
        return g;
    }
    g.kept = kept_after(state.record ? state.record->kept : "", g.plan, schema);
    std::erase_if(g.kept, [&](const std::string& k) { return std::find(drops.begin(), drops.end(), k) != drops.end(); });
    for (const std::string& k : g.kept)
        spdlog::warn("{} is no longer in the schema: its data is kept in the database", k);
    for (const MigrationStep& s : g.plan.steps)
        if (s.safety == MigrationSafety::Safe && s.kind != MigrationStepKind::BackfillDefault)
            spdlog::info("schema change applied: {}", describe_step(s));
    if (g.verdict != StoredSchemaVerdict::Same || !drops.empty()) {
        SchemaRecord record = make_schema_record(schema, source.text, source.source);
        for (const std::string& k : g.kept) record.kept += k + "\n";
        driver->record_schema(record);
    }
    g.driver = std::move(driver);
    return g;
}

}  // namespace events
