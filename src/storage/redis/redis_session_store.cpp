#include "storage/redis/redis_session_store.h"

#include "storage/driver.h"
#include "storage/redis/redis_pool.h"
#include "tools/sha256.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace events {
namespace {

std::string value_of(const Session& s) {
    return boost::json::serialize(boost::json::object{{"entity", s.entity},
                                                      {"user_id", s.user_id},
                                                      {"role_id", s.role_id},
                                                      {"created_ms", s.created_ms},
                                                      {"expires_ms", s.expires_ms}});
}

// The session `text` describes, or nullopt when it is not a value value_of() wrote.
std::optional<Session> session_of(std::string_view text) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const boost::json::object& o = v.get_object();
    Session s;
    for (auto [name, field] : {std::pair{"entity", &s.entity}, std::pair{"user_id", &s.user_id},
                               std::pair{"role_id", &s.role_id}}) {
        const boost::json::value* item = o.if_contains(name);
        if (!item || !item->is_string()) return std::nullopt;
        *field = std::string(item->get_string());
    }
    for (auto [name, field] : {std::pair{"created_ms", &s.created_ms}, std::pair{"expires_ms", &s.expires_ms}}) {
        const boost::json::value* item = o.if_contains(name);
        if (!item || !item->is_int64()) return std::nullopt;
        *field = item->get_int64();
    }
    return s;
}

}  // namespace

RedisSessionStore::RedisSessionStore(RedisTarget target, RedisSessionStoreOptions options)
    : key_prefix_(std::move(options.key_prefix)),
      pool_(std::make_unique<RedisPool>(std::move(target), options.timeouts, options.pool_size)) {}

RedisSessionStore::~RedisSessionStore() = default;

std::string RedisSessionStore::key_of(std::string_view id) const { return key_prefix_ + sha256_hex(id); }

void RedisSessionStore::put(const Session& s) {
    // PXAT needs a positive time; such a session has expired anyway.
    if (s.expires_ms <= 0) return remove(s.id);
    pool_->run({"SET", key_of(s.id), value_of(s), "PXAT", std::to_string(s.expires_ms)});
}

bool RedisSessionStore::renew(const Session& s) {
    if (s.expires_ms <= 0) return false;
    // XX: set only an existing key; a key a logout deleted stays deleted (nil reply).
    const RedisReply reply = pool_->run({"SET", key_of(s.id), value_of(s), "XX", "PXAT", std::to_string(s.expires_ms)});
    return reply->type != REDIS_REPLY_NIL;
}

std::optional<Session> RedisSessionStore::get(std::string_view id, int64_t now_ms) {
    const std::string key = key_of(id);
    const RedisReply reply = pool_->run({"GET", key});
    if (reply->type == REDIS_REPLY_NIL) return std::nullopt;
    std::optional<Session> s;
    if (reply->type == REDIS_REPLY_STRING) s = session_of(std::string_view(reply->str, reply->len));
    if (!s) {
        spdlog::warn("Redis session store: the value of {} is not a session; treated as absent", key);
        return std::nullopt;
    }
    // Redis deletes the key at expires_ms by its own clock; ours decides in between.
    if (s->expires_ms <= now_ms) return std::nullopt;
    s->id = std::string(id);
    return s;
}

void RedisSessionStore::remove(std::string_view id) { pool_->run({"DEL", key_of(id)}); }

int64_t RedisSessionStore::purge_expired(int64_t now_ms) { return 0; }

void RedisSessionStore::check_reachable() { pool_->run({"PING"}); }

std::string RedisSessionStore::describe() const { return pool_->target().describe(); }

std::unique_ptr<SessionStore> make_redis_session_store(const std::string& uri) {
    auto store = std::make_unique<RedisSessionStore>(RedisTarget::parse(uri));
    store->check_reachable();
    return store;
}

}  // namespace events
