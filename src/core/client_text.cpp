#include "core/client_text.h"

#include "core/comparison_form.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

namespace events {

TextFault text_fault(std::string_view text) {
    if (text.find('\0') != std::string_view::npos) return TextFault::Nul;
    if (!is_valid_utf8(text)) return TextFault::InvalidUtf8;
    return TextFault::None;
}

TextFault json_text_fault(const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::string: {
            const boost::json::string& s = value.get_string();
            return std::string_view(s).find('\0') == std::string_view::npos ? TextFault::None : TextFault::Nul;
        }
        case boost::json::kind::array:
            for (const auto& item : value.get_array())
                if (json_text_fault(item) != TextFault::None) return TextFault::Nul;
            return TextFault::None;
        case boost::json::kind::object:
            for (const auto& kv : value.get_object())
                if (kv.key().find('\0') != std::string_view::npos || json_text_fault(kv.value()) != TextFault::None)
                    return TextFault::Nul;
            return TextFault::None;
        default:
            return TextFault::None;
    }
}

std::string text_fault_message(TextFault fault) {
    return fault == TextFault::Nul ? "must not contain the NUL character (U+0000)" : "must be valid UTF-8";
}

}  // namespace events
