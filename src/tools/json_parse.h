// JSON text input that says where a syntax error is: Boost.JSON's parser reports what
// went wrong but not where, and a person fixing a request body or a config file needs
// the line and column (docs/API.md "Writes", README "Configuration").
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace events {

struct JsonSyntaxError {
    std::string reason;   // Boost.JSON's description ("syntax error", "incomplete JSON", ...)
    size_t line = 1;      // 1-based line of the first byte the parser could not accept
    size_t column = 1;    // 1-based column there, in characters (UTF-8 code points), not bytes
    // "<reason> at line <line>, column <column>"
    std::string describe() const;
};

// The value of `text` (one JSON value, surrounding whitespace allowed), or nullopt with
// `error` filled. An empty or whitespace-only text is an error at its end. Arrays and
// objects nest at most `max_depth` levels (the outermost is level 1); deeper nesting is
// an error with the reason "nesting deeper than <max_depth> levels".
std::optional<boost::json::value> parse_json(std::string_view text, JsonSyntaxError& error, size_t max_depth = 32);

}  // namespace events
