// How the schema's entities live in Elasticsearch/OpenSearch indices: index names, the
// explicit strict mapping of each entity, and the stored form of a document (_source).
//
// One index per entity, `<db_name>_<entity>` in lower case (docs/DECISIONS.md §2.19). A stored
// document is the canonical document (core/value_format.h) with `id`, plus an object
// `@cmp` holding the comparison form (core/comparison_form.h) of every plain text field:
// every text filter, sort and substring match runs on `@cmp.<field>`
// (docs/DECISIONS.md §2.21, §2.23), the response is printed from the original values.
#pragma once

#include "core/schema.h"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace events {

// The object of comparison forms in a stored document.
inline constexpr std::string_view kEsCmpField = "@cmp";

// `<db_name>_<entity>`, lower case.
std::string es_index_name(std::string_view db_name, const Entity& e);
// The companion index of unique claims: `<db_name>__uniques`, lower case (no entity
// can be named so: entity names start with a letter).
std::string es_claims_index_name(std::string_view db_name);
// "<db_name>_" in lower case: what every index of this db_name starts with.
std::string es_index_prefix(std::string_view db_name);
// "<db_name>__meta": the schema record (docs/DECISIONS.md §5.1), document id "schema".
std::string es_meta_index_name(std::string_view db_name);

// The mappings body of the entity's index: "dynamic": "strict", with
//   String/ObjectId/enum -> keyword; text fields also `@cmp.<name>` keyword;
//   Integer -> long; Number, Currency -> double (the canonical value is an IEEE double on
//   every backend, so no other rounding happens; scaled_float would round);
//   Boolean -> boolean; Date -> date "strict_date"; Datetime -> date "strict_date_time"
//   (milliseconds); JSON -> object with "enabled": false (stored, never indexed, so a
//   client's keys never grow the mapping); Array[String] -> keyword (arrays of values).
boost::json::object es_entity_mapping(const Entity& e);
// The mappings body of the claims index.
boost::json::object es_claims_mapping();

// The _source to store for `doc` (canonical form, `id` included). Throws InvalidUtf8.
boost::json::object es_to_source(const Entity& e, const boost::json::object& doc, bool case_sensitive);
// A stored _source back in response form: `id` first, then the fields in schema order,
// numbers of Number/Currency fields as doubles (JSON text "1500" reads back as an integer).
boost::json::object es_from_source(const Entity& e, const boost::json::object& source);

}  // namespace events
