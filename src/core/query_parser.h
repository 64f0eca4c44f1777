// Parses the query string of an entity route into RequestParams (docs/API.md "Reads",
// docs/DECISIONS.md §2.2-2.4). Throws ApiError(400) with the messages given there.
#pragma once

#include "core/list_query.h"
#include "core/schema.h"

#include <string>
#include <utility>
#include <vector>

namespace events {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;   // already %-decoded

// Names are matched case-insensitively, values keep their case; last occurrence wins.
// Besides the original framework's parameters: `count=exact|none` sets query.with_total (docs/DECISIONS.md §3); a
// filter value in double quotes keeps commas and colons, `\"` and `\\` escaping inside
// (docs/DECISIONS.md §2.25). Throws ApiError(400): every message of docs/API.md "Reads", an unknown parameter, a bad
// `count`, a malformed quoted value naming its condition, and a name or value holding
// U+0000 or bytes that are no UTF-8 (docs/DECISIONS.md §2.24, naming the parameter).
RequestParams parse_request_params(const Schema& schema, const Entity& entity, const QueryPairs& query);

}  // namespace events
