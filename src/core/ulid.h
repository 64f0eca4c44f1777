// Lower-case ULIDs (26 chars Crockford base32): time-ordered, so the default
// sort by id is creation order. Monotonic within one process and millisecond.
#pragma once

#include <string>

namespace events {

std::string new_ulid();

}  // namespace events
