// EsDriver's schema record (docs/DECISIONS.md §5.1, core/schema_record.h), the document
// "schema" of the index "<db_name>__meta", and the schema changes that rewrite stored
// documents (rename_field). Apart from es_driver.cpp because they concern the schema's
// history, not the documents an API request reads or writes.
#include "storage/elasticsearch/es_driver.h"

#include "storage/elasticsearch/es_mapping.h"
#include "storage/elasticsearch/es_support.h"
#include "tools/json_text.h"
#include "tools/url_encode.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace events {

namespace json = boost::json;
using namespace es;

StoredSchemaState EsDriver::stored_schema_state() {
    StoredSchemaState state;
    const json::value listed =
        call("GET", "/_cat/indices/" + url_encode(es_index_prefix(options_.db_name)) + "*?format=json&h=index", {}, {200, 404});
    std::set<std::string> names;
    if (listed.is_array())
        for (const json::value& row : listed.get_array()) names.insert(str(row, "index"));
    for (const auto& e : schema_.entities())
        if (names.count(index(*e))) state.present.push_back(e->name);
    int status = 0;
    const json::value answer =
        call("GET", "/" + url_encode(es_meta_index_name(options_.db_name)) + "/_doc/schema", {}, {200, 404}, &status);
    if (status == 200 && answer.is_object() && answer.get_object().contains("_source")) {
        const json::object& src = obj(answer, "_source");
        SchemaRecord r{str(src, "fingerprint"), str(src, "source"), str(src, "text"), str(src, "recorded_at"),
                       str(src, "kept")};
        if (!r.fingerprint.empty()) state.record = std::move(r);
    }
    return state;
}

void EsDriver::rename_field(const Entity& e, const std::string& from, const std::string& to) {
    // The new field's mapping first: the documents gain it below.
    ensure_index(index(e), es_entity_mapping(e));
    // Rewritten with _bulk rather than _update_by_query, which needs the reindex module
    // that not every OpenSearch installation has. Documents whose value is null keep the
    // old key with null: they read null under the new name either way.
    json::object body{{"query", {{"exists", {{"field", from}}}}},
                      {"sort", json::array{json::object{{"id", "asc"}}}}};
    const std::vector<json::object> hits = search_all(index(e), std::move(body), 0, -1, nullptr);
    for (size_t i = 0; i < hits.size(); i += kBulkBatch) {
        std::string bulk;
        for (size_t j = i; j < std::min(hits.size(), i + kBulkBatch); ++j) {
            json::object src = obj(hits[j], "_source");
            if (json::value* v = src.if_contains(from)) {
                src[to] = *v;
                src.erase(from);
            }
            if (json::value* cmp = src.if_contains(kEsCmpField); cmp && cmp->is_object())
                if (json::value* v = cmp->get_object().if_contains(from)) {
                    cmp->get_object()[to] = *v;
                    cmp->get_object().erase(from);
                }
            bulk += to_json_text(json::object{{"index", {{"_index", index(e)}, {"_id", str(hits[j], "_id")}}}}) + "\n" +
                    to_json_text(src) + "\n";
        }
        const json::value answer = call("POST", "/_bulk?refresh=true", bulk, {200});
        if (answer.is_object() && answer.get_object().if_contains("errors") && answer.at("errors").is_bool() &&
            answer.at("errors").get_bool())
            throw StorageUnavailable("elasticsearch: renaming " + e.name + "." + from + " failed: " + error_text(answer));
    }
    spdlog::info("elasticsearch: {}.{} renamed to {} in {} document(s)", e.name, from, to, hits.size());
}

void EsDriver::rename_entity(const Entity& recorded, const Entity& renamed, int64_t batch) {
    ensure_index(index(renamed), es_entity_mapping(renamed));
    StorageDriver::rename_entity(recorded, renamed, batch);
}

void EsDriver::drop_field(const Entity& e, const std::string& field) {
    // As rename_field(): rewritten with _bulk. The mapping keeps the field (an index
    // cannot unmap one); no document holds it any more.
    json::object body{{"query", {{"exists", {{"field", field}}}}}, {"sort", json::array{json::object{{"id", "asc"}}}}};
    const std::vector<json::object> hits = search_all(index(e), std::move(body), 0, -1, nullptr);
    for (size_t i = 0; i < hits.size(); i += kBulkBatch) {
        std::string bulk;
        for (size_t j = i; j < std::min(hits.size(), i + kBulkBatch); ++j) {
            json::object src = obj(hits[j], "_source");
            src.erase(field);
            if (json::value* cmp = src.if_contains(kEsCmpField); cmp && cmp->is_object()) cmp->get_object().erase(field);
            bulk += to_json_text(json::object{{"index", {{"_index", index(e)}, {"_id", str(hits[j], "_id")}}}}) + "\n" +
                    to_json_text(src) + "\n";
        }
        const json::value answer = call("POST", "/_bulk?refresh=true", bulk, {200});
        if (answer.is_object() && answer.get_object().if_contains("errors") && answer.at("errors").is_bool() &&
            answer.at("errors").get_bool())
            throw StorageUnavailable("elasticsearch: dropping " + e.name + "." + field + " failed: " + error_text(answer));
    }
    spdlog::info("elasticsearch: dropped {}.{} from {} document(s)", e.name, field, hits.size());
}

void EsDriver::drop_entity(const std::string& name) {
    Entity dropped;
    dropped.name = name;
    call("DELETE", "/" + url_encode(index(dropped)), {}, {200, 404});
    spdlog::info("elasticsearch: deleted the index of {} and its documents", name);
}

void EsDriver::convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) {
    throw NotSupported("Elasticsearch and OpenSearch cannot change the type a field of an index is mapped with, and "
                       "this version does not reindex " + e.name + " into a new index to convert " + field.name +
                       " from " + std::string(type_name(conversion.from)) + " to " +
                       std::string(type_name(field.type)) +
                       ": export with the schema the database holds, and import under the new schema into a new "
                       "database (docs/SCHEMA.md \"Changing a schema\")");
}

void EsDriver::record_schema(const SchemaRecord& record) {
    const std::string meta = es_meta_index_name(options_.db_name);
    // Stored, not indexed: the record is only ever read by id.
    ensure_index(meta, json::object{{"dynamic", false}, {"properties", json::object{}}});
    const json::object doc{{"fingerprint", record.fingerprint},
                           {"source", record.source},
                           {"text", record.text},
                           {"recorded_at", record.recorded_at},
                           {"kept", record.kept}};
    call("PUT", "/" + url_encode(meta) + "/_doc/schema?refresh=true", to_json_text(doc), {200, 201});
}

}  // namespace events
