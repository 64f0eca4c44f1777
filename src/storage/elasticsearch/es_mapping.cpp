#include "storage/elasticsearch/es_mapping.h"

#include "core/comparison_form.h"

#include <algorithm>
#include <cctype>

namespace events {

namespace json = boost::json;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// Lucene refuses terms over 32766 bytes; 8191 characters of up to 4 bytes stay below.
// Longer values are stored but not indexed (filters and sorts do not see them).
constexpr int kKeywordLimit = 8191;

json::object keyword() { return {{"type", "keyword"}, {"ignore_above", kKeywordLimit}}; }

json::object field_mapping(const Field& f) {
    switch (f.type) {
        case FieldType::Integer: return {{"type", "long"}};
        case FieldType::Number:
        case FieldType::Currency: return {{"type", "double"}};
        case FieldType::Boolean: return {{"type", "boolean"}};
        case FieldType::Date: return {{"type", "date"}, {"format", "strict_date"}};
        case FieldType::Datetime: return {{"type", "date"}, {"format", "strict_date_time"}};
        case FieldType::Json: return {{"type", "object"}, {"enabled", false}};
        default: return keyword();   // String, ObjectId, Array[String]
    }
}

}  // namespace

std::string es_index_name(std::string_view db_name, const Entity& e) {
    return lower(std::string(db_name) + "_" + e.name);
}

std::string es_claims_index_name(std::string_view db_name) { return lower(std::string(db_name) + "__uniques"); }

std::string es_index_prefix(std::string_view db_name) { return lower(std::string(db_name) + "_"); }

std::string es_meta_index_name(std::string_view db_name) { return lower(std::string(db_name) + "__meta"); }

json::object es_entity_mapping(const Entity& e) {
    json::object props;
    json::object cmp;
    for (const Field& f : e.fields) {
        props[f.name] = field_mapping(f);
        if (f.is_text() && !f.is_id()) cmp[f.name] = keyword();
    }
    props[kEsCmpField] = json::object{{"type", "object"}, {"dynamic", "strict"}, {"properties", std::move(cmp)}};
    return {{"dynamic", "strict"}, {"properties", std::move(props)}};
}

json::object es_claims_mapping() {
    // cid repeats the _id (a sort key for scans: sorting on _id is off in Elasticsearch 8);
    // entity + constraint name the constraint; owner is the id of the document holding
    // the value; key is the unique key itself (kept for reconciliation and reports).
    return {{"dynamic", "strict"},
            {"properties",
             {{"cid", {{"type", "keyword"}}},
              {"entity", {{"type", "keyword"}}},
              {"constraint", {{"type", "keyword"}}},
              {"owner", {{"type", "keyword"}}},
              {"key", {{"type", "keyword"}, {"index", false}, {"doc_values", false}}}}}};
}

json::object es_to_source(const Entity& e, const json::object& doc, bool case_sensitive) {
    json::object src;
    src.reserve(e.fields.size() + 1);
    json::object cmp;
    for (const Field& f : e.fields) {
        const json::value* v = doc.if_contains(f.name);
        if (!v || v->is_null()) continue;   // absent = null; `exists` queries find it so
        src[f.name] = *v;
        if (f.is_text() && !f.is_id() && v->is_string()) cmp[f.name] = comparison_form(v->get_string(), case_sensitive);
    }
    if (!cmp.empty()) src[kEsCmpField] = std::move(cmp);
    return src;
}

json::object es_from_source(const Entity& e, const json::object& source) {
    json::object out;
    out.reserve(e.fields.size());
    const json::value* id = source.if_contains("id");
    out["id"] = id ? *id : json::value();
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        const json::value* v = source.if_contains(f.name);
        if (!v) {
            out[f.name] = nullptr;
        } else if ((f.type == FieldType::Number || f.type == FieldType::Currency) && v->is_number()) {
            out[f.name] = v->to_number<double>();
        } else {
            out[f.name] = *v;
        }
    }
    return out;
}

}  // namespace events
