#include "outage_support.h"

#include <cstdio>
#include <thread>

namespace events::e2e {

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
    if (auto env = IsEnvelope(r); !env) return env;
    if (!data(r).is_null()) return ::testing::AssertionFailure() << "data is not null: " << describe(r);
    const auto& errors = r.json.at("notifications").at("general").at("errors").as_array();
    if (errors.empty() || errors[0].at("type") != "unavailable")
        return ::testing::AssertionFailure() << "no 'unavailable' error: " << describe(r);
    return ::testing::AssertionSuccess();
}

void OutageTest::start(OutageServerSpec spec) {
    spec_ = std::move(spec);
    if (!spec_.prerequisite.empty() && run_command(spec_.prerequisite).status != 0)
        GTEST_SKIP() << spec_.prerequisite_missing;
    dir_ = make_temp_dir();
    // Its own temp dir (not inside dir_): a script may hand it to another user (postgres).
    server_dir_ = make_temp_dir();
    const CommandResult started = db("start");
    if (started.status != 0 && !spec_.unbuildable_marker.empty() &&
        started.output.find(spec_.unbuildable_marker) != std::string::npos)
        GTEST_SKIP() << spec_.script << " cannot be built here: " << started.output;
    ASSERT_EQ(started.status, 0) << started.output;
    const std::string key = "export " + spec_.uri_var + "=";
    const size_t at = started.output.find(key);
    ASSERT_NE(at, std::string::npos) << started.output;
    uri_ = started.output.substr(at + key.size(), started.output.find('\n', at) - at - key.size());

    ServerSetup setup;
    setup.config = json::object{{"project_name", "Outage"}, {"database", spec_.database}, {"db_uri", uri_},
                                {"db_name", "outage_test"}, {"host", "127.0.0.1"}, {"log_level", "info"}};
    server_ = std::make_unique<TestServer>(std::move(setup), dir_);
    std::string error;
    ASSERT_TRUE(server_->start(error)) << error;
}

void OutageTest::TearDown() {
    if (server_ && server_->running()) {
        EXPECT_EQ(server_->stop(), 0) << "the server did not exit cleanly; output:\n" << server_->output();
    }
    if (server_ && HasFailure()) std::fprintf(stderr, "outage: server output:\n%s\n", server_->output().c_str());
    if (!server_dir_.empty()) db("stop");   // also removes server_dir_
    if (!dir_.empty()) remove_tree(dir_);
}

CommandResult OutageTest::db(const std::string& action) {
    const std::string script = std::string(EVENTS_SOURCE_DIR) + "/tests/servers/" + spec_.script + "/server.sh";
    return run_command(spec_.dir_var + "='" + server_dir_ + "' " + spec_.extra_env + "'" + script + "' " + action);
}

std::string OutageTest::create(const std::string& entity, const json::object& body) {
    const HttpResponse r = http().post("/api/" + entity, body);
    EXPECT_TRUE(IsSuccess(r, 201)) << "POST /api/" << entity << ": " << describe(r);
    return data(r).is_object() && data(r).as_object().contains("id") ? str(data(r).at("id")) : "";
}

bool OutageTest::wait_healthy() {
    const auto deadline = std::chrono::steady_clock::now() + spec_.recovery_bound;
    while (std::chrono::steady_clock::now() < deadline) {
        if (http().get("/api/health").status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

}  // namespace events::e2e
