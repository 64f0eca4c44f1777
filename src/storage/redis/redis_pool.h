// Up to `size` connections to one Redis, opened on demand and shared by every request
// thread. A pool rather than one connection under a mutex: each authenticated request
// reads its session, so one connection would queue every request behind one round trip,
// and one slow answer (up to the command timeout) would stall them all.
//
// Redis restarting closes every connection; the first command on a closed one fails, so
// run() drops the idle connections and tries once more on a new one. The pool thus
// recovers by itself once Redis answers again; no caller has to rebuild it.
//
// Thread safety: every method may be called from any thread at once.
#pragma once

#include "storage/redis/redis_connection.h"
#include "storage/redis/redis_target.h"

#include <condition_variable>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace events {

class RedisPool {
public:
    // No connection is opened here. `size` >= 1.
    RedisPool(RedisTarget target, RedisTimeouts timeouts, size_t size);

    // Runs one command on a pooled connection and returns its reply, never an error
    // reply. Takes at most about two command timeouts plus a connect timeout. Throws
    // StorageUnavailable (storage/driver.h) when Redis cannot be reached, does not
    // answer in time, refuses the login (RedisConnection), answers an error (its text is
    // logged, the exception names only the command), or when every connection stayed
    // busy for a command timeout. Only idempotent commands may be run: a command whose
    // connection broke is sent again.
    RedisReply run(std::initializer_list<std::string_view> args);

    const RedisTarget& target() const { return target_; }

private:
    using Owned = std::unique_ptr<RedisConnection>;

    // An idle connection (reused = true) or a new one (reused = false).
    Owned take(bool& reused);
    void give_back(Owned conn);
    // Forgets a broken connection and the idle ones, which a restart broke as well.
    void drop(Owned conn);

    const RedisTarget target_;
    const RedisTimeouts timeouts_;
    const size_t size_;

    std::mutex mutex_;   // guards everything below
    std::condition_variable returned_;
    std::vector<Owned> idle_;
    size_t live_ = 0;   // idle + lent + being opened
};

}  // namespace events
