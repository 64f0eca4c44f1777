#include "service/entity_tag.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace events {

std::string entity_tag(std::string_view canonical_json) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(canonical_json.data(), canonical_json.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string tag = "\"";
    for (unsigned int i = 0; i < 16 && i < size; ++i) {
        tag += kHex[digest[i] >> 4];
        tag += kHex[digest[i] & 0xf];
    }
    tag += '"';
    return tag;
}

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
