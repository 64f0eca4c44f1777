// What the database outage tests (outage_test.cpp: PostgreSQL and MongoDB on FerretDB;
// es_outage_test.cpp: OpenSearch) share: each brings a database server of its own
// (tests/servers/NAME/server.sh with a private directory, never the shared one of the other
// tests, because it pauses it), runs the events server on it, and checks that during the
// outage every request is answered 503 promptly and that the server recovers by itself.
#pragma once

#include "e2e_fixture.h"

#include <chrono>
#include <memory>
#include <string>

namespace events::e2e {

// A request during the outage must be answered within this (503), not hang: the client gives
// up after it and would then report status 0.
constexpr int kOutageAnswerBound_s = 15;

// The output of a shell command.
struct CommandResult {
    int status = -1;        // as returned by pclose (0 = success)
    std::string output;     // stdout and stderr
};

// Runs `command` with /bin/sh, stderr merged into stdout; waits for it to end.
CommandResult run_command(const std::string& command);

// Whether `r` is the envelope of an outage: HTTP 503, data null, and a first general error
// of type "unavailable" (docs/API.md "Envelope": a database that cannot be reached answers 503).
::testing::AssertionResult IsUnavailable(const HttpResponse& r);

// One database server the outage tests can start, pause, resume and stop.
struct OutageServerSpec {
    std::string script;                 // tests/servers/<script>/server.sh
    std::string dir_var;                // env var naming the server's private directory
    std::string uri_var;                // the `export VAR=` line of `start` giving its URI
    std::string extra_env;              // more `VAR='value' ` assignments for the script, or ""
    std::string database;               // the events config "database" value
    std::string prerequisite;           // shell command that must succeed, else the test is skipped ("" = none)
    std::string prerequisite_missing;   // the skip reason when it fails
    std::string unbuildable_marker;     // in the output of a failed `start`: skip instead of fail ("" = none)
    std::chrono::seconds recovery_bound{30};   // how long the server may take to notice the database is back
};

// Fixture: a database server of the test's own plus an events server on it (database
// "outage_test"). Subclasses call start() from SetUp.
class OutageTest : public ::testing::Test {
protected:
    // Starts the database server described by `spec` and the events server on it; skips
    // (GTEST_SKIP) when the prerequisite is missing. Fatal failures when either does not start.
    void start(OutageServerSpec spec);
    void TearDown() override;

    // Runs `tests/servers/<script>/server.sh action` (start|stop|pause|resume|env) on this
    // test's server directory.
    CommandResult db(const std::string& action);

    const HttpClient& http() const { return server_->http(); }

    // POSTs `body` to /api/<entity>; expects 201 and returns the new id ("" on failure).
    std::string create(const std::string& entity, const json::object& body);

    // Polls /api/health until it answers 200 (the server reconnects on demand); false when
    // the recovery bound passes first.
    bool wait_healthy();

    // The common outage scenario. Writes an account "Survivor" and its user "survivor",
    // pauses the database, and `rounds` times checks that /api/health (with `check_health`),
    // a list, a read and a write each answer 503 without hanging; then checks the server did
    // not exit, resumes the database, waits until healthy and checks that the user and only
    // the account "Survivor" are there. Fatal failures on the way; the caller then checks
    // its backend's specifics with the ids left in account_ and user_.
    template <typename HealthCheck>
    void run_outage(int rounds, HealthCheck check_health) {
        account_ = create("account", account_body("Survivor"));
        user_ = create("user", user_body(account_, "survivor"));
        ASSERT_FALSE(user_.empty());

        const CommandResult paused = db("pause");
        ASSERT_EQ(paused.status, 0) << paused.output;

        HttpClient client(server_->port());
        client.set_timeout(kOutageAnswerBound_s);
        for (int i = 0; i < rounds; ++i) {
            SCOPED_TRACE("request " + std::to_string(i));
            check_health(client.get("/api/health"));
            EXPECT_TRUE(IsUnavailable(client.get("/api/user")));
            EXPECT_TRUE(IsUnavailable(client.get("/api/user/" + user_)));
            EXPECT_TRUE(IsUnavailable(client.post("/api/account", account_body("During outage"))));
        }
        EXPECT_FALSE(server_->wait_exit(1).has_value()) << "the server exited during the outage";

        const CommandResult resumed = db("resume");
        ASSERT_EQ(resumed.status, 0) << resumed.output;
        ASSERT_TRUE(wait_healthy()) << "no 200 from /api/health within the recovery bound after the database came back";

        // What was written before the outage is there; nothing of the failed write is.
        const HttpResponse r = http().get("/api/user/" + user_);
        ASSERT_TRUE(IsSuccess(r)) << describe(r);
        EXPECT_EQ(data(r).at("username"), "survivor");
        const HttpResponse accounts = http().get("/api/account?pageSize=10");
        ASSERT_TRUE(IsSuccess(accounts));
        EXPECT_EQ(list_field(accounts, "name"), std::vector<std::string>{"Survivor"});
    }

    OutageServerSpec spec_;
    std::string dir_;          // the events server's directory
    std::string server_dir_;   // the database server's private directory
    std::string uri_;          // the database server's URI
    std::string account_, user_;   // written by run_outage
    std::unique_ptr<TestServer> server_;
};

}  // namespace events::e2e
