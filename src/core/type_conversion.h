// The one rule for converting a stored value when its field changes type
// (docs/DECISIONS.md §5.3, §5.4; docs/SCHEMA.md "Changing a schema", table of conversions).
//
// A stored value converts when the new field accepts it as it would accept the same
// value from a client (core/field_check.h: type, enum, length, pattern, bounds), after
// one step of its own: a conversion to String first takes the value's text form
// (1950 -> "1950", true -> "true", a Date as its canonical text, a JSON value as its
// JSON text). Nothing else is guessed. Pure: no storage is touched.
#pragma once

#include "core/schema.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace events {

// The outcome of converting one value: `value` in the canonical form of the new field
// (core/value_format.h) when it converts, else `failure`, the reason in the words of a
// 422 ("Input should be a valid integer").
struct ConvertedValue {
    boost::json::value value;
    std::optional<std::string> failure;
};

// Inputs: `stored`, a value in the canonical form of type `from` (null converts to
// null); `to`, the field of the schema being migrated to. Integer -> Number refuses a
// value a double cannot hold exactly (beyond ±2^53). Throws nothing.
ConvertedValue convert_stored_value(const boost::json::value& stored, FieldType from, const Field& to);

}  // namespace events
