// Database outages seen through the real server (PostgreSQL; MongoDB on FerretDB at the
// end). A PostgreSQL outage: a lost connection is retried once,
// an unreachable database answers 503 (promptly, not by hanging), and the server recovers
// by itself when the database comes back. /api/health reports each state.
//
// The test brings its own cluster (tests/servers/postgresql/server.sh with a private directory),
// because it kills sessions and stops the server: the shared cluster of the other tests
// is never touched. Skipped when the PostgreSQL binaries are not installed.
#include "e2e_fixture.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace events::e2e {
namespace {

const std::string kPgBin = [] {
    const char* bin = std::getenv("PG_BIN");
    return std::string(bin && *bin ? bin : "/usr/lib/postgresql/15/bin");
}();
const std::string kClusterScript = std::string(EVENTS_SOURCE_DIR) + "/tests/servers/postgresql/server.sh";
constexpr const char* kDatabase = "outage_test";
// A request during the outage must be answered within this (503), not hang.
constexpr int kOutageAnswerBound_s = 15;
// How long the server may take to notice that the database is back.
constexpr auto kRecoveryBound = std::chrono::seconds(30);

struct CommandResult {
    int status = -1;
    std::string output;   // stdout and stderr
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

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// The single error notice of an error response has this type.
::testing::AssertionResult IsUnavailable(const HttpResponse& r) {
    if (r.status != 503) return ::testing::AssertionFailure() << "expected HTTP 503, got " << describe(r);
    if (auto env = IsEnvelope(r); !env) return env;
    if (!data(r).is_null()) return ::testing::AssertionFailure() << "data is not null: " << describe(r);
    const auto& errors = r.json.at("notifications").at("general").at("errors").as_array();
    if (errors.empty() || errors[0].at("type") != "unavailable")
        return ::testing::AssertionFailure() << "no 'unavailable' error: " << describe(r);
    return ::testing::AssertionSuccess();
}

class PgOutage : public ::testing::Test {
protected:
    void SetUp() override {
        if (!file_exists(kPgBin + "/initdb") || !file_exists(kPgBin + "/psql"))
            GTEST_SKIP() << "PostgreSQL binaries not found in " << kPgBin;
        dir_ = make_temp_dir();
        // Its own temp dir (not inside dir_): the script hands it to the postgres user.
        cluster_dir_ = make_temp_dir();
        const CommandResult started = cluster("start");
        ASSERT_EQ(started.status, 0) << started.output;
        const std::string key = "export EVENTS_TEST_PG_URI=";
        const size_t at = started.output.find(key);
        ASSERT_NE(at, std::string::npos) << started.output;
        uri_ = started.output.substr(at + key.size(), started.output.find('\n', at) - at - key.size());

        ServerSetup setup;
        setup.config = json::object{{"project_name", "Outage"}, {"database", "postgresql"}, {"db_uri", uri_},
                                    {"db_name", kDatabase}, {"host", "127.0.0.1"}, {"log_level", "info"}};
        server_ = std::make_unique<TestServer>(std::move(setup), dir_);
        std::string error;
        ASSERT_TRUE(server_->start(error)) << error;
    }

    void TearDown() override {
        if (server_ && server_->running()) {
            EXPECT_EQ(server_->stop(), 0) << "the server did not exit cleanly; output:\n" << server_->output();
        }
        if (server_ && HasFailure()) std::fprintf(stderr, "outage: server output:\n%s\n", server_->output().c_str());
        if (!cluster_dir_.empty()) cluster("stop");   // also removes cluster_dir_
        if (!dir_.empty()) remove_tree(dir_);
    }

    CommandResult cluster(const std::string& action) {
        return run_command("EVENTS_PG_TEST_DIR='" + cluster_dir_ + "' PG_BIN='" + kPgBin + "' '" + kClusterScript +
                           "' " + action);
    }

    // Runs SQL on the maintenance database, behind the server's back; returns its output.
    std::string psql(const std::string& sql) {
        const CommandResult r =
            run_command("'" + kPgBin + "/psql' -X -q -At -v ON_ERROR_STOP=1 '" + uri_ + "/postgres' -c \"" + sql + "\"");
        EXPECT_EQ(r.status, 0) << "psql failed: " << r.output;
        return trim(r.output);
    }

    // Ends every session the server has open; returns how many there were.
    int terminate_server_sessions() {
        return std::atoi(psql(std::string("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                          "WHERE datname = '") +
                              kDatabase + "' AND pid <> pg_backend_pid()")
                             .c_str());
    }

    const HttpClient& http() const { return server_->http(); }

    std::string create(const std::string& entity, const json::object& body) {
        const HttpResponse r = http().post("/api/" + entity, body);
        EXPECT_TRUE(IsSuccess(r, 201)) << "POST /api/" << entity;
        return data(r).is_object() && data(r).as_object().contains("id") ? str(data(r).at("id")) : "";
    }

    // Polls /api/health until it answers 200 (the server reconnects on demand).
    bool wait_healthy() {
        const auto deadline = std::chrono::steady_clock::now() + kRecoveryBound;
        while (std::chrono::steady_clock::now() < deadline) {
            if (http().get("/api/health").status == 200) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

    std::string dir_;
    std::string cluster_dir_;
    std::string uri_;
    std::unique_ptr<TestServer> server_;
};

TEST_F(PgOutage, TerminatedSessionsAreReplacedWithoutFailingRequests) {
    const std::string account = create("account", account_body("Before"));
    const std::string user = create("user", user_body(account, "before"));
    ASSERT_FALSE(user.empty());

    // Several rounds: each kills every pooled session, then reads, lists, writes and asks
    // for health; every request must succeed on a fresh connection.
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        EXPECT_GE(terminate_server_sessions(), 1) << "the server held no session to terminate";
        HttpResponse r = http().get("/api/user/" + user);
        ASSERT_TRUE(IsSuccess(r)) << "read after pg_terminate_backend";
        EXPECT_EQ(data(r).at("username"), "before");

        terminate_server_sessions();
        EXPECT_TRUE(IsSuccess(http().get("/api/user?pageSize=10")));

        terminate_server_sessions();
        const std::string other = create("account", account_body("Round " + std::to_string(round)));
        EXPECT_FALSE(other.empty()) << "write after pg_terminate_backend";

        terminate_server_sessions();
        EXPECT_TRUE(IsSuccess(http().get("/api/health")));
    }
    const HttpResponse all = http().get("/api/account?pageSize=10");
    ASSERT_TRUE(IsSuccess(all));
    EXPECT_EQ(data(all).as_array().size(), 4u);
}

TEST_F(PgOutage, UnreachableDatabaseAnswers503AndTheServerRecovers) {
    const std::string account = create("account", account_body("Survivor"));
    const std::string user = create("user", user_body(account, "survivor"));
    ASSERT_FALSE(user.empty());

    const CommandResult paused = cluster("pause");
    ASSERT_EQ(paused.status, 0) << paused.output;

    // Each request during the outage is answered (503), not left hanging: the client gives
    // up after kOutageAnswerBound_s and would then report status 0.
    HttpClient client(server_->port());
    client.set_timeout(kOutageAnswerBound_s);
    for (int i = 0; i < 3; ++i) {
        SCOPED_TRACE("request " + std::to_string(i));
        const HttpResponse health = client.get("/api/health");
        EXPECT_TRUE(HasError(health, 503, "general", "unavailable", "Database postgresql is unreachable"));
        EXPECT_TRUE(IsUnavailable(client.get("/api/user")));
        EXPECT_TRUE(IsUnavailable(client.get("/api/user/" + user)));
        EXPECT_TRUE(IsUnavailable(client.post("/api/account", account_body("During outage"))));
    }
    EXPECT_FALSE(server_->wait_exit(1).has_value()) << "the server exited during the outage";

    const CommandResult resumed = cluster("resume");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    ASSERT_TRUE(wait_healthy()) << "no 200 from /api/health within the recovery bound after the database came back";
    const HttpResponse health = http().get("/api/health");
    ASSERT_TRUE(IsSuccess(health));
    EXPECT_EQ(data(health).at("reachable"), json::value(true));

    // What was written before the outage is there; nothing of the failed write is.
    HttpResponse r = http().get("/api/user/" + user);
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(data(r).at("username"), "survivor");
    EXPECT_EQ(data(r).at("accountId"), account);
    const HttpResponse accounts = http().get("/api/account?pageSize=10");
    ASSERT_TRUE(IsSuccess(accounts));
    EXPECT_EQ(list_field(accounts, "name"), std::vector<std::string>{"Survivor"});

    // Writes work again.
    const std::string after = create("user", user_body(account, "after"));
    ASSERT_FALSE(after.empty());
    EXPECT_TRUE(IsSuccess(http().patch("/api/user/" + user, json::object{{"firstName", "Back"}})));
    EXPECT_EQ(data(http().get("/api/user/" + user)).at("firstName"), "Back");
    const HttpResponse users = http().get("/api/user?pageSize=10");
    ASSERT_TRUE(IsSuccess(users));
    EXPECT_EQ(data(users).as_array().size(), 2u);
}

// ---- MongoDB (on FerretDB): the same outage, the server process stopped and restarted ----

const std::string kFerretScript = std::string(EVENTS_SOURCE_DIR) + "/tests/servers/ferretdb/server.sh";

// A FerretDB server of the test's own (tests/servers/ferretdb/server.sh with a private
// directory), stopped and started again on the same port and data. Skipped when the
// server cannot be built here (no Go toolchain and no cached binary).
class MongoOutage : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = make_temp_dir();
        server_dir_ = make_temp_dir();
        const CommandResult started = ferret("start");
        if (started.status != 0 && started.output.find("Go is not installed") != std::string::npos)
            GTEST_SKIP() << "FerretDB cannot be built here: " << started.output;
        ASSERT_EQ(started.status, 0) << started.output;
        const std::string key = "export EVENTS_TEST_FERRETDB_URI=";
        const size_t at = started.output.find(key);
        ASSERT_NE(at, std::string::npos) << started.output;
        uri_ = started.output.substr(at + key.size(), started.output.find('\n', at) - at - key.size());

        ServerSetup setup;
        setup.config = json::object{{"project_name", "Outage"}, {"database", "mongodb"}, {"db_uri", uri_},
                                    {"db_name", kDatabase}, {"host", "127.0.0.1"}, {"log_level", "info"}};
        server_ = std::make_unique<TestServer>(std::move(setup), dir_);
        std::string error;
        ASSERT_TRUE(server_->start(error)) << error;
    }

    void TearDown() override {
        if (server_ && server_->running()) {
            EXPECT_EQ(server_->stop(), 0) << "the server did not exit cleanly; output:\n" << server_->output();
        }
        if (server_ && HasFailure()) std::fprintf(stderr, "outage: server output:\n%s\n", server_->output().c_str());
        if (!server_dir_.empty()) ferret("stop");   // also removes server_dir_
        if (!dir_.empty()) remove_tree(dir_);
    }

    CommandResult ferret(const std::string& action) {
        return run_command("EVENTS_FERRETDB_TEST_DIR='" + server_dir_ + "' '" + kFerretScript + "' " + action);
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
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

    std::string dir_;
    std::string server_dir_;
    std::string uri_;
    std::unique_ptr<TestServer> server_;
};

TEST_F(MongoOutage, StoppedServerAnswers503AndTheServerRecovers) {
    const std::string account = create("account", account_body("Survivor"));
    const std::string user = create("user", user_body(account, "survivor"));
    ASSERT_FALSE(user.empty());

    const CommandResult paused = ferret("pause");
    ASSERT_EQ(paused.status, 0) << paused.output;

    HttpClient client(server_->port());
    client.set_timeout(kOutageAnswerBound_s);
    for (int i = 0; i < 2; ++i) {
        SCOPED_TRACE("request " + std::to_string(i));
        const HttpResponse health = client.get("/api/health");
        EXPECT_TRUE(HasError(health, 503, "general", "unavailable", "Database mongodb is unreachable")) << describe(health);
        EXPECT_TRUE(IsUnavailable(client.get("/api/user")));
        EXPECT_TRUE(IsUnavailable(client.get("/api/user/" + user)));
        EXPECT_TRUE(IsUnavailable(client.post("/api/account", account_body("During outage"))));
    }
    EXPECT_FALSE(server_->wait_exit(1).has_value()) << "the server exited during the outage";

    const CommandResult resumed = ferret("resume");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    ASSERT_TRUE(wait_healthy()) << "no 200 from /api/health within the recovery bound after the database came back";

    HttpResponse r = http().get("/api/user/" + user);
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(data(r).at("username"), "survivor");
    const HttpResponse accounts = http().get("/api/account?pageSize=10");
    ASSERT_TRUE(IsSuccess(accounts));
    EXPECT_EQ(list_field(accounts, "name"), std::vector<std::string>{"Survivor"});
    const std::string after = create("user", user_body(account, "after"));
    ASSERT_FALSE(after.empty());
    EXPECT_TRUE(IsSuccess(http().patch("/api/user/" + user, json::object{{"firstName", "Back"}})));
    EXPECT_EQ(data(http().get("/api/user/" + user)).at("firstName"), "Back");
}

}  // namespace
}  // namespace events::e2e
