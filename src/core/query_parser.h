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
RequestParams parse_request_params(const Schema& schema, const Entity& entity, const QueryPairs& query);

}  // namespace events
