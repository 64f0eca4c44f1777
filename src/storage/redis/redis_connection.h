// One connection to Redis (hiredis, blocking, with timeouts), logged in and on the
// database the target names. Used by one thread at a time (the pool lends it out);
// hiredis contexts are not thread-safe.
#pragma once

#include "storage/redis/redis_target.h"

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

struct redisContext;
struct redisReply;

namespace events {

struct RedisTimeouts {
    std::chrono::milliseconds connect{2000};   // TCP connect
    std::chrono::milliseconds command{2000};   // one command: send and read its reply
};

struct RedisReplyDeleter {
    void operator()(redisReply* reply) const;
};
// A reply of hiredis, freed when dropped.
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

class RedisConnection {
public:
    // Connects within timeouts.connect, then AUTH (when the target has a password),
    // SELECT (when db != 0) and PING, each within timeouts.command. Throws
    // StorageUnavailable (storage/driver.h) saying which step failed: cannot connect,
    // credentials refused, a password required but none given, SELECT refused. The
    // message names the endpoint, never the password nor Redis's own text (logged).
    RedisConnection(const RedisTarget& target, RedisTimeouts timeouts);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Sends one command, each argument binary-safe, and returns its reply (possibly an
    // error reply: the connection stays usable). nullptr when the connection broke
    // (Redis closed it, restarted, or did not answer in time): the connection is then
    // unusable and failure() says why.
    RedisReply command(std::initializer_list<std::string_view> args);

    // Why the last command() returned nullptr: hiredis's local error text
    // ("Connection reset by peer", "Resource temporarily unavailable" for a timeout).
    const std::string& failure() const { return failure_; }
    // Whether that failure was the command timeout (Redis hung, not gone).
    bool timed_out() const { return timed_out_; }

private:
    redisContext* context_ = nullptr;
    std::string failure_;
    bool timed_out_ = false;
};

}  // namespace events
