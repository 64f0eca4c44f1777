#include "core/schema_record.h"

#include "tools/json_text.h"
#include "tools/short_hash.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace events {

namespace {

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string now_rfc3339() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool shares_an_entity(const Schema& wanted, const Schema& recorded) {
    for (const auto& e : wanted.entities()) {
        if (recorded.find(e->name)) return true;
        if (!e->renamed_from.empty() && recorded.find(e->renamed_from)) return true;
    }
    return false;
}

}  // namespace

std::string schema_fingerprint(const Schema& schema) {
    return hex64(fnv1a64(to_json_text(schema.metadata_entities())));
}

SchemaRecord make_schema_record(const Schema& schema, std::string text, std::string source) {
    return SchemaRecord{schema_fingerprint(schema), std::move(source), std::move(text), now_rfc3339()};
}

StoredSchemaVerdict judge_stored_schema(const StoredSchemaState& state, const Schema& wanted,
                                        const std::string& wanted_fingerprint, const Schema* recorded) {
    if (state.record) {
        if (state.record->fingerprint == wanted_fingerprint) return StoredSchemaVerdict::Same;
        if (recorded && shares_an_entity(wanted, *recorded)) return StoredSchemaVerdict::Changed;
        return StoredSchemaVerdict::Foreign;
    }
    if (!state.present.empty()) return StoredSchemaVerdict::AdoptSilently;
    if (!state.others.empty()) return StoredSchemaVerdict::Foreign;
    return StoredSchemaVerdict::Fresh;
}

std::string_view stored_schema_verdict_name(StoredSchemaVerdict verdict) {
    switch (verdict) {
        case StoredSchemaVerdict::Fresh: return "fresh";
        case StoredSchemaVerdict::Same: return "same";
        case StoredSchemaVerdict::AdoptSilently: return "adopt-silently";
        case StoredSchemaVerdict::Changed: return "changed";
        case StoredSchemaVerdict::Foreign: return "foreign";
    }
    return "unknown";
}

std::vector<std::string> entity_names(const Schema& schema) {
    std::vector<std::string> names;
    for (const auto& e : schema.entities()) names.push_back(e->name);
    return names;
}

std::string describe_schema(const std::string& source, const std::string& fingerprint,
                            const std::string& recorded_at, const std::vector<std::string>& entities) {
    std::string out = source + " (";
    if (!fingerprint.empty()) out += "fingerprint " + fingerprint;
    if (!recorded_at.empty()) out += (fingerprint.empty() ? "" : ", ") + std::string("recorded ") + recorded_at;
    if (!fingerprint.empty() || !recorded_at.empty()) out += "; ";
    out += "entities: ";
    for (size_t i = 0; i < entities.size(); ++i) out += (i ? ", " : "") + entities[i];
    if (entities.empty()) out += "none";
    return out + ")";
}

}  // namespace events
