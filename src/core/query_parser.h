// Parses the query string of an entity route into RequestParams (REFERENCE §5 as
// amended by DECISIONS §2.2-2.4). Throws ApiError(400) with the §5 messages.
#pragma once

#include "core/list_query.h"
#include "core/schema.h"

#include <string>
#include <utility>
#include <vector>

namespace events {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;   // already %-decoded

// Names are matched case-insensitively, values keep their case; last occurrence wins.
// Besides the §5 parameters: `count=exact|none` sets query.with_total (DECISIONS §3); a
// filter value in double quotes keeps commas and colons, `\"` and `\\` escaping inside
// (DECISIONS §2.25). Throws ApiError(400): every §5 message, an unknown parameter, a bad
// `count`, a malformed quoted value naming its condition, and a name or value holding
// U+0000 or bytes that are no UTF-8 (DECISIONS §2.24, naming the parameter).
RequestParams parse_request_params(const Schema& schema, const Entity& entity, const QueryPairs& query);

}  // namespace events
