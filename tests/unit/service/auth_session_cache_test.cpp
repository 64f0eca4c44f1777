// What gating remembers between requests (docs/DECISIONS.md §6.5, service/auth_service.h):
// a session and its role's permissions are read from storage once per session_cache_ms; a
// logout or a role written through this process holds at once; a change made behind the
// process's back (another server process) holds within session_cache_ms; nothing is written
// per request.
#include "core/query_parser.h"
#include "service/auth_service.h"
#include "service/document_service.h"
#include "support/memory_driver.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace events {
namespace {

namespace json = boost::json;

constexpr const char* kSchema = R"(
_entities:
  Account:
    fields:
      name: {type: String, required: true}
  Role:
    fields:
      role: {type: String, required: true}
      permissions: {type: JSON, required: true}
    services:
      authz: {provider: rbac, outputs: [permissions]}
  Login:
    fields:
      name: {type: String, required: true}
      password: {type: String, required: true, min_length: 8}
      roleId: {type: ObjectId, required: true}
    unique: [[name]]
    services:
      authn: {route: signin, inputs: {login: name, password: password}, outputs: [roleId], delegates: [{authz: Role}]}
)";

// A SessionStore in memory that counts what gating asks of it; the sessions another server
// process would share live here, so erasing one here is a logout made elsewhere.
class CountingSessionStore : public SessionStore {
public:
    void put(const Session& s) override {
        std::lock_guard lock(mutex_);
        sessions_[s.id] = s;
        ++puts;
    }
    bool renew(const Session& s) override {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(s.id);
        if (it == sessions_.end()) return false;
        it->second = s;
        ++puts;
        return true;
    }
    std::optional<Session> get(std::string_view id, int64_t now_ms) override {
        std::unique_lock lock(mutex_);
        ++gets;
        if (const int us = read_delay_us.load(); us > 0) {
            // A read that takes a network round trip: the session is read, then the reply
            // travels while a logout may run.
            std::optional<Session> found;
            if (auto it = sessions_.find(std::string(id)); it != sessions_.end() && it->second.expires_ms > now_ms)
                found = it->second;
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::microseconds(us));
            return found;
        }
        auto it = sessions_.find(std::string(id));
        if (it == sessions_.end() || it->second.expires_ms <= now_ms) return std::nullopt;
        return it->second;
    }
    void remove(std::string_view id) override {
        std::lock_guard lock(mutex_);
        sessions_.erase(std::string(id));
    }
    int64_t purge_expired(int64_t) override { return 0; }

    std::atomic<int> gets{0};
    std::atomic<int> puts{0};
    std::atomic<int> read_delay_us{0};

private:
    std::mutex mutex_;
    std::map<std::string, Session> sessions_;
};

class SessionCache : public ::testing::Test {
protected:
    SessionCache() : schema_(Schema::load_text(kSchema)), driver_(schema_) {}

    // An AuthService whose role writes through `service_` are reported to it, as the
    // application wires them.
    void start(int64_t cache_ms, int64_t idle_ttl_ms = 3600 * 1000) {
        AuthOptions o;
        o.session_cache_ms = cache_ms;
        o.idle_ttl_ms = idle_ttl_ms;
        o.admin_token = "the-admin-token";
        auth_ = std::make_unique<AuthService>(schema_, driver_, store_, o);
        ServiceOptions so;
        so.after_write = [this](const Entity& e, std::string_view id) { auth_->document_written(e, id); };
        service_ = std::make_unique<DocumentService>(schema_, driver_, so);
        driver_.put_unchecked(role(), Document{{"id", "role1"}, {"role", "reader"}, {"permissions", json::object{{"*", "rs"}}}});
        Session s;
        s.id = "session-one";
        s.entity = "Login";
        s.user_id = "login1";
        s.role_id = "role1";
        s.created_ms = epoch_ms_now();
        s.expires_ms = s.created_ms + o.idle_ttl_ms;
        store_.put(s);
        store_.puts = 0;
    }
    const Entity& role() { return *schema_.find("Role"); }
    const Entity& account() { return *schema_.find("Account"); }
    std::optional<Caller> caller(const std::string& id = "session-one") { return auth_->authenticate("Bearer " + id, ""); }
    bool may_create_accounts() {
        std::optional<Caller> c = caller();
        return c && c->permissions.allows(account(), 'c');
    }
    RequestParams params() { return parse_request_params(schema_, role(), {}); }

    Schema schema_;
    testing_support::MemoryDriver driver_;
    CountingSessionStore store_;
    std::unique_ptr<AuthService> auth_;
    std::unique_ptr<DocumentService> service_;
};

TEST_F(SessionCache, RepeatedRequestsReadTheSessionAndTheRoleOnceAndWriteNothing) {
    start(60000);
    ASSERT_TRUE(caller().has_value());
    EXPECT_EQ(store_.gets, 1);
    // Storage gone: the cached session and role still answer.
    driver_.set_read_failure("down", /*unavailable=*/true);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(caller().has_value()) << i;
    EXPECT_EQ(store_.gets, 1);
    EXPECT_EQ(store_.puts, 0) << "no renewal write per request";
    driver_.set_read_failure(std::nullopt);
    EXPECT_EQ(caller("unknown-session"), std::nullopt);
    EXPECT_EQ(caller("unknown-session"), std::nullopt);
    EXPECT_EQ(store_.gets, 3) << "an unknown id is not cached: each try asks the store";
    ASSERT_TRUE(auth_->authenticate("Bearer the-admin-token", "").has_value());
    EXPECT_TRUE(auth_->authenticate("Bearer the-admin-token", "")->permissions.superuser());
}

TEST_F(SessionCache, ALogoutInThisProcessHoldsAtOnce) {
    start(60000);
    ASSERT_TRUE(caller().has_value());
    auth_->logout("session-one");
    EXPECT_EQ(caller(), std::nullopt);
}

TEST_F(SessionCache, ALogoutElsewhereHoldsWithinTheCacheLifetime) {
    start(300);
    ASSERT_TRUE(caller().has_value());
    store_.remove("session-one");   // another server process's logout
    EXPECT_TRUE(caller().has_value()) << "this process still trusts what it read";
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    EXPECT_EQ(caller(), std::nullopt);
}

TEST_F(SessionCache, WithoutACacheEveryRequestReadsAndALogoutElsewhereHoldsAtOnce) {
    start(0);
    ASSERT_TRUE(caller().has_value());
    ASSERT_TRUE(caller().has_value());
    EXPECT_EQ(store_.gets, 2);
    store_.remove("session-one");
    EXPECT_EQ(caller(), std::nullopt);
}

TEST_F(SessionCache, ARoleWrittenThroughThisProcessHoldsAtOnce) {
    start(60000);
    EXPECT_FALSE(may_create_accounts());
    Notifications notes;
    service_->patch(role(), "role1", json::object{{"permissions", json::object{{"*", "crus"}}}}, params(), notes);
    EXPECT_TRUE(may_create_accounts()) << "the role cache forgot the written role";
    service_->remove(role(), "role1", params(), notes);
    EXPECT_EQ(caller(), std::nullopt) << "no role: no session (docs/AUTH.md \"Sessions\")";
}

TEST_F(SessionCache, AWipeThroughThisProcessForgetsTheRolesAtOnce) {
    start(60000);
    ASSERT_TRUE(caller().has_value());
    service_->wipe();   // POST /api/db/init
    EXPECT_EQ(caller(), std::nullopt) << "the role is gone with every other document";
}

TEST_F(SessionCache, ARoleWrittenElsewhereHoldsWithinTheCacheLifetime) {
    start(300);
    EXPECT_FALSE(may_create_accounts());
    // Another process's write: this one is not told.
    driver_.put_unchecked(role(), Document{{"id", "role1"}, {"role", "reader"}, {"permissions", json::object{{"*", "crus"}}}});
    EXPECT_FALSE(may_create_accounts());
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    EXPECT_TRUE(may_create_accounts());
}

TEST_F(SessionCache, AnIdleSessionEndsAtItsTimeEvenWhileCached) {
    start(60000, /*idle_ttl_ms=*/300);
    ASSERT_TRUE(caller().has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(350));
    EXPECT_EQ(caller(), std::nullopt) << "idle longer than its idle lifetime, cache or not";
}

// Requests race a logout of their session on another thread: every request that begins
// after logout() has returned is refused, whatever the requests before it cached. The
// window is a request that read the session just before its removal and caches it just
// after; the store's reads take 100 µs, as a round trip would, and 200 rounds catch it.
TEST_F(SessionCache, ConcurrentRequestsNeverOutliveALogout) {
    start(60000);
    store_.read_delay_us = 100;
    for (int round = 0; round < 200; ++round) {
        const std::string id = "racing-" + std::to_string(round);
        Session s;
        s.id = id;
        s.entity = "Login";
        s.user_id = "login1";
        s.role_id = "role1";
        s.created_ms = epoch_ms_now();
        s.expires_ms = s.created_ms + 3600 * 1000;
        store_.put(s);
        std::atomic<bool> logged_out{false};
        std::atomic<int> outlived{0};
        std::vector<std::thread> requests;
        for (int t = 0; t < 3; ++t)
            requests.emplace_back([&] {
                for (int i = 0; i < 20; ++i) {
                    const bool after = logged_out.load();
                    if (caller(id).has_value() && after) outlived.fetch_add(1);
                }
            });
        std::this_thread::yield();
        auth_->logout(id);
        logged_out = true;
        for (auto& r : requests) r.join();
        ASSERT_EQ(outlived.load(), 0) << "round " << round;
        ASSERT_EQ(caller(id), std::nullopt) << "round " << round;
    }
}


// A request reads a session due for renewal; while its reply travels, another process
// logs the session out; the request's renewal must not write the session back. The store's
// read takes 20 ms here, so the logout lands inside the window every round.
TEST_F(SessionCache, ARenewalRacingALogoutDoesNotBringTheSessionBack) {
    start(0, /*idle_ttl_ms=*/3600 * 1000);
    for (int round = 0; round < 5; ++round) {
        Session s;
        s.id = "renewing-" + std::to_string(round);
        s.entity = "Login";
        s.user_id = "login1";
        s.role_id = "role1";
        s.created_ms = epoch_ms_now();
        s.expires_ms = s.created_ms + 1800 * 1000;   // half the idle lifetime left: the next use renews it
        store_.put(s);
        store_.read_delay_us = 20000;
        std::optional<Caller> seen;
        std::thread request([&] { seen = caller(s.id); });
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        store_.remove(s.id);   // the logout, through another process
        request.join();
        store_.read_delay_us = 0;
        EXPECT_EQ(seen, std::nullopt) << "round " << round << ": the renewal found the session ended";
        EXPECT_EQ(store_.get(s.id, epoch_ms_now()), std::nullopt) << "round " << round << ": the logout stays";
        EXPECT_EQ(caller(s.id), std::nullopt) << "round " << round;
    }
}

}  // namespace
}  // namespace events
