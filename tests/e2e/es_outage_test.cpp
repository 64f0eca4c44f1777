// An OpenSearch outage seen through the real server: while the node is down every request
// is answered 503 (promptly, not by hanging), and the server recovers by itself when the
// node comes back on the same port with the same data.
//
// The test brings its own node (tests/servers/opensearch/server.sh with a private
// directory), because it stops it: the shared node of the other tests is never touched.
// Skipped when java or mvn is not installed.
#include "outage_support.h"

#include <chrono>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

namespace events::e2e {
namespace {

class EsOutage : public OutageTest {
protected:
    void SetUp() override {
        start({.script = "opensearch",
               .dir_var = "EVENTS_ES_TEST_DIR",
               .uri_var = "EVENTS_TEST_ES_URI",
               .extra_env = "",
               .database = "elasticsearch",
               .prerequisite = "command -v java && command -v mvn",
               .prerequisite_missing = "java or mvn not installed (scripts/install-deps.sh --test installs them)",
               .unbuildable_marker = "",
               .recovery_bound = std::chrono::seconds(60)});
    }
};

TEST_F(EsOutage, StoppedNodeAnswers503AndTheServerRecovers) {
    run_outage(3, [](const HttpResponse& health) { EXPECT_EQ(health.status, 503); });
    if (HasFatalFailure()) return;

    // Writes work again, uniques included.
    EXPECT_FALSE(create("user", user_body(account_, "after")).empty());
    EXPECT_EQ(http().post("/api/user", user_body(account_, "after")).status, 409);
    EXPECT_TRUE(IsSuccess(http().patch("/api/user/" + user_, json::object{{"firstName", "Back"}})));
    EXPECT_EQ(data(http().get("/api/user/" + user_)).at("firstName"), "Back");
}

// Uniques recover online (docs/DECISIONS.md §4.4): the node stops in the middle of a burst
// of creates, so some writes claim their username and never write their document. Once the
// node is back, each of those usernames can be created again without restarting events:
// a write that meets such a claim releases it once it stayed orphaned for the grace period
// (30 s, es_driver.h).
TEST_F(EsOutage, ClaimsOfWritesCutByAnOutageAreReleasedOnline) {
    constexpr int kWriters = 16;
    account_ = create("account", account_body("Claims Corp"));
    ASSERT_FALSE(account_.empty());
    auto body_of = [&](const std::string& name, const std::string& id_prefix = "id") {
        json::object body = user_body(account_, name);
        body["id"] = id_prefix + name;
        return body;
    };
    // Each writer creates users one after the other until one is not created: the write
    // the node's stop cut.
    HttpClient client(server_->port());
    client.set_timeout(kOutageAnswerBound_s);
    std::vector<std::string> cut_names(kWriters);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWriters; ++i)
        threads.emplace_back([&, i] {
            for (int j = 0;; ++j) {
                const std::string name = "burst" + std::to_string(i) + "x" + std::to_string(j);
                if (client.post("/api/user", body_of(name)).status != 201) {
                    cut_names[i] = name;
                    return;
                }
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const CommandResult paused = db("pause");
    for (auto& t : threads) t.join();
    ASSERT_EQ(paused.status, 0) << paused.output;
    const CommandResult resumed = db("resume");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    ASSERT_TRUE(wait_healthy());

    // Every user whose create was cut is created now (under a new id, as a client retrying
    // a POST without an id gets), within the grace period and a margin.
    const auto back = std::chrono::steady_clock::now();
    const auto deadline = back + std::chrono::seconds(75);
    std::set<std::string> pending(cut_names.begin(), cut_names.end()), refused;
    while (!pending.empty()) {
        for (auto it = pending.begin(); it != pending.end();) {
            const std::string& name = *it;
            if (http().get("/api/user/id" + name).status == 200) {   // the write had landed
                it = pending.erase(it);
                continue;
            }
            const HttpResponse r = http().post("/api/user", body_of(name, "retry"));
            if (r.status == 201) {
                it = pending.erase(it);
                continue;
            }
            ASSERT_EQ(r.status, 409) << describe(r);
            refused.insert(name);
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << name << " stays refused: " << describe(r);
            ++it;
        }
        if (!pending.empty()) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    const size_t refused_at_first = refused.size();
    std::cout << "[ figures  ] " << kWriters << " creates cut by the outage, " << refused_at_first
              << " refused by a stale claim at first; all created "
              << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - back).count()
              << " s after the node came back\n";
    // A value really held stays refused.
    EXPECT_EQ(http().post("/api/user", user_body(account_, "burst0x0")).status, 409);
}

}  // namespace
}  // namespace events::e2e
