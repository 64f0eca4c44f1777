// What the files of the Elasticsearch driver share (es_driver.cpp, es_claims.cpp,
// es_write_txn.cpp, es_schema_record.cpp): the batch size, and the small readers of
// OpenSearch answers and of unique constraints that more than one of them uses. Private to
// storage/elasticsearch/; the driver's contract is es_driver.h.
#pragma once

#include "core/schema.h"
#include "storage/elasticsearch/es_mapping.h"
#include "tools/json_text.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace events::es {

namespace json = boost::json;

// Documents per _bulk request.
inline constexpr size_t kBulkBatch = 1000;

// The name of a unique constraint: its fields joined by "+".
inline std::string constraint_name(const std::vector<const Field*>& c) {
    std::string out;
    for (const Field* f : c) out += (out.empty() ? "" : "+") + f->name;
    return out;
}

// "type: reason" of an error answer, else the (shortened) answer itself.
inline std::string error_text(const json::value& answer) {
    if (const json::object* o = answer.if_object())
        if (const json::value* e = o->if_contains("error")) {
            if (const json::object* eo = e->if_object()) {
                std::string type = eo->contains("type") && eo->at("type").is_string() ? std::string(eo->at("type").get_string()) : "";
                std::string reason = eo->contains("reason") && eo->at("reason").is_string() ? std::string(eo->at("reason").get_string()) : "";
                return type + ": " + reason;
            }
            return to_json_text(*e);
        }
    return to_json_text(answer).substr(0, 300);
}

// An integer member of an answer (`fallback` when absent or not a number).
inline int64_t int_of(const json::value* v, int64_t fallback = -1) {
    if (!v) return fallback;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->get_double());
    return fallback;
}

// Members of an answer, or empty ones when absent. They take objects by reference (no
// temporaries: the results refer into the argument).
template <class T>
const T& member(const json::value* x) {
    static const T empty;
    if constexpr (std::is_same_v<T, json::object>) return x && x->is_object() ? x->get_object() : empty;
    else return x && x->is_array() ? x->get_array() : empty;
}
inline const json::object& obj(const json::object& o, std::string_view key) { return member<json::object>(o.if_contains(key)); }
inline const json::object& obj(const json::value& v, std::string_view key) {
    return member<json::object>(v.is_object() ? v.get_object().if_contains(key) : nullptr);
}
inline const json::array& arr(const json::object& o, std::string_view key) { return member<json::array>(o.if_contains(key)); }
inline const json::array& arr(const json::value& v, std::string_view key) {
    return member<json::array>(v.is_object() ? v.get_object().if_contains(key) : nullptr);
}

inline std::string str(const json::object& o, std::string_view key) {
    if (const json::value* x = o.if_contains(key); x && x->is_string()) return std::string(x->get_string());
    return {};
}
inline std::string str(const json::value& v, std::string_view key) { return v.is_object() ? str(v.get_object(), key) : ""; }

// Deleted so that a json::object never binds to the json::value overloads through a
// temporary copy.
const json::object& obj(json::value&&, std::string_view) = delete;
const json::array& arr(json::value&&, std::string_view) = delete;

// The "_source" of a search that reads documents without their comparison forms (es_mapping.h).
inline json::object source_excluding_cmp() { return {{"excludes", json::array{json::string(kEsCmpField)}}}; }

}  // namespace events::es
