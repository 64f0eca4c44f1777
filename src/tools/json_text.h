// JSON text output with the project's number format (Boost.JSON 1.81 prints
// doubles in exponent form, which DECISIONS §2.7 forbids).
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace events {

// Compact JSON text; doubles through format_number(), keys in insertion order.
std::string to_json_text(const boost::json::value& v);
void append_json_text(std::string& out, const boost::json::value& v);

}  // namespace events
