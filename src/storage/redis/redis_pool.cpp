#include "storage/redis/redis_pool.h"

#include "storage/driver.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace events {

RedisPool::RedisPool(RedisTarget target, RedisTimeouts timeouts, size_t size)
    : target_(std::move(target)), timeouts_(timeouts), size_(size < 1 ? 1 : size) {}

RedisReply RedisPool::run(std::initializer_list<std::string_view> args) {
    const std::string where = "Redis session store at " + target_.endpoint();
    const std::string name(*args.begin());
    for (int attempt = 0;; ++attempt) {
        bool reused = false;
        Owned conn = take(reused);
        RedisReply reply = conn->command(args);
        if (reply) {
            give_back(std::move(conn));
            if (reply->type == REDIS_REPLY_ERROR) {
                spdlog::warn("{}: {} refused: {}", where, name, std::string(reply->str, reply->len));
                throw StorageUnavailable(where + ": Redis refused " + name);
            }
            return reply;
        }
        const std::string failure = conn->failure();
        const bool timed_out = conn->timed_out();
        drop(std::move(conn));
        // A kept connection that broke most likely outlived a restart: one more try on a
        // new one. Not after a timeout (Redis is there but hung: a retry only doubles the
        // wait) nor on a connection just opened (Redis went away right now).
        if (attempt == 0 && reused && !timed_out) continue;
        throw StorageUnavailable(where + (timed_out ? ": no answer to " + name + " within " +
                                                          std::to_string(timeouts_.command.count()) + " ms"
                                                    : ": the connection broke during " + name + " (" + failure + ")"));
    }
}

RedisPool::Owned RedisPool::take(bool& reused) {
    {
        std::unique_lock lock(mutex_);
        const bool free = returned_.wait_for(lock, timeouts_.command, [&] { return !idle_.empty() || live_ < size_; });
        if (!free)
            throw StorageUnavailable("Redis session store at " + target_.endpoint() + ": all " +
                                     std::to_string(size_) + " connections stayed busy for " +
                                     std::to_string(timeouts_.command.count()) + " ms");
        if (!idle_.empty()) {
            Owned conn = std::move(idle_.back());
            idle_.pop_back();
            reused = true;
            return conn;
        }
        ++live_;   // a slot for the connection opened below, outside the lock
    }
    reused = false;
    try {
        return std::make_unique<RedisConnection>(target_, timeouts_);
    } catch (...) {
        std::lock_guard lock(mutex_);
        --live_;
        returned_.notify_one();
        throw;
    }
}

void RedisPool::give_back(Owned conn) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
    returned_.notify_one();
}

void RedisPool::drop(Owned conn) {
    std::vector<Owned> stale;
    {
        std::lock_guard lock(mutex_);
        stale.swap(idle_);
        live_ -= 1 + stale.size();
        returned_.notify_all();
    }
    conn.reset();   // closed outside the lock
    if (!stale.empty()) spdlog::info("Redis session store: dropped {} idle connection(s) after a broken one", stale.size());
}

}  // namespace events
