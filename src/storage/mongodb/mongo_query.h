// A ListQuery (core/list_query.h) as a MongoDB filter and sort, with the semantics of
// docs/API.md on every server: text compares on the stored comparison form (equality,
// ranges, and substrings by an escaped regex: nothing the client sent is read as regex
// syntax); NULLs never match a comparison other than equality with null and sort last in
// both directions; the sort always ends with `_id` (docs/DECISIONS.md §2.13).
#pragma once

#include "core/list_query.h"
#include "storage/mongodb/mongo_codec.h"

#include <string>
#include <string_view>

namespace events::mongo {

// Appends the conditions of `filters` (AND-ed) to `out`, an empty filter document.
void build_filter(const std::vector<FilterCondition>& filters, const CodecOptions& o, bson_t* out);

// Appends the sort keys of `q` to `out` (an empty document): for each key the null flag
// ascending, then the key field in the requested direction; `_id` ascending when q.sort
// is empty.
void build_sort(const ListQuery& q, bson_t* out);

// `text` with every regex metacharacter escaped, for a literal substring match.
std::string escape_regex(std::string_view text);

}  // namespace events::mongo
