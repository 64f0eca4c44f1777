// Failed-login throttling (docs/DECISIONS.md §6.5): after `max_failures` failed logins for
// one key (a login name, or a client address with a higher limit) within the lockout
// window, further attempts for that key are refused with 429 and Retry-After until the
// window has passed since the last failure. A success clears the login's count.
//
// The counters live in this process: with several server processes an attacker gets
// each process's allowance (docs/AUTH.md "Brute force"). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace events {

class LoginThrottle {
public:
    // max_failures >= 1; lockout_ms: the window a failure counts for, and the wait.
    LoginThrottle(int max_failures, int64_t lockout_ms) : max_failures_(max_failures), lockout_ms_(lockout_ms) {}

    // Milliseconds until `key` may try again; 0 when it may now.
    int64_t wait_ms(const std::string& key, int64_t now_ms, int max_failures) const;
    int64_t wait_ms(const std::string& key, int64_t now_ms) const { return wait_ms(key, now_ms, max_failures_); }
    void failure(const std::string& key, int64_t now_ms);
    void success(const std::string& key);
    int max_failures() const { return max_failures_; }

private:
    struct Count {
        int failures = 0;
        int64_t last_ms = 0;
    };
    const int max_failures_;
    const int64_t lockout_ms_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Count> counts_;
};

}  // namespace events
