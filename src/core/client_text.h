// Text a client sends must be characters a database can store and compare
// (docs/DECISIONS.md §2.24): valid UTF-8 without U+0000. PostgreSQL refuses NUL in text
// values, SQLite would cut the value at it, and the comparison form (comparison_form.h)
// cannot be computed for bytes that are no UTF-8; so both are refused where the text
// enters (query parameters, ids, body values), never left for a driver to fail on.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace events {

enum class TextFault {
    None,
    Nul,           // contains U+0000
    InvalidUtf8,   // bytes that are no UTF-8
};

// Input: any bytes. Output: the first fault found (NUL before invalid UTF-8), or None.
TextFault text_fault(std::string_view text);

// Input: a parsed JSON value. Output: Nul when any string in it, or any object key at
// any depth, contains U+0000; else None. (Boost.JSON has already refused invalid UTF-8.)
TextFault json_text_fault(const boost::json::value& value);

// The end of a message for `fault` (not None): "must not contain the NUL character
// (U+0000)" or "must be valid UTF-8". Callers put what is wrong in front.
std::string text_fault_message(TextFault fault);

}  // namespace events
