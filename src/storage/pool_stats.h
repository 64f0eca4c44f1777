// How busy a driver's connection pool is, for GET /metrics (metric names in
// docs/OPERATIONS.md). Reported by StorageDriver::pool_stats() (storage/driver.h); kept in
// a header of its own so that the pools can fill it in without the whole driver contract.
#pragma once

#include <cstdint>

namespace events {

// A snapshot of one pool, taken at scrape time. Counts of connections (no units);
// always 0 <= in_use <= open.
struct PoolStats {
    int64_t in_use = 0;   // leased to a request (or being opened for one) right now
    int64_t open = 0;     // open connections: idle + in use
};

}  // namespace events
