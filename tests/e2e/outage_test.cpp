// Database outages seen through the real server (PostgreSQL; MongoDB on FerretDB at the
// end). A PostgreSQL outage: a lost connection is retried once,
// an unreachable database answers 503 (promptly, not by hanging), and the server recovers
// by itself when the database comes back. /api/health reports each state.
//
// Each test brings its own database server (OutageTest, outage_support.h), because it kills
// sessions and stops the server: the shared one of the other tests is never touched.
// Skipped when the PostgreSQL binaries are not installed.
#include "outage_support.h"

#include <chrono>
#include <cstdlib>

namespace events::e2e {
namespace {

const std::string kPgBin = [] {
    const char* bin = std::getenv("PG_BIN");
    return std::string(bin && *bin ? bin : "/usr/lib/postgresql/15/bin");
}();
constexpr const char* kDatabase = "outage_test";   // the db_name OutageTest configures

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

class PgOutage : public OutageTest {
protected:
    void SetUp() override {
        start({.script = "postgresql",
               .dir_var = "EVENTS_PG_TEST_DIR",
               .uri_var = "EVENTS_TEST_PG_URI",
               .extra_env = "PG_BIN='" + kPgBin + "' ",
               .database = "postgresql",
               .prerequisite = "test -e '" + kPgBin + "/initdb' && test -e '" + kPgBin + "/psql'",
               .prerequisite_missing = "PostgreSQL binaries not found in " + kPgBin,
               .unbuildable_marker = "",
               .recovery_bound = std::chrono::seconds(30)});
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
    run_outage(3, [](const HttpResponse& health) {
        EXPECT_TRUE(HasError(health, 503, "general", "unavailable", "Database postgresql is unreachable"));
    });
    if (HasFatalFailure()) return;
    const std::string& account = account_;
    const std::string& user = user_;
    const HttpResponse health = http().get("/api/health");
    ASSERT_TRUE(IsSuccess(health));
    EXPECT_EQ(data(health).at("reachable"), json::value(true));
    HttpResponse r = http().get("/api/user/" + user);
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(data(r).at("accountId"), account);

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

// A FerretDB server of the test's own, stopped and started again on the same port and data.
// Skipped when the server cannot be built here (no Go toolchain and no cached binary).
class MongoOutage : public OutageTest {
protected:
    void SetUp() override {
        start({.script = "ferretdb",
               .dir_var = "EVENTS_FERRETDB_TEST_DIR",
               .uri_var = "EVENTS_TEST_FERRETDB_URI",
               .extra_env = "",
               .database = "mongodb",
               .prerequisite = "",
               .prerequisite_missing = "",
               .unbuildable_marker = "Go is not installed",
               .recovery_bound = std::chrono::seconds(30)});
    }
};

TEST_F(MongoOutage, StoppedServerAnswers503AndTheServerRecovers) {
    run_outage(2, [](const HttpResponse& health) {
        EXPECT_TRUE(HasError(health, 503, "general", "unavailable", "Database mongodb is unreachable"))
            << describe(health);
    });
    if (HasFatalFailure()) return;
    const std::string after = create("user", user_body(account_, "after"));
    ASSERT_FALSE(after.empty());
    EXPECT_TRUE(IsSuccess(http().patch("/api/user/" + user_, json::object{{"firstName", "Back"}})));
    EXPECT_EQ(data(http().get("/api/user/" + user_)).at("firstName"), "Back");
}

}  // namespace
}  // namespace events::e2e
