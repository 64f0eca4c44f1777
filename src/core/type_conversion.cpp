#include "core/type_conversion.h"

#include "core/field_check.h"
#include "tools/json_text.h"


namespace events {

namespace json = boost::json;

namespace {

// A string as it is; any other value as the JSON text a response shows it as
// (tools/json_text.h: 2.5 -> "2.5", 1e30 -> "1e+30", docs/DECISIONS.md §2.7).
json::value text_form(const json::value& v) {
    if (v.is_string()) return v;
    return json::string(to_json_text(v));
}

}  // namespace

ConvertedValue convert_stored_value(const json::value& stored, FieldType from, const Field& to) {
    ConvertedValue out;
    if (stored.is_null()) return out;
    const json::value input = to.type == FieldType::String && from != FieldType::String ? text_form(stored) : stored;
    out.failure = check_field_value(to, input, out.value);
    if (out.failure) {
        out.value = nullptr;
        return out;
    }
    // A double holds integers exactly only up to 2^53: a larger one would come back changed.
    if (from == FieldType::Integer && stored.is_int64() && out.value.is_double() &&
        (out.value.get_double() >= 9223372036854775808.0 ||
         static_cast<int64_t>(out.value.get_double()) != stored.get_int64())) {
        out.value = nullptr;
        out.failure = "Input should be an integer a number holds exactly (within ±2^53)";
    }
    return out;
}

}  // namespace events
