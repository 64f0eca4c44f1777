#include "storage/redis/redis_connection.h"

#include "storage/driver.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <string>
#include <sys/time.h>
#include <vector>

namespace events {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

bool is_error(const RedisReply& reply) { return reply && reply->type == REDIS_REPLY_ERROR; }

std::string error_text(const RedisReply& reply) { return std::string(reply->str, reply->len); }

}  // namespace

void RedisReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

RedisConnection::RedisConnection(const RedisTarget& target, RedisTimeouts timeouts) {
    const std::string where = "Redis session store at " + target.endpoint();
    context_ = redisConnectWithTimeout(target.host.c_str(), target.port, to_timeval(timeouts.connect));
    if (!context_) throw StorageUnavailable(where + ": cannot allocate a connection");
    if (context_->err) {
        const std::string why = context_->errstr;
        redisFree(context_);
        context_ = nullptr;
        throw StorageUnavailable(where + ": cannot connect (" + why + ")");
    }
    // From here on, the destructor does not run if we throw: free the context ourselves.
    auto fail = [&](const std::string& message) {
        redisFree(context_);
        context_ = nullptr;
        throw StorageUnavailable(message);
    };
    if (redisSetTimeout(context_, to_timeval(timeouts.command)) != REDIS_OK) fail(where + ": cannot set the timeout");
    // Keep-alive probes find a peer that vanished without closing (a dead host).
    redisEnableKeepAlive(context_);

    if (!target.password.empty()) {
        RedisReply auth = target.user.empty() ? command({"AUTH", target.password})
                                              : command({"AUTH", target.user, target.password});
        if (!auth) fail(where + ": the connection broke during AUTH (" + failure_ + ")");
        if (is_error(auth)) {
            // Redis's text names no password; it says which of the cases below this is.
            const std::string text = error_text(auth);
            spdlog::warn("{}: AUTH refused: {}", where, text);
            if (text.find("without any password configured") != std::string::npos ||
                text.find("no password is set") != std::string::npos)
                fail(where + ": session_store gives a password but this Redis has none set");
            fail(where + ": Redis refused the user name or password of session_store (AUTH)");
        }
    }
    if (target.db != 0) {
        RedisReply select = command({"SELECT", std::to_string(target.db)});
        if (!select) fail(where + ": the connection broke during SELECT (" + failure_ + ")");
        if (is_error(select)) {
            spdlog::warn("{}: SELECT {} refused: {}", where, target.db, error_text(select));
            fail(where + ": Redis refused SELECT " + std::to_string(target.db) +
                 " (the database number of session_store is out of range?)");
        }
    }
    RedisReply ping = command({"PING"});
    if (!ping) fail(where + ": no answer to PING (" + failure_ + ")");
    if (is_error(ping)) {
        const std::string text = error_text(ping);
        spdlog::warn("{}: PING refused: {}", where, text);
        if (text.starts_with("NOAUTH"))
            fail(where + ": Redis requires a password; give it in session_store (redis://:PASSWORD@host:port)");
        fail(where + ": Redis refused PING");
    }
}

RedisConnection::~RedisConnection() {
    if (context_) redisFree(context_);
}

RedisReply RedisConnection::command(std::initializer_list<std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (std::string_view arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    errno = 0;
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply) return RedisReply(reply);
    // hiredis reports a read that hit SO_RCVTIMEO as an I/O error with errno EAGAIN.
    timed_out_ = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    failure_ = context_->err ? context_->errstr : "no reply";
    return nullptr;
}

}  // namespace events
