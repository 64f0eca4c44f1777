// JSON text output with the project's number format (Boost.JSON 1.81 prints
// doubles in exponent form, which docs/DECISIONS.md §2.7 forbids).
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace events {

// Compact JSON text; doubles through format_number(), keys in insertion order.
std::string to_json_text(const boost::json::value& v);
void append_json_text(std::string& out, const boost::json::value& v);
// A JSON string literal for `s` (UTF-8 passed through; quotes, backslashes and control
// characters escaped), exactly as append_json_text prints a string value.
void append_json_string(std::string& out, std::string_view s);

}  // namespace events
