#include "service/login_throttle.h"

#include <algorithm>

namespace events {

int64_t LoginThrottle::wait_ms(const std::string& key, int64_t now_ms, int max_failures) const {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(key);
    if (it == counts_.end() || it->second.failures < max_failures) return 0;
    return std::max<int64_t>(0, it->second.last_ms + lockout_ms_ - now_ms);
}

void LoginThrottle::failure(const std::string& key, int64_t now_ms) {
    std::lock_guard lock(mutex_);
    // Keep the table bounded: forget the keys whose window has passed.
    if (counts_.size() > 100000)
        for (auto it = counts_.begin(); it != counts_.end();)
            it = it->second.last_ms + lockout_ms_ <= now_ms ? counts_.erase(it) : std::next(it);
    Count& c = counts_[key];
    if (c.last_ms + lockout_ms_ <= now_ms) c.failures = 0;   // an old window
    ++c.failures;
    c.last_ms = now_ms;
}

void LoginThrottle::success(const std::string& key) {
    std::lock_guard lock(mutex_);
    counts_.erase(key);
}

}  // namespace events
