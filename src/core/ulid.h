// Lower-case ULIDs (26 chars Crockford base32): time-ordered, so the default
// sort by id is creation order. Monotonic within one process and millisecond.
#pragma once

#include <string>

namespace events {

std::string new_ulid();

// A ULID that is not monotonic (random part drawn per call from a per-thread generator):
// no lock shared between threads, for ids that only need to be unique and roughly
// time-ordered, such as request ids (docs/OPERATIONS.md). Never use it for document ids.
std::string new_unordered_ulid();

}  // namespace events
