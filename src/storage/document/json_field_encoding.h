// The stored form of a `JSON` field's contents on a document backend whose document model
// cannot hold every JSON object (docs/DECISIONS.md §4.6: any key and any finite number
// round-trips exactly). BSON (MongoDB, FerretDB) refuses or misreads keys that are empty,
// begin with `$` or hold a `.`, and has no unsigned 64-bit integer (a double would round
// 18446744073709551615 to 18446744073709552000). This encoding is reversible and leaves
// ordinary contents as they are, so documents written before it read the same.
//
//   key that is empty, begins with `$`, holds `.` or begins with U+E000
//       -> U+E000 followed by the key with `%`, `.` and `$` written %25, %2E, %24
//   integer above 2^63 - 1 (up to 2^64 - 1)
//       -> {"<U+E000>uint64": "<decimal digits>"} (no client key encodes to that key)
#pragma once

#include <boost/json/value.hpp>

namespace events {

// Input: the contents of a JSON field in canonical form (no U+0000 anywhere, finite
// numbers: core/field_check.h refuses the others). Output: the stored form above.
boost::json::value encode_json_field(const boost::json::value& contents);

// Input: a stored form (or contents written before the encoding existed). Output: the
// contents exactly as the client sent them.
boost::json::value decode_json_field(const boost::json::value& stored);

}  // namespace events
