// How busy a driver's connection pool is, for GET /metrics (issue 13, item 4:
// "pool connections in use"; metric names in docs/OPERATIONS.md).
//
// An optional part of the driver contract, kept out of storage/driver.h so that the
// contract itself stays as it is: a driver that can count its connections also
// derives from PoolStatsSource, and pool_stats_of() asks it. A driver that cannot
// tell answers nullopt through pool_stats_of(), and no sample is exported for it.
#pragma once

#include <cstdint>
#include <optional>

namespace events {

class StorageDriver;

// A snapshot of one pool, taken at scrape time. Counts of connections (no units);
// always 0 <= in_use <= open.
struct PoolStats {
    int64_t in_use = 0;   // leased to a request (or being opened for one) right now
    int64_t open = 0;     // open connections: idle + in use
};

class PoolStatsSource {
public:
    virtual ~PoolStatsSource() = default;
    // The pool's counts right now; exact (read under the pool's own lock or from
    // atomics), never blocks on a request. nullopt when the pool cannot tell.
    virtual std::optional<PoolStats> pool_stats() const = 0;
};

// The pool counts of `driver` when it derives from PoolStatsSource, else nullopt.
std::optional<PoolStats> pool_stats_of(const StorageDriver& driver);

}  // namespace events
