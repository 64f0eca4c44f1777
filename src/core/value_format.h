// The one value format of every response and every backend (docs/DECISIONS.md §2.7).
//
// Canonical in-memory form of a field value inside a document (boost::json):
//   String, ObjectId  -> string
//   Integer           -> int64
//   Number, Currency  -> double
//   Boolean           -> bool
//   Date              -> string "YYYY-MM-DD"
//   Datetime          -> string "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, always milliseconds)
//   JSON              -> object
//   Array[String]     -> array of strings
//   absent / null     -> null
// Validation produces this form; drivers must return exactly this form on read.
#pragma once

#include "tools/number_text.h"   // format_number, re-exported for value users

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace events {

// Parses "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS[.fff...]][Z|±HH:MM]" (naive = UTC).
// Returns milliseconds since the Unix epoch, or nullopt when the text is not a date.
std::optional<int64_t> parse_timestamp_ms(std::string_view text);

std::string format_date(int64_t epoch_ms);       // "YYYY-MM-DD" (UTC date)
std::string format_datetime(int64_t epoch_ms);   // "YYYY-MM-DDTHH:MM:SS.mmmZ"

// Epoch seconds (JSON number input for Date/Datetime) as milliseconds; nullopt when not
// finite or outside years 0001-9999.
std::optional<int64_t> epoch_seconds_to_ms(double seconds);

// Canonical Date / Datetime text from any accepted input text; nullopt when invalid.
std::optional<std::string> canonical_date(std::string_view text);
std::optional<std::string> canonical_datetime(std::string_view text);

// Current time as canonical Datetime text.
std::string now_datetime();


}  // namespace events
