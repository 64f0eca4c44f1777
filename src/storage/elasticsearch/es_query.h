// ListQuery (core/list_query.h) -> the query DSL common to Elasticsearch 7/8 and
// OpenSearch 1/2, with the semantics of docs/API.md and the SQL backends.
#pragma once

#include "core/list_query.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace events {

// The `query` of a search for these AND-ed conditions (match_all when none):
//   text fields compare their comparison form `@cmp.<field>` (term / range, bytewise as
//   in SQL); Contains is a `wildcard` on it with the user's text escaped (`*`, `?`, `\`),
//   so no character a client sends is a pattern; other types are term / range on the
//   typed field; Ne never matches a null; a null value means "is null" (Eq) / "is not
//   null" (Ne). Throws InvalidUtf8 for a text value that is not UTF-8.
boost::json::object es_query(const std::vector<FilterCondition>& filters, bool case_sensitive);

// The `sort` of a search: each key on its field (`@cmp.<field>` for text), nulls last in
// both directions ("missing": "_last"); the query's own id key is the tie-breaker
// (docs/DECISIONS.md §2.13), added when the query has none.
boost::json::array es_sort(const ListQuery& q);

// `text` with the wildcard query's special characters (`*`, `?`, `\`) escaped.
std::string es_escape_wildcard(std::string_view text);

}  // namespace events
