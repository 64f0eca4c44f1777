#include "tools/json_text.h"

#include "tools/number_text.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace events {

namespace {

bool needs_escape(unsigned char c) { return c == '"' || c == '\\' || c < 0x20; }

// True when one of the 8 bytes of `w` needs an escape. Exact, no false positives:
// (x - 0x01..01 * n) & ~x & 0x80..80 is non-zero iff some byte of x is below n (n <= 128);
// a byte equal to b is a zero byte of x ^ (0x01..01 * b), that is one below 1.
bool word_needs_escape(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    auto below = [](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kHighs; };
    return (below(w, 0x20) | below(w ^ (kOnes * '"'), 1) | below(w ^ (kOnes * '\\'), 1)) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    size_t run = 0;   // start of the pending run of characters copied as they are
    for (size_t i = 0; i < s.size(); ++i) {
        // Most text needs no escape: skip it 8 bytes at a time.
        while (i + 8 <= s.size()) {
            uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            if (word_needs_escape(w)) break;
            i += 8;
        }
        if (i >= s.size()) break;
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
