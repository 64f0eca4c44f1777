// An OpenSearch outage seen through the real server: while the node is down every request
// is answered 503 (promptly, not by hanging), and the server recovers by itself when the
// node comes back on the same port with the same data.
//
// The test brings its own node (tests/servers/opensearch/server.sh with a private
// directory), because it stops it: the shared node of the other tests is never touched.
// Skipped when java or mvn is not installed.
#include "outage_support.h"

#include <chrono>

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

}  // namespace
}  // namespace events::e2e
