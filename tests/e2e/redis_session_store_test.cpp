// The Redis session store (storage/redis/redis_session_store.h, docs/DECISIONS.md §6.5,
// docs/OPERATIONS.md "Session stores") against a real Redis: the shared test server of
// scripts/test-server.sh (EVENTS_TEST_REDIS_URI; every test is skipped without it), and for
// the outage tests a private one of tests/servers/redis/server.sh, which they stop and hang.
// Each test keeps its keys under a prefix of its own, so tests may run at the same time.
#include "outage_support.h"
#include "test_server.h"

#include "storage/driver.h"
#include "storage/redis/redis_session_store.h"
#include "storage/redis/redis_target.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace events::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

int64_t now_ms() {
    return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string random_hex(size_t bytes) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < bytes * 2; ++i) out += kDigits[rng() % 16];
    return out;
}

Session make_session(int64_t expires_ms, const std::string& user = "user-1") {
    Session s;
    s.id = "sid-" + random_hex(16);
    s.entity = "Auth";
    s.user_id = user;
    s.role_id = "role-admin";
    s.created_ms = now_ms();
    s.expires_ms = expires_ms;
    return s;
}

// A plain hiredis connection, logged in, to look at what the store left in Redis.
class RawRedis {
public:
    explicit RawRedis(const RedisTarget& t) : context_(redisConnect(t.host.c_str(), t.port)) {
        if (!context_ || context_->err) throw std::runtime_error("raw connection to Redis failed");
        if (!t.password.empty()) freeReplyObject(redisCommand(context_, "AUTH %s", t.password.c_str()));
    }
    ~RawRedis() { redisFree(context_); }
    RawRedis(const RawRedis&) = delete;
    RawRedis& operator=(const RawRedis&) = delete;

    // The integer reply of `command key` (EXISTS, PTTL); -100 for any other reply.
    long long integer(const char* command, const std::string& key) {
        auto* reply = static_cast<redisReply*>(redisCommand(context_, "%s %b", command, key.data(), key.size()));
        const long long value = reply && reply->type == REDIS_REPLY_INTEGER ? reply->integer : -100;
        freeReplyObject(reply);
        return value;
    }
    // The string at `key`, "(nil)" when absent.
    std::string get(const std::string& key) {
        auto* reply = static_cast<redisReply*>(redisCommand(context_, "GET %b", key.data(), key.size()));
        std::string value = reply && reply->type == REDIS_REPLY_STRING ? std::string(reply->str, reply->len) : "(nil)";
        freeReplyObject(reply);
        return value;
    }

private:
    redisContext* context_;
};

void expect_same(const Session& got, const Session& want) {
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.entity, want.entity);
    EXPECT_EQ(got.user_id, want.user_id);
    EXPECT_EQ(got.role_id, want.role_id);
    EXPECT_EQ(got.created_ms, want.created_ms);
    EXPECT_EQ(got.expires_ms, want.expires_ms);
}

class RedisSessionStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        const char* uri = std::getenv("EVENTS_TEST_REDIS_URI");
        if (!uri || !*uri) GTEST_SKIP() << "EVENTS_TEST_REDIS_URI is not set (scripts/test-server.sh start redis)";
        uri_ = uri;
        target_ = RedisTarget::parse(uri_);
        options_.key_prefix = "events-test:" + random_hex(6) + ":";
        store_ = std::make_unique<RedisSessionStore>(target_, options_);
    }

    std::string uri_;
    RedisTarget target_;
    RedisSessionStoreOptions options_;
    std::unique_ptr<RedisSessionStore> store_;
};

TEST_F(RedisSessionStoreTest, PutThenGetReturnsTheSessionAndRedisNeverSeesTheId) {
    const Session s = make_session(now_ms() + 60'000);
    store_->put(s);
    const std::optional<Session> got = store_->get(s.id, now_ms());
    ASSERT_TRUE(got.has_value());
    expect_same(*got, s);

    RawRedis raw(target_);
    const std::string key = store_->key_of(s.id);
    EXPECT_EQ(key.find(s.id), std::string::npos);
    const std::string value = raw.get(key);
    EXPECT_NE(value.find("\"user_id\":\"user-1\""), std::string::npos) << value;
    EXPECT_EQ(value.find(s.id), std::string::npos) << "the value holds the session id: " << value;
    // Redis expires the key itself, at expires_ms (PXAT): its time to live is about 60 s.
    const long long ttl = raw.integer("PTTL", key);
    EXPECT_GT(ttl, 55'000);
    EXPECT_LE(ttl, 60'000);

    EXPECT_FALSE(store_->get("sid-never-issued", now_ms()).has_value());
}

TEST_F(RedisSessionStoreTest, ExpiredSessionIsAbsentAndRedisRemovedItsKey) {
    const Session s = make_session(now_ms() + 300);
    store_->put(s);
    ASSERT_TRUE(store_->get(s.id, now_ms()).has_value());
    // Our clock decides before Redis's does: at expires_ms the session is over.
    EXPECT_FALSE(store_->get(s.id, s.expires_ms).has_value());

    std::this_thread::sleep_for(milliseconds(500));
    RawRedis raw(target_);
    EXPECT_EQ(raw.integer("EXISTS", store_->key_of(s.id)), 0) << "Redis kept the expired key";
    EXPECT_FALSE(store_->get(s.id, now_ms()).has_value());
    // Nothing is left for the caller to purge.
    EXPECT_EQ(store_->purge_expired(now_ms()), 0);
}

TEST_F(RedisSessionStoreTest, PutAgainRenewsTheIdleLifetime) {
    Session s = make_session(now_ms() + 600);
    store_->put(s);
    std::this_thread::sleep_for(milliseconds(300));
    s.expires_ms = now_ms() + 5'000;
    store_->put(s);
    std::this_thread::sleep_for(milliseconds(600));   // past the first expiry
    const std::optional<Session> got = store_->get(s.id, now_ms());
    ASSERT_TRUE(got.has_value()) << "the renewed session expired at its first expiry";
    EXPECT_EQ(got->expires_ms, s.expires_ms);
    RawRedis raw(target_);
    EXPECT_GT(raw.integer("PTTL", store_->key_of(s.id)), 3'000);
}

TEST_F(RedisSessionStoreTest, RemoveEndsTheSession) {
    const Session s = make_session(now_ms() + 60'000);
    const Session other = make_session(now_ms() + 60'000, "user-2");
    store_->put(s);
    store_->put(other);
    store_->remove(s.id);
    EXPECT_FALSE(store_->get(s.id, now_ms()).has_value());
    RawRedis raw(target_);
    EXPECT_EQ(raw.integer("EXISTS", store_->key_of(s.id)), 0);
    EXPECT_TRUE(store_->get(other.id, now_ms()).has_value()) << "remove ended another session";
    EXPECT_NO_THROW(store_->remove(s.id));                 // already gone
    EXPECT_NO_THROW(store_->remove("sid-never-issued"));   // never there
    // A session put with an expiry in the past is removed, not kept.
    Session past = other;
    past.expires_ms = 0;
    store_->put(past);
    EXPECT_EQ(raw.integer("EXISTS", store_->key_of(other.id)), 0);
}

TEST_F(RedisSessionStoreTest, TwoStoresShareTheirSessions) {
    // Two server processes on one Redis: each with its own store from the same URI.
    const std::unique_ptr<SessionStore> a = make_redis_session_store(uri_);
    const std::unique_ptr<SessionStore> b = make_redis_session_store(uri_);
    const Session s = make_session(now_ms() + 60'000);
    a->put(s);
    const std::optional<Session> seen = b->get(s.id, now_ms());
    ASSERT_TRUE(seen.has_value()) << "a session put by one store is not seen by the other";
    expect_same(*seen, s);
    b->remove(s.id);   // logout on one process ends the session on all
    EXPECT_FALSE(a->get(s.id, now_ms()).has_value());
}

// The message of the StorageUnavailable that make_redis_session_store(uri) throws.
std::string unavailable_message(const std::string& uri) {
    try {
        make_redis_session_store(uri);
    } catch (const StorageUnavailable& e) {
        return e.what();
    }
    return "(no StorageUnavailable)";
}

TEST_F(RedisSessionStoreTest, WrongOrMissingPasswordIsAClearError) {
    const std::string host_port = target_.endpoint();
    const std::string wrong = unavailable_message("redis://:Wrong-Pass-123@" + host_port);
    EXPECT_NE(wrong.find("refused the user name or password of session_store"), std::string::npos) << wrong;
    EXPECT_NE(wrong.find(host_port), std::string::npos) << wrong;
    EXPECT_EQ(wrong.find("Wrong-Pass-123"), std::string::npos) << "the message shows the password: " << wrong;

    const std::string wrong_user = unavailable_message("redis://nobody:" + target_.password + "@" + host_port);
    EXPECT_NE(wrong_user.find("refused the user name or password"), std::string::npos) << wrong_user;
    EXPECT_EQ(wrong_user.find(target_.password), std::string::npos) << wrong_user;

    const std::string none = unavailable_message("redis://" + host_port);
    EXPECT_NE(none.find("Redis requires a password"), std::string::npos) << none;

    // The right password as an explicit `default` user works as `:password@` does.
    EXPECT_NO_THROW(make_redis_session_store("redis://default:" + target_.password + "@" + host_port));
}

TEST_F(RedisSessionStoreTest, NobodyListeningIsStorageUnavailableAtOnce) {
    const auto start = steady_clock::now();
    const std::string message = unavailable_message("redis://:pw@127.0.0.1:" + std::to_string(free_port()));
    EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
    EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(RedisSessionStoreTest, SelectsTheDatabaseOfTheUri) {
    RedisTarget on_db3 = target_;
    on_db3.db = 3;
    RedisSessionStore store3(on_db3, options_);
    const Session s = make_session(now_ms() + 60'000);
    store3.put(s);
    EXPECT_TRUE(store3.get(s.id, now_ms()).has_value());
    EXPECT_FALSE(store_->get(s.id, now_ms()).has_value()) << "database 3 and database 0 share keys";
    RedisTarget on_db99 = target_;
    on_db99.db = 99;   // Redis has 16 by default
    RedisSessionStore store99(on_db99, options_);
    try {
        store99.get(s.id, now_ms());
        ADD_FAILURE() << "SELECT 99 was accepted";
    } catch (const StorageUnavailable& e) {
        EXPECT_NE(std::string(e.what()).find("refused SELECT 99"), std::string::npos) << e.what();
    }
}

TEST_F(RedisSessionStoreTest, EightThreadsAtOnceEachSeeTheirOwnSessions) {
    RedisSessionStoreOptions small = options_;
    small.pool_size = 3;   // fewer connections than threads: they wait for each other
    RedisSessionStore store(target_, small);
    constexpr int kThreads = 8;
    constexpr int kRounds = 150;
    std::atomic<int> wrong{0}, errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kRounds; ++i) {
                try {
                    const Session s = make_session(now_ms() + 60'000, "user-" + std::to_string(t) + "-" + std::to_string(i));
                    store.put(s);
                    const std::optional<Session> got = store.get(s.id, now_ms());
                    if (!got || got->user_id != s.user_id || got->id != s.id) ++wrong;
                    store.remove(s.id);
                    if (store.get(s.id, now_ms())) ++wrong;
                } catch (const std::exception&) {
                    ++errors;
                }
            }
        });
    }
    for (std::thread& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(errors.load(), 0);
}

// A Redis of the test's own (tests/servers/redis/server.sh in a private directory), which
// the test stops (pause), starts again (resume) and hangs (SIGSTOP).
class RedisOutageTest : public ::testing::Test {
protected:
    void SetUp() override {
        const char* shared = std::getenv("EVENTS_TEST_REDIS_URI");
        if (!shared || !*shared) GTEST_SKIP() << "EVENTS_TEST_REDIS_URI is not set (scripts/test-server.sh start redis)";
        dir_ = make_temp_dir();
        const CommandResult started = server("start");
        ASSERT_EQ(started.status, 0) << started.output;
        const std::string key = "export EVENTS_TEST_REDIS_URI=";
        const size_t at = started.output.find(key);
        ASSERT_NE(at, std::string::npos) << started.output;
        const std::string uri = started.output.substr(at + key.size(), started.output.find('\n', at) - at - key.size());
        target_ = RedisTarget::parse(uri);
        options_.timeouts.connect = milliseconds(1000);
        options_.timeouts.command = milliseconds(1000);
        store_ = std::make_unique<RedisSessionStore>(target_, options_);
    }
    void TearDown() override {
        if (!dir_.empty()) {
            run_command("kill -CONT $(cat '" + dir_ + "/pid') 2>/dev/null");
            server("stop");   // also removes dir_
        }
    }
    CommandResult server(const std::string& verb) {
        return run_command("EVENTS_REDIS_TEST_DIR='" + dir_ + "' '" + std::string(EVENTS_SOURCE_DIR) +
                           "/tests/servers/redis/server.sh' " + verb);
    }
    // Runs `call`, expects StorageUnavailable within `bound`; returns its message.
    template <typename Call>
    std::string expect_unavailable(Call call, milliseconds bound) {
        const auto start = steady_clock::now();
        std::string message = "(no StorageUnavailable)";
        try {
            call();
        } catch (const StorageUnavailable& e) {
            message = e.what();
        }
        const auto took = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
        EXPECT_LE(took.count(), bound.count()) << "the store answered only after " << took.count() << " ms";
        EXPECT_EQ(message.find(target_.password), std::string::npos) << "the message shows the password";
        return message;
    }

    std::string dir_;
    RedisTarget target_;
    RedisSessionStoreOptions options_;
    std::unique_ptr<RedisSessionStore> store_;
};

TEST_F(RedisOutageTest, StoppedRedisIsStorageUnavailableThenTheSameStoreRecovers) {
    const Session s = make_session(now_ms() + 600'000);
    store_->put(s);

    const CommandResult paused = server("pause");
    ASSERT_EQ(paused.status, 0) << paused.output;
    // Connection refused: well within one connect timeout plus one retry.
    const milliseconds bound(3 * 1000);
    std::string message = expect_unavailable([&] { store_->get(s.id, now_ms()); }, bound);
    EXPECT_NE(message.find("Redis session store at " + target_.endpoint()), std::string::npos) << message;
    expect_unavailable([&] { store_->put(make_session(now_ms() + 60'000)); }, bound);
    expect_unavailable([&] { store_->remove(s.id); }, bound);

    const CommandResult resumed = server("resume");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    // The same store, no new one: it reconnects by itself. The session was kept across the
    // restart (Redis saved it on SIGTERM and loaded it again).
    const std::optional<Session> got = store_->get(s.id, now_ms());
    ASSERT_TRUE(got.has_value());
    expect_same(*got, s);
}

TEST_F(RedisOutageTest, RestartBetweenTwoCallsIsNotSeenByTheCaller) {
    const Session s = make_session(now_ms() + 600'000);
    store_->put(s);   // leaves a connection idle in the pool
    ASSERT_EQ(server("pause").status, 0);
    ASSERT_EQ(server("resume").status, 0);
    // The idle connection died with the restart; the store notices and retries on a new one.
    std::optional<Session> got;
    ASSERT_NO_THROW(got = store_->get(s.id, now_ms()));
    EXPECT_TRUE(got.has_value());
}

TEST_F(RedisOutageTest, HungRedisIsStorageUnavailableWithinTheCommandTimeout) {
    const Session s = make_session(now_ms() + 600'000);
    store_->put(s);
    ASSERT_EQ(run_command("kill -STOP $(cat '" + dir_ + "/pid')").status, 0);
    // One command timeout (1 s) on the kept connection, no retry after a timeout.
    const std::string message =
        expect_unavailable([&] { store_->get(s.id, now_ms()); }, milliseconds(2 * 1000 + 500));
    EXPECT_NE(message.find("no answer to GET within 1000 ms"), std::string::npos) << message;
    ASSERT_EQ(run_command("kill -CONT $(cat '" + dir_ + "/pid')").status, 0);
    std::optional<Session> got;
    ASSERT_NO_THROW(got = store_->get(s.id, now_ms()));
    EXPECT_TRUE(got.has_value());
}

}  // namespace
}  // namespace events::e2e
