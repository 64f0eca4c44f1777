// Quoting by doubling: the one escaping rule shared by SQL identifiers ("a""b"),
// SQL string literals ('it''s') and FTS5 phrases ("say ""hi""").
#pragma once

#include <string>
#include <string_view>

namespace events {

inline std::string quote_doubling(std::string_view text, char quote) {
    std::string out;
    out.reserve(text.size() + 2);
    out += quote;
    for (char c : text) {
        if (c == quote) out += quote;
        out += c;
    }
    out += quote;
    return out;
}

}  // namespace events
