#include "storage/document/json_field_encoding.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace events {

namespace json = boost::json;

namespace {

// U+E000, a private-use character: no key a client means as text begins with it by chance,
// and one that does is encoded too, so the encoding stays reversible.
constexpr std::string_view kMarker = "\xEE\x80\x80";
const std::string kUint64Key = std::string(kMarker) + "uint64";

bool needs_encoding(std::string_view key) {
    return key.empty() || key.front() == '$' || key.find('.') != std::string_view::npos || key.starts_with(kMarker);
}

std::string encode_key(std::string_view key) {
    if (!needs_encoding(key)) return std::string(key);
    std::string out(kMarker);
    for (char c : key) {
        if (c == '%') out += "%25";
        else if (c == '.') out += "%2E";
        else if (c == '$') out += "%24";
        else out += c;
    }
    return out;
}

std::string decode_key(std::string_view key) {
    if (!key.starts_with(kMarker)) return std::string(key);
    key.remove_prefix(kMarker.size());
    std::string out;
    for (size_t i = 0; i < key.size(); ++i) {
        const std::string_view escape = key[i] == '%' ? key.substr(i + 1, 2) : std::string_view();
        const char plain = escape == "25" ? '%' : escape == "2E" ? '.' : escape == "24" ? '$' : '\0';
        if (plain != '\0') {
            out += plain;
            i += 2;
        } else {
            out += key[i];
        }
    }
    return out;
}

}  // namespace

json::value encode_json_field(const json::value& contents) {
    switch (contents.kind()) {
        case json::kind::uint64:
            if (contents.get_uint64() > static_cast<uint64_t>(INT64_MAX))
                return json::object{{kUint64Key, std::to_string(contents.get_uint64())}};
            return static_cast<int64_t>(contents.get_uint64());
        case json::kind::object: {
            json::object out;
            out.reserve(contents.get_object().size());
            for (const auto& kv : contents.get_object()) out[encode_key(kv.key())] = encode_json_field(kv.value());
            return out;
        }
        case json::kind::array: {
            json::array out;
            out.reserve(contents.get_array().size());
            for (const json::value& item : contents.get_array()) out.push_back(encode_json_field(item));
            return out;
        }
        default: return contents;
    }
}

json::value decode_json_field(const json::value& stored) {
    switch (stored.kind()) {
        case json::kind::object: {
            const json::object& o = stored.get_object();
            if (o.size() == 1 && o.begin()->key() == kUint64Key && o.begin()->value().is_string()) {
                const json::string& digits = o.begin()->value().get_string();
                uint64_t n = 0;
                const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
                if (ec == std::errc() && end == digits.data() + digits.size()) return n;
            }
            json::object out;
            out.reserve(o.size());
            for (const auto& kv : o) out[decode_key(kv.key())] = decode_json_field(kv.value());
            return out;
        }
        case json::kind::array: {
            json::array out;
            out.reserve(stored.get_array().size());
            for (const json::value& item : stored.get_array()) out.push_back(decode_json_field(item));
            return out;
        }
        default: return stored;
    }
}

}  // namespace events
