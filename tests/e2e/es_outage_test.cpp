// An OpenSearch outage seen through the real server: while the node is down every request
// is answered 503 (promptly, not by hanging), and the server recovers by itself when the
// node comes back on the same port with the same data.
//
// The test brings its own node (tests/servers/opensearch/server.sh with a private
// directory), because it stops it: the shared node of the other tests is never touched.
// Skipped when java or mvn is not installed.
#include "e2e_fixture.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace events::e2e {
namespace {

const std::string kNodeScript = std::string(EVENTS_SOURCE_DIR) + "/tests/servers/opensearch/server.sh";
constexpr int kOutageAnswerBound_s = 15;
constexpr auto kRecoveryBound = std::chrono::seconds(60);

struct CommandResult {
    int status = -1;
    std::string output;
};

CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
    r.status = ::pclose(pipe);
    return r;
}

::testing::AssertionResult IsUnavailable(const HttpResponse& r) {
    if (r.status != 503) return ::testing::AssertionFailure() << "expected HTTP 503, got " << describe(r);
    const auto& errors = r.json.at("notifications").at("general").at("errors").as_array();
    if (errors.empty() || errors[0].at("type") != "unavailable")
        return ::testing::AssertionFailure() << "no 'unavailable' error: " << describe(r);
    return ::testing::AssertionSuccess();
}

class EsOutage : public ::testing::Test {
protected:
    void SetUp() override {
        if (run_command("command -v java && command -v mvn").status != 0)
            GTEST_SKIP() << "java or mvn not installed (scripts/install-deps.sh installs them)";
        dir_ = make_temp_dir();
        node_dir_ = make_temp_dir();
        const CommandResult started = node("start");
        ASSERT_EQ(started.status, 0) << started.output;
        const std::string key = "export EVENTS_TEST_ES_URI=";
        const size_t at = started.output.find(key);
        ASSERT_NE(at, std::string::npos) << started.output;
        const std::string uri = started.output.substr(at + key.size(), started.output.find('\n', at) - at - key.size());

        ServerSetup setup;
        setup.config = json::object{{"project_name", "Outage"}, {"database", "elasticsearch"}, {"db_uri", uri},
                                    {"db_name", "outage_test"}, {"host", "127.0.0.1"}, {"log_level", "info"}};
        server_ = std::make_unique<TestServer>(std::move(setup), dir_);
        std::string error;
        ASSERT_TRUE(server_->start(error)) << error;
    }

    void TearDown() override {
        if (server_ && server_->running()) EXPECT_EQ(server_->stop(), 0) << server_->output();
        if (server_ && HasFailure()) std::fprintf(stderr, "outage: server output:\n%s\n", server_->output().c_str());
        if (!node_dir_.empty()) node("stop");   // also removes node_dir_
        if (!dir_.empty()) remove_tree(dir_);
    }

    CommandResult node(const std::string& action) {
        return run_command("EVENTS_ES_TEST_DIR='" + node_dir_ + "' '" + kNodeScript + "' " + action);
    }

    const HttpClient& http() const { return server_->http(); }

    std::string create(const std::string& entity, const json::object& body) {
        const HttpResponse r = http().post("/api/" + entity, body);
        EXPECT_TRUE(IsSuccess(r, 201)) << "POST /api/" << entity << ": " << describe(r);
        return data(r).is_object() && data(r).as_object().contains("id") ? str(data(r).at("id")) : "";
    }

    bool wait_healthy() {
        const auto deadline = std::chrono::steady_clock::now() + kRecoveryBound;
        while (std::chrono::steady_clock::now() < deadline) {
            if (http().get("/api/health").status == 200) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
        return false;
    }

    std::string dir_, node_dir_;
    std::unique_ptr<TestServer> server_;
};

TEST_F(EsOutage, StoppedNodeAnswers503AndTheServerRecovers) {
    const std::string account = create("account", account_body("Survivor"));
    const std::string user = create("user", user_body(account, "survivor"));
    ASSERT_FALSE(user.empty());

    const CommandResult paused = node("pause");
    ASSERT_EQ(paused.status, 0) << paused.output;

    HttpClient client(server_->port());
    client.set_timeout(kOutageAnswerBound_s);
    for (int i = 0; i < 3; ++i) {
        SCOPED_TRACE("request " + std::to_string(i));
        EXPECT_EQ(client.get("/api/health").status, 503);
        EXPECT_TRUE(IsUnavailable(client.get("/api/user")));
        EXPECT_TRUE(IsUnavailable(client.get("/api/user/" + user)));
        EXPECT_TRUE(IsUnavailable(client.post("/api/account", account_body("During outage"))));
    }
    EXPECT_FALSE(server_->wait_exit(1).has_value()) << "the server exited during the outage";

    const CommandResult resumed = node("resume");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    ASSERT_TRUE(wait_healthy()) << "no 200 from /api/health after the node came back";

    // What was written before the outage is there; nothing of the failed write is.
    HttpResponse r = http().get("/api/user/" + user);
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(data(r).at("username"), "survivor");
    const HttpResponse accounts = http().get("/api/account?pageSize=10");
    ASSERT_TRUE(IsSuccess(accounts));
    EXPECT_EQ(list_field(accounts, "name"), std::vector<std::string>{"Survivor"});

    // Writes work again, uniques included.
    EXPECT_FALSE(create("user", user_body(account, "after")).empty());
    EXPECT_EQ(http().post("/api/user", user_body(account, "after")).status, 409);
    EXPECT_TRUE(IsSuccess(http().patch("/api/user/" + user, json::object{{"firstName", "Back"}})));
    EXPECT_EQ(data(http().get("/api/user/" + user)).at("firstName"), "Back");
}

}  // namespace
}  // namespace events::e2e
