// The comparison form of a string (docs/DECISIONS.md §2.21, §2.23): the one representation in
// which every backend compares, matches, sorts and constrains strings.
//
// Stored values keep exactly what the client sent; only comparisons use this form. It is
// computed here, by one library (utf8proc), so that SQLite, PostgreSQL, MongoDB,
// Elasticsearch and SQL Server agree byte for byte: a backend stores the form beside the
// value (or computes it through a function registered with the backend) and compares
// those bytes, never its own collation.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace events {

// The text was not valid UTF-8 (a client sent bytes that are no characters).
struct InvalidUtf8 : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// Input: UTF-8 text. Output: its comparison form, UTF-8:
//   case_sensitive == true : Unicode NFC.
//   case_sensitive == false: Unicode full case folding applied to the canonical
//                            decomposition, then recomposed (NFC), so "STRASSE" and
//                            "Straße" give "strasse", "ÉLO" and "élo" (either
//                            spelling of é) give "élo", "ИРИНА" gives "ирина".
// ASCII-only input takes a fast path (lower-cased byte by byte, or returned unchanged).
// Throws InvalidUtf8 when `utf8` is not valid UTF-8. U+0000 is kept (callers refuse NUL
// before, docs/DECISIONS.md §2.24).
std::string comparison_form(std::string_view utf8, bool case_sensitive);

// Names the form comparison_form(_, case_sensitive) computes, with the Unicode version
// of the library's tables, e.g. "casefold+nfc unicode 15.0.0". A backend that stores
// forms records this and recomputes them when it changes (a new case_sensitive, or
// a library whose tables fold or compose differently).
std::string comparison_form_id(bool case_sensitive);

// True when `utf8` is valid UTF-8.
bool is_valid_utf8(std::string_view utf8);

}  // namespace events
