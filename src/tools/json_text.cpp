#include "tools/json_text.h"

#include "core/value_format.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <cmath>

namespace events {

namespace {

bool needs_escape(unsigned char c) { return c == '"' || c == '\\' || c < 0x20; }

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    size_t run = 0;   // start of the pending run of characters copied as they are
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (!needs_escape(c)) continue;   // UTF-8 passes through unchanged
        out.append(s.data() + run, i - run);
        run = i + 1;
        if (c == '"') {
            out += "\\\"";
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_json_text(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::null: out += "null"; break;
        case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
        case boost::json::kind::int64: out += std::to_string(v.get_int64()); break;
        case boost::json::kind::uint64: out += std::to_string(v.get_uint64()); break;
        case boost::json::kind::double_: {
            const double d = v.get_double();
            out += std::isfinite(d) ? format_number(d) : "null";
            break;
        }
        case boost::json::kind::string: append_json_string(out, v.get_string()); break;
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.get_array()) {
                if (!first) out += ',';
                first = false;
                append_json_text(out, item);
            }
            out += ']';
            break;
        }
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ',';
                first = false;
                append_json_string(out, kv.key());
                out += ':';
                append_json_text(out, kv.value());
            }
            out += '}';
            break;
        }
    }
}

std::string to_json_text(const boost::json::value& v) {
    std::string out;
    out.reserve(1024);
    append_json_text(out, v);
    return out;
}

}  // namespace events
