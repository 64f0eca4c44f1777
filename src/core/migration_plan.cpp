#include "core/migration_plan.h"

#include "tools/json_text.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace events {

namespace {

namespace json = boost::json;

std::string field_list(const std::vector<const Field*>& fields) {
    std::string out;
    for (const Field* f : fields) out += (out.empty() ? "" : ", ") + f->name;
    return out;
}

std::string lower_list(const std::vector<const Field*>& fields) {
    std::string out;
    for (const Field* f : fields) out += (out.empty() ? "" : ",") + f->lower;
    return out;
}

bool has_list(const std::vector<std::vector<const Field*>>& lists, const std::string& key) {
    return std::any_of(lists.begin(), lists.end(), [&](const auto& l) { return lower_list(l) == key; });
}

std::string lower(std::string s);

// The recorded field a wanted field continues: same name, else its renamed_from, else,
// for a reference to a renamed entity, the reference to its former name (`authorId`
// follows Author renamed to Writer as `writerId`, docs/DECISIONS.md §5.3).
const Field* former_field(const Entity& old, const Field& f) {
    if (const Field* same = old.find_field(f.name)) return same;
    if (!f.renamed_from.empty()) return old.find_field(f.renamed_from);
    if (f.is_fk() && !f.fk_target->renamed_from.empty()) {
        const Field* was = old.find_field(f.fk_target->renamed_from + "Id");
        if (was && was->is_fk() && lower(was->fk_target->name) == lower(f.fk_target->renamed_from)) return was;
    }
    return nullptr;
}

const Entity* former_entity(const Schema& recorded, const Entity& e) {
    if (const Entity* same = recorded.find(e.name)) return same;
    if (!e.renamed_from.empty()) return recorded.find(e.renamed_from);
    return nullptr;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A recorded constraint's fields, each in its new spelling (a renamed field keeps its constraints).
std::string renamed_key(const std::vector<const Field*>& old_fields, const Entity& wanted) {
    std::string out;
    for (const Field* f : old_fields) {
        std::string name = f->lower;
        for (const Field& w : wanted.fields)
            if (!w.renamed_from.empty() && lower(w.renamed_from) == f->lower) name = w.lower;
        out += (out.empty() ? "" : ",") + name;
    }
    return out;
}

void plan_lists(MigrationPlan& plan, const Entity& old, const Entity& e, bool unique) {
    const auto& old_lists = unique ? old.uniques : old.indexes;
    const auto& new_lists = unique ? e.uniques : e.indexes;
    std::vector<std::string> old_keys;
    for (const auto& l : old_lists) old_keys.push_back(renamed_key(l, e));
    for (const auto& l : new_lists)
        if (std::find(old_keys.begin(), old_keys.end(), lower_list(l)) == old_keys.end())
            plan.steps.push_back({unique ? MigrationStepKind::AddUnique : MigrationStepKind::AddIndex,
                                  MigrationSafety::Safe, e.name, "", "", field_list(l)});
    for (size_t i = 0; i < old_lists.size(); ++i)
        if (!has_list(new_lists, old_keys[i]))
            plan.steps.push_back({unique ? MigrationStepKind::DropUnique : MigrationStepKind::DropIndex,
                                  MigrationSafety::Safe, e.name, "", "", field_list(old_lists[i])});
}

void plan_fields(MigrationPlan& plan, const Entity& old, const Entity& e) {
    std::vector<const Field*> continued;
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        const Field* was = former_field(old, f);
        if (!was) {
            if (f.default_value) {
                plan.steps.push_back({MigrationStepKind::AddField, MigrationSafety::Safe, e.name, f.name});
                plan.steps.push_back({MigrationStepKind::BackfillDefault, MigrationSafety::Safe, e.name, f.name, "",
                                      to_json_text(*f.default_value)});
            } else if (f.required && !f.auto_generate && !f.auto_update) {
                plan.steps.push_back({MigrationStepKind::AddField, MigrationSafety::Safe, e.name, f.name});
                plan.steps.push_back({MigrationStepKind::RequireField, MigrationSafety::NeedsApply, e.name, f.name});
            } else {
                plan.steps.push_back({MigrationStepKind::AddField, MigrationSafety::Safe, e.name, f.name});
            }
            continue;
        }
        continued.push_back(was);
        if (was->name != f.name)
            plan.steps.push_back({MigrationStepKind::RenameField, MigrationSafety::Safe, e.name, f.name, was->name});
        if (was->type != f.type) {
            const bool lossless = converts_losslessly(was->type, f.type);
            // Lossless or not, stored values must be rewritten (column types, value forms), which
            // takes `events migrate --apply` after every stored value is checked
            // (docs/DECISIONS.md §5.4).
            MigrationStep s{MigrationStepKind::ConvertType, MigrationSafety::NeedsApply,
                            e.name, f.name, std::string(type_name(was->type)), std::string(type_name(f.type))};
            s.lossless = lossless;
            plan.steps.push_back(s);
        }
        if (f.required && !was->required && !f.default_value && !f.auto_generate && !f.auto_update)
            plan.steps.push_back({MigrationStepKind::RequireField, MigrationSafety::NeedsApply, e.name, f.name});
        else if (f.required && !was->required && f.default_value)
            plan.steps.push_back({MigrationStepKind::BackfillDefault, MigrationSafety::Safe, e.name, f.name, "",
                                  to_json_text(*f.default_value)});
    }
    for (const Field& f : old.fields)
        if (!f.is_id() && std::find(continued.begin(), continued.end(), &f) == continued.end())
            plan.steps.push_back({MigrationStepKind::DropField, MigrationSafety::KeepsData, e.name, f.name});
}

}  // namespace

std::vector<const MigrationStep*> MigrationPlan::needing_apply() const {
    std::vector<const MigrationStep*> out;
    for (const MigrationStep& s : steps)
        if (s.safety == MigrationSafety::NeedsApply) out.push_back(&s);
    return out;
}

bool converts_losslessly(FieldType from, FieldType to) {
    using T = FieldType;
    if (from == to) return true;
    switch (to) {
        case T::String: return from != T::Json && from != T::StringArray;   // every scalar and id has a text form
        case T::Number: return from == T::Integer || from == T::Currency;
        case T::Currency: return from == T::Integer;
        case T::Datetime: return from == T::Date;   // midnight UTC
        case T::Json: return false;                 // JSON fields hold objects (core/field_check.h)
        case T::StringArray: return false;
        default: return false;
    }
}

MigrationPlan plan_migration(const Schema& recorded, const Schema& wanted) {
    MigrationPlan plan;
    std::vector<const Entity*> continued;
    for (const auto& e : wanted.entities()) {
        const Entity* old = former_entity(recorded, *e);
        if (!old) {
            plan.steps.push_back({MigrationStepKind::AddEntity, MigrationSafety::Safe, e->name});
            continue;
        }
        continued.push_back(old);
        if (old->name != e->name)
            // A table rename touches every foreign key and backend-side object of the
            // entity: `events migrate --apply` carries it out, `serve` does not.
            plan.steps.push_back({MigrationStepKind::RenameEntity, MigrationSafety::NeedsApply, e->name, "", old->name});
        plan_fields(plan, *old, *e);
        plan_lists(plan, *old, *e, true);
        plan_lists(plan, *old, *e, false);
    }
    for (const auto& old : recorded.entities())
        if (std::find(continued.begin(), continued.end(), old.get()) == continued.end())
            plan.steps.push_back({MigrationStepKind::DropEntity, MigrationSafety::KeepsData, old->name});
    return plan;
}

std::string_view step_kind_name(MigrationStepKind kind) {
    switch (kind) {
        case MigrationStepKind::AddEntity: return "add-entity";
        case MigrationStepKind::AddField: return "add-field";
        case MigrationStepKind::BackfillDefault: return "backfill-default";
        case MigrationStepKind::AddUnique: return "add-unique";
        case MigrationStepKind::DropUnique: return "drop-unique";
        case MigrationStepKind::AddIndex: return "add-index";
        case MigrationStepKind::DropIndex: return "drop-index";
        case MigrationStepKind::RenameEntity: return "rename-entity";
        case MigrationStepKind::RenameField: return "rename-field";
        case MigrationStepKind::ConvertType: return "convert-type";
        case MigrationStepKind::RequireField: return "require-field";
        case MigrationStepKind::DropField: return "drop-field";
        case MigrationStepKind::DropEntity: return "drop-entity";
    }
    return "unknown";
}

std::string_view safety_name(MigrationSafety safety) {
    switch (safety) {
        case MigrationSafety::Safe: return "safe";
        case MigrationSafety::NeedsApply: return "needs-apply";
        case MigrationSafety::KeepsData: return "keeps-data";
    }
    return "unknown";
}

std::string describe_step(const MigrationStep& s) {
    const std::string t = s.target();
    switch (s.kind) {
        case MigrationStepKind::AddEntity: return "add entity " + t;
        case MigrationStepKind::AddField: return "add field " + t + " (existing documents read null)";
        case MigrationStepKind::BackfillDefault: return "backfill " + t + " = " + s.to + " on existing documents where it is null";
        case MigrationStepKind::AddUnique: return "add unique constraint " + t + " [" + s.to + "] (refused if stored values repeat)";
        case MigrationStepKind::DropUnique: return "drop unique constraint " + t + " [" + s.to + "]";
        case MigrationStepKind::AddIndex: return "add index " + t + " [" + s.to + "]";
        case MigrationStepKind::DropIndex: return "drop index " + t + " [" + s.to + "]";
        case MigrationStepKind::RenameEntity: return "rename entity " + s.from + " -> " + t + " (documents carried over)";
        case MigrationStepKind::RenameField:
            return "rename field " + s.entity + "." + s.from + " -> " + t + " (values carried over)";
        case MigrationStepKind::ConvertType:
            return "convert " + t + " from " + s.from + " to " + s.to +
                   (s.lossless ? " (lossless)" : " (some values may not convert: every stored value is checked)");
        case MigrationStepKind::RequireField:
            return "require " + t + " (refused while existing documents hold no value: give it a default, fill the values "
                                     "under the old schema, or start with --adopt; docs/SCHEMA.md \"Changing a schema\")";
        case MigrationStepKind::DropField:
            return "field " + t + " is no longer in the schema: its values are kept";
        case MigrationStepKind::DropEntity:
            return "entity " + t + " is no longer in the schema: its documents are kept";
    }
    return t;
}

std::string plan_text(const MigrationPlan& plan) {
    if (plan.empty()) return "no changes\n";
    std::string out;
    const std::pair<MigrationSafety, const char*> sections[] = {
        {MigrationSafety::Safe, "Applied by `events serve` at start-up:"},
        {MigrationSafety::NeedsApply, "Refused by `events serve` (a required field only while documents lack a value; `events migrate --apply` converts types after checking every stored value and renames entities):"},
        {MigrationSafety::KeepsData, "Kept in the database and reported by start-up and /api/db/report (`events migrate --apply` refuses unless each is named: `--drop Entity.field`, `--drop Entity` drop the data):"},
    };
    for (const auto& [safety, heading] : sections) {
        std::string lines;
        for (const MigrationStep& s : plan.steps)
            if (s.safety == safety) lines += "  " + describe_step(s) + "\n";
        if (lines.empty()) continue;
        out += std::string(out.empty() ? "" : "\n") + heading + "\n" + lines;
    }
    return out;
}

boost::json::object plan_json(const MigrationPlan& plan) {
    json::array steps;
    for (const MigrationStep& s : plan.steps) {
        json::object o;
        o["kind"] = step_kind_name(s.kind);
        o["safety"] = safety_name(s.safety);
        o["entity"] = s.entity;
        o["field"] = s.field.empty() ? json::value(nullptr) : json::value(s.field);
        o["from"] = s.from.empty() ? json::value(nullptr) : json::value(s.from);
        o["to"] = s.to.empty() ? json::value(nullptr) : json::value(s.to);
        if (s.kind == MigrationStepKind::ConvertType) o["lossless"] = s.lossless;
        o["description"] = describe_step(s);
        steps.push_back(std::move(o));
    }
    return json::object{{"steps", std::move(steps)}};
}

}  // namespace events
