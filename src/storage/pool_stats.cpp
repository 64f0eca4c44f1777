#include "storage/pool_stats.h"

#include "storage/driver.h"

namespace events {

std::optional<PoolStats> pool_stats_of(const StorageDriver& driver) {
    const auto* source = dynamic_cast<const PoolStatsSource*>(&driver);
    if (!source) return std::nullopt;
    return source->pool_stats();
}

}  // namespace events
