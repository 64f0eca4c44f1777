// Moving data between backends: `events export` / `events import`.
//
// Format: JSON Lines, one document per line: {"entity":"User","doc":{...canonical...}}.
// Entities are written parents first (Schema::parents_first), each in id order, so an
// import can insert line by line with FK checks intact. Ids and timestamps are kept.
// Import is also the bulk-load fast path used by the benchmark harness.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"

#include <cstdint>
#include <functional>
#include <iosfwd>

namespace events {

struct TransferStats {
    int64_t documents = 0;
};

using ProgressFn = std::function<void(const Entity& entity, int64_t done)>;

TransferStats export_documents(const Schema& schema, StorageDriver& driver, std::ostream& out,
                               const ProgressFn& progress = {});
// Validates every document against the schema (bad lines fail the import with the
// line number) and inserts in batches of `batch_size` per transaction.
TransferStats import_documents(const Schema& schema, StorageDriver& driver, std::istream& in,
                               const ProgressFn& progress = {}, int batch_size = 2000);

}  // namespace events
