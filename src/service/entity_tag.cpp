#include "service/entity_tag.h"

#include "tools/sha256.h"

#include <algorithm>

namespace events {

std::string entity_tag(std::string_view canonical_json) { return "\"" + sha256_hex(canonical_json, 16) + "\""; }

std::vector<std::string> parse_if_match(std::string_view header) {
    std::vector<std::string> tags;
    std::string member;
    bool quoted = false;
    auto flush = [&] {
        const auto first = member.find_first_not_of(" \t");
        const auto last = member.find_last_not_of(" \t");
        if (first != std::string::npos) tags.push_back(member.substr(first, last - first + 1));
        member.clear();
    };
    for (char c : header) {
        if (c == '"') quoted = !quoted;
        if (c == ',' && !quoted) flush();
        else member += c;
    }
    flush();
    return tags;
}

bool if_match_holds(const std::vector<std::string>& tags, const std::optional<std::string>& current) {
    if (!current) return false;   // no representation: If-Match fails, `*` included (RFC 9110 §13.1.1)
    return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) { return t == "*" || t == *current; });
}

}  // namespace events
