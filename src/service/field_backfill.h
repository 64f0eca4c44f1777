// Walks every stored document of an entity to fill or count the values of one field
// (docs/DECISIONS.md §5.3: a new field with a `default` is backfilled on existing
// documents; §5.4: a new required field is refused with the count of documents
// without a value).
//
// Both walk the entity in id order, 500 documents a page, through the driver contract
// alone, so they behave the same on every backend. The backfill is idempotent (only
// documents whose value is null are written), so a walk cut short by a crash is
// completed by the next start-up.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace events {

// Sets `field` to `value` (canonical form, core/value_format.h) on every document of
// `entity` whose `field` is null or absent. Returns the number of documents written.
// Writes go through StorageDriver::write() one page per write; autoUpdate fields are
// left as they are (a backfill is not an edit). Throws what the driver throws.
int64_t backfill_field(StorageDriver& driver, const Entity& entity, const Field& field, const boost::json::value& value);

// The documents of `entity` whose `field` is null or absent: their count, and the
// first `sample` of their ids (for messages).
struct MissingValues {
    int64_t count = 0;
    std::vector<std::string> sample_ids;
};
MissingValues find_missing_values(StorageDriver& driver, const Entity& entity, const Field& field, size_t sample = 10);

}  // namespace events
