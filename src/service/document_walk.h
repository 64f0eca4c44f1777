// Every stored document of an entity, page by page in id order, through the driver
// contract alone (so it behaves the same on every backend): the walk under the
// schema-evolution steps (field_backfill.h, field_conversion.h).
#pragma once

#include "core/schema.h"
#include "storage/driver.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace events {

// Calls `page` with each page of at most `page_size` documents of `e`, in id order,
// read with StorageDriver::list(). `page` may change the documents it is given (they
// are copies). Throws what the driver throws.
void walk_documents(StorageDriver& driver, const Entity& e, int64_t page_size,
                    const std::function<void(std::vector<Document>&)>& page);

}  // namespace events
