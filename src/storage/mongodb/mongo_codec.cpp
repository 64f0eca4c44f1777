#include "storage/mongodb/mongo_codec.h"

#include "core/comparison_form.h"
#include "core/value_format.h"
#include "storage/document/json_field_encoding.h"
#include "storage/document/unique_key.h"
#include "storage/mongodb/mongo_layout.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace events::mongo {

namespace json = boost::json;

namespace {

void append_string(bson_t* out, const std::string& key, std::string_view s) {
    bson_append_utf8(out, key.data(), static_cast<int>(key.size()), s.data(), static_cast<int>(s.size()));
}

double number_of(const json::value& v) {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return 0;
}

// A numeric BSON value as a double (decimal128 through its text: exact for the values
// the canonical form can hold).
std::optional<double> numeric(const bson_iter_t* it) {
    switch (bson_iter_type(it)) {
        case BSON_TYPE_DOUBLE: return bson_iter_double(it);
        case BSON_TYPE_INT32: return static_cast<double>(bson_iter_int32(it));
        case BSON_TYPE_INT64: return static_cast<double>(bson_iter_int64(it));
        case BSON_TYPE_DECIMAL128: {
            bson_decimal128_t d;
            bson_iter_decimal128(it, &d);
            char text[BSON_DECIMAL128_STRING];
            bson_decimal128_to_string(&d, text);
            char* end = nullptr;
            double v = std::strtod(text, &end);
            if (end == text || !std::isfinite(v)) return std::nullopt;
            return v;
        }
        default: return std::nullopt;
    }
}

std::string_view utf8_of(const bson_iter_t* it) {
    uint32_t len = 0;
    const char* s = bson_iter_utf8(it, &len);
    return {s, len};
}

json::value decode_value(const Field& f, const bson_iter_t* it) {
    const bson_type_t t = bson_iter_type(it);
    if (t == BSON_TYPE_NULL || t == BSON_TYPE_UNDEFINED) return nullptr;
    switch (f.type) {
        case FieldType::String:
        case FieldType::ObjectId:
            if (t == BSON_TYPE_UTF8) return json::string(utf8_of(it));
            if (t == BSON_TYPE_OID) {
                char hex[25];
                bson_oid_to_string(bson_iter_oid(it), hex);
                return json::string(hex);
            }
            return to_json(it);
        case FieldType::Integer:
            if (t == BSON_TYPE_INT64) return bson_iter_int64(it);
            if (t == BSON_TYPE_INT32) return static_cast<int64_t>(bson_iter_int32(it));
            if (auto d = numeric(it)) {
                if (std::trunc(*d) == *d && std::fabs(*d) < 9.2e18) return static_cast<int64_t>(*d);
                return *d;
            }
            return to_json(it);
        case FieldType::Number:
        case FieldType::Currency:
            if (auto d = numeric(it)) return *d;
            return to_json(it);
        case FieldType::Boolean:
            if (t == BSON_TYPE_BOOL) return bson_iter_bool(it);
            return to_json(it);
        case FieldType::Date:
        case FieldType::Datetime: {
            std::optional<std::string> text;
            if (t == BSON_TYPE_DATE_TIME) {
                const int64_t ms = bson_iter_date_time(it);
                text = f.type == FieldType::Date ? format_date(ms) : format_datetime(ms);
            } else if (t == BSON_TYPE_UTF8) {
                text = f.type == FieldType::Date ? canonical_date(utf8_of(it)) : canonical_datetime(utf8_of(it));
                if (!text) return json::string(utf8_of(it));
            }
            if (text) return json::string(*text);
            return to_json(it);
        }
        case FieldType::Json: return decode_json_field(to_json(it));   // docs/DECISIONS.md §4.6
        case FieldType::StringArray: return to_json(it);
    }
    return nullptr;
}

}  // namespace

void append_value(bson_t* out, const std::string& key, const Field& f, const json::value& v, const CodecOptions& o) {
    const char* k = key.c_str();
    const int klen = static_cast<int>(key.size());
    if (v.is_null()) {
        bson_append_null(out, k, klen);
        return;
    }
    switch (f.type) {
        case FieldType::Integer:
            if (v.is_int64()) bson_append_int64(out, k, klen, v.get_int64());
            else if (v.is_uint64()) bson_append_double(out, k, klen, static_cast<double>(v.get_uint64()));
            else bson_append_double(out, k, klen, number_of(v));
            return;
        case FieldType::Number:
            bson_append_double(out, k, klen, number_of(v));
            return;
        case FieldType::Currency: {
            const double d = number_of(v);
            bson_decimal128_t dec;
            if (o.decimal128 && std::isfinite(d) && bson_decimal128_from_string(format_number(d).c_str(), &dec)) {
                bson_append_decimal128(out, k, klen, &dec);
            } else {
                bson_append_double(out, k, klen, d);
            }
            return;
        }
        case FieldType::Boolean:
            if (v.is_bool()) bson_append_bool(out, k, klen, v.get_bool());
            else append_json(out, key, v);
            return;
        case FieldType::Date:
        case FieldType::Datetime:
            if (v.is_string()) {
                if (auto ms = parse_timestamp_ms(v.get_string())) {
                    bson_append_date_time(out, k, klen, *ms);
                    return;
                }
            }
            append_json(out, key, v);
            return;
        case FieldType::Json:
            // Keys BSON cannot hold and integers above 2^63 - 1, reversibly (docs/DECISIONS.md §4.6).
            append_json(out, key, encode_json_field(v));
            return;
        default:
            append_json(out, key, v);
            return;
    }
}

void encode_shadows(const Entity& e, const json::object& doc, const CodecOptions& o, bson_t* set,
                    std::vector<std::string>& unset) {
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        const json::value* v = doc.if_contains(f.name);
        const bool null = !v || v->is_null();
        if (f.is_text()) {
            const std::string name = form_field(f);
            if (null || !v->is_string()) bson_append_null(set, name.c_str(), static_cast<int>(name.size()));
            else append_string(set, name, comparison_form(v->get_string(), o.case_sensitive));
        } else if (has_form_field(f)) {
            const std::string name = form_field(f);
            if (null || !v->is_number()) bson_append_null(set, name.c_str(), static_cast<int>(name.size()));
            else bson_append_double(set, name.c_str(), static_cast<int>(name.size()), number_of(*v));
        }
        const std::string flag = null_field(f);
        bson_append_bool(set, flag.c_str(), static_cast<int>(flag.size()), null);
    }
    for (const auto& constraint : e.uniques) {
        const std::string name = unique_field(constraint);
        if (std::optional<std::string> key = unique_key(constraint, doc, o.case_sensitive)) append_string(set, name, *key);
        else unset.push_back(name);
    }
    append_string(set, kSignatureField, layout_signature(e, o.case_sensitive));
}

void encode(const Entity& e, const json::object& doc, const CodecOptions& o, bson_t* out) {
    const json::value* id = doc.if_contains("id");
    append_string(out, "_id", id && id->is_string() ? std::string_view(id->get_string()) : std::string_view());
    static const json::value null_value;
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        const json::value* v = doc.if_contains(f.name);
        append_value(out, f.name, f, v ? *v : null_value, o);
    }
    std::vector<std::string> absent;   // a new document simply lacks them
    encode_shadows(e, doc, o, out, absent);
}

json::object decode(const Entity& e, const bson_t* stored) {
    json::object doc;
    doc.reserve(e.fields.size());
    doc["id"] = nullptr;
    for (const Field& f : e.fields)
        if (!f.is_id()) doc[f.name] = nullptr;
    bson_iter_t it;
    if (!bson_iter_init(&it, stored)) return doc;
    while (bson_iter_next(&it)) {
        const std::string_view key(bson_iter_key(&it), bson_iter_key_len(&it));
        if (key == "_id") {
            if (BSON_ITER_HOLDS_UTF8(&it)) doc["id"] = json::string(utf8_of(&it));
            else doc["id"] = decode_value(e.id_field(), &it);
            continue;
        }
        if (key.empty() || key.front() == '_') continue;   // shadow fields (and `_`-names of others)
        json::value* slot = doc.if_contains(key);
        if (!slot || key == "id") continue;
        const Field* f = nullptr;
        for (const Field& candidate : e.fields)
            if (candidate.name == key) f = &candidate;
        if (f) *slot = decode_value(*f, &it);
    }
    return doc;
}

json::value to_json(const bson_iter_t* src) {
    bson_iter_t it = *src;
    switch (bson_iter_type(&it)) {
        case BSON_TYPE_NULL:
        case BSON_TYPE_UNDEFINED: return nullptr;
        case BSON_TYPE_BOOL: return bson_iter_bool(&it);
        case BSON_TYPE_INT32: return static_cast<int64_t>(bson_iter_int32(&it));
        case BSON_TYPE_INT64: return bson_iter_int64(&it);
        case BSON_TYPE_DOUBLE: return bson_iter_double(&it);
        case BSON_TYPE_DECIMAL128: {
            auto d = numeric(&it);
            return d ? json::value(*d) : json::value(nullptr);
        }
        case BSON_TYPE_UTF8: return json::string(utf8_of(&it));
        case BSON_TYPE_DATE_TIME: return json::string(format_datetime(bson_iter_date_time(&it)));
        case BSON_TYPE_OID: {
            char hex[25];
            bson_oid_to_string(bson_iter_oid(&it), hex);
            return json::string(hex);
        }
        case BSON_TYPE_DOCUMENT: {
            json::object obj;
            bson_iter_t child;
            if (bson_iter_recurse(&it, &child))
                while (bson_iter_next(&child))
                    obj[std::string_view(bson_iter_key(&child), bson_iter_key_len(&child))] = to_json(&child);
            return obj;
        }
        case BSON_TYPE_ARRAY: {
            json::array arr;
            bson_iter_t child;
            if (bson_iter_recurse(&it, &child))
                while (bson_iter_next(&child)) arr.push_back(to_json(&child));
            return arr;
        }
        default: return nullptr;
    }
}

void append_json(bson_t* out, const std::string& key, const json::value& v) {
    const char* k = key.c_str();
    const int klen = static_cast<int>(key.size());
    switch (v.kind()) {
        case json::kind::null: bson_append_null(out, k, klen); return;
        case json::kind::bool_: bson_append_bool(out, k, klen, v.get_bool()); return;
        case json::kind::int64: bson_append_int64(out, k, klen, v.get_int64()); return;
        case json::kind::uint64: bson_append_double(out, k, klen, static_cast<double>(v.get_uint64())); return;
        case json::kind::double_: bson_append_double(out, k, klen, v.get_double()); return;
        case json::kind::string: append_string(out, key, v.get_string()); return;
        case json::kind::object: {
            bson_t child;
            bson_append_document_begin(out, k, klen, &child);
            for (const auto& kv : v.get_object()) append_json(&child, std::string(kv.key()), kv.value());
            bson_append_document_end(out, &child);
            return;
        }
        case json::kind::array: {
            bson_t child;
            bson_append_array_begin(out, k, klen, &child);
            size_t i = 0;
            for (const json::value& item : v.get_array()) append_json(&child, std::to_string(i++), item);
            bson_append_array_end(out, &child);
            return;
        }
    }
}

}  // namespace events::mongo
