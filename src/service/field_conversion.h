// The read-only pass before a field changes type (docs/DECISIONS.md §5.4): every stored
// value is converted in memory by the one rule (core/type_conversion.h) and those that
// do not convert are reported, before anything is changed.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"

#include <cstdint>
#include <string>
#include <vector>

namespace events {

// A stored value that does not convert: the document's id, the value as JSON text, and
// why (the words of a 422, "Input should be a valid integer").
struct UnconvertibleValue {
    std::string id;
    std::string value;
    std::string reason;
};

struct UnconvertibleValues {
    int64_t count = 0;                        // every value that does not convert
    std::vector<UnconvertibleValue> sample;   // the first `sample` of them, in id order
};

// What else than its field's rules a converted value must satisfy.
struct ConversionCheck {
    // `to` is unique on its own: two values that convert to the same one (1.0 and "1" ->
    // 1; "A" and "a" under the matching rule, docs/DECISIONS.md §2.23) do not convert,
    // since the unique index the start-up then builds would refuse them.
    bool unique = false;
    bool case_sensitive = false;   // the configuration's matching rule, for text values
};

// Inputs: `recorded_driver`, a driver over the schema the database records (its reads
// give the values in their recorded type); `recorded_entity` and `recorded_field`, of
// that schema; `to`, the field of the schema being migrated to. Reads every document
// of the entity, 500 at a time; writes nothing. Throws what the driver throws.
UnconvertibleValues find_unconvertible_values(StorageDriver& recorded_driver, const Entity& recorded_entity,
                                              const Field& recorded_field, const Field& to,
                                              const ConversionCheck& check = {}, size_t sample = 20);

}  // namespace events
