#include "core/input_limits.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cmath>

namespace events {

namespace {

// Whether the UTF-8 text holds a C0 or C1 control character or DEL.
bool has_control_character(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F) return true;
        // U+0080-U+009F are encoded as C2 80 .. C2 9F.
        if (c == 0xC2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9F) return true;
        }
    }
    return false;
}

}  // namespace

std::optional<std::string> id_fault(std::string_view id) {
    if (id.size() > kMaxIdBytes) return "Id should have at most " + std::to_string(kMaxIdBytes) + " bytes";
    if (has_control_character(id)) return "Id should not contain control characters";
    return std::nullopt;
}

bool is_storable_id(std::string_view id) { return !id.empty() && !id_fault(id); }

bool has_non_finite_number(const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::double_: return !std::isfinite(value.get_double());
        case boost::json::kind::array:
            for (const auto& item : value.get_array())
                if (has_non_finite_number(item)) return true;
            return false;
        case boost::json::kind::object:
            for (const auto& kv : value.get_object())
                if (has_non_finite_number(kv.value())) return true;
            return false;
        default: return false;
    }
}

size_t count_code_points(std::string_view text) {
    size_t n = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace events
