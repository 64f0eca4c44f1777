// Splitting and %-decoding of an HTTP request target ("/api/user?filter=a%3Ab").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace events {

struct RequestTarget {
    std::string path;                                          // %-decoded
    std::vector<std::string> segments;   // the path split at '/' first, then each %-decoded; no empty ones
    std::vector<std::pair<std::string, std::string>> query;   // %-decoded, '+' as space, URL order
};

// Decodes %XX escapes; with plus_as_space a '+' becomes ' ' (form encoding of query strings).
// nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// Splits at the first '?'. Query items are separated by '&'; an item without '=' has an
// empty value; empty items ("a=1&&b=2") are skipped. nullopt on a malformed %-escape.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace events
