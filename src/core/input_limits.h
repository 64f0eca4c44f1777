// The limits on what a client may send, decided once for every backend (docs/DECISIONS.md
// §4.5, §4.6; stated in docs/API.md "Limits"). Each limit is below what the most limited
// backend can evaluate, so input within them never reaches an engine's own limit (a 5xx),
// and input beyond them is a 4xx naming the limit, before any driver sees it.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace events {

// Ids: 1-512 bytes (UTF-8). Elasticsearch refuses longer `_id`s and a PostgreSQL btree
// entry holds about 2.7 KB; 512 is the smaller of the two, the same on every backend.
inline constexpr size_t kMaxIdBytes = 512;

// Filter conditions of one request. SQLite's expression depth (1000), Elasticsearch's
// boolean clause count (1024, a range condition taking up to four clauses) stay far off.
inline constexpr size_t kMaxFilterConditions = 100;

// Characters of a substring filter value: Lucene turns `*value*` into an automaton whose
// size grows with the value (a 315-character value of folded text already fails).
inline constexpr size_t kMaxSubstringChars = 256;

// Characters of any other filter value: the longest String value every backend can find
// (docs/ELASTICSEARCH.md: keyword terms of up to 8191 characters).
inline constexpr size_t kMaxFilterValueChars = 8191;

// The largest offset ((page - 1) * pageSize) a list is asked for: MongoDB-protocol servers
// take `skip` as a 32-bit integer (jongodb). A page beyond it lies past any stored data and
// is answered as an empty page with the total (docs/DECISIONS.md §4.5).
inline constexpr int64_t kMaxListOffset = 1'000'000'000;

// Nesting of a JSON body, the body object being level 1 (Boost.JSON's default, below
// MongoDB's 100 levels of BSON).
inline constexpr size_t kMaxJsonDepth = 32;
// Nesting a driver accepts when it reads stored JSON back: a backend's answer wraps a
// stored document in a few levels of its own (an Elasticsearch hit sits six deep).
inline constexpr size_t kMaxStoredJsonDepth = kMaxJsonDepth + 16;

// Input: an id after trimming and lower-casing, not empty, free of U+0000 (checked before).
// Output: nullopt when every backend can store it; else the message of a 422 naming `id`:
// "Id should have at most 512 bytes" or "Id should not contain control characters"
// (U+0001-U+001F, U+007F-U+009F).
std::optional<std::string> id_fault(std::string_view id);

// Whether a document can have `id` as its id (1-512 bytes, no control characters): an id
// from a URL or a filter that fails this names no document and is never sent to a driver.
bool is_storable_id(std::string_view id);

// Whether `value` holds, at any depth, a number no double can hold (a parsed `1e400`
// becomes infinity): such input is a 422 naming the field (docs/DECISIONS.md §4.6).
bool has_non_finite_number(const boost::json::value& value);

// The number of Unicode code points of UTF-8 `text` (limits count characters, not bytes).
size_t count_code_points(std::string_view text);

}  // namespace events
