// What the document backends (MongoDB, Elasticsearch) share to enforce `unique`
// without SQL unique indexes (docs/DECISIONS.md §2.15, §2.23): one key string per constraint.
//
// Two documents break a constraint exactly when their keys are equal, so a backend can
// make the key itself unique (a unique index on a stored key field, or the `_id` of a
// claim document created with op_type=create).
#pragma once

#include "core/schema.h"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace events {

// Input: one constraint of `e` (Entity::uniques), a document in canonical value form
// (core/value_format.h), and the matching rule.
// Output: the constraint's key, or nullopt when any of its fields is null or absent
// (such a document does not take part, docs/DECISIONS.md §2.15). The key joins, in the
// constraint's field order, each value's comparison form (core/comparison_form.h) for
// text fields and its canonical JSON text for the others, separated by U+001F, so
// equal keys mean equal values under the matching rule.
// Throws InvalidUtf8 for a text value that is not UTF-8 (validation refuses those first).
std::optional<std::string> unique_key(const std::vector<const Field*>& constraint, const boost::json::object& doc,
                                      bool case_sensitive);

}  // namespace events
