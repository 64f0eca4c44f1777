// The conformance fixture: every test runs once per storage backend against the real
// binary. Helpers build valid documents of the sample schema and check the envelope.
#pragma once

#include "backends/test_backend.h"
#include "http_client.h"
#include "test_server.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

// Lets tests write EXPECT_EQ(doc.at("name"), some_std_string).
namespace boost::json {
inline bool operator==(const value& v, const std::string& s) { return v.is_string() && v.get_string() == s; }
inline bool operator==(const value& v, const char* s) { return v.is_string() && v.get_string() == s; }
}  // namespace boost::json

namespace events::e2e {

namespace json = boost::json;

// ---- documents of the sample schema (schemas/events.yaml), valid as they are ----------
json::object account_body(const std::string& name = "Acme Corporation");
// username must be alphanumeric (it is also the local part of the e-mail address).
json::object user_body(const std::string& account_id, const std::string& username = "jsmith");
json::object profile_body(const std::string& user_id, const std::string& name = "Main profile");
json::object tag_body(const std::string& profile_id, const std::string& tag = "music", int affinity = 50);
json::object event_body(const std::string& title = "Concert", const std::string& date_time = "2025-06-01T19:00:00Z");
json::object userevent_body(const std::string& user_id, const std::string& event_id);
json::object url_body(const std::string& url = "https://example.com/events");
json::object crawl_body(const std::string& url_id);

// ---- reading responses ------------------------------------------------------------------
std::string str(const json::value& v);   // the string, or the JSON text for non-strings
const json::value& data(const HttpResponse& r);
// The ids of a list response, in order.
std::vector<std::string> list_ids(const HttpResponse& r);
// A field of each document of a list response, in order (JSON text for non-strings).
std::vector<std::string> list_field(const HttpResponse& r, const std::string& field);
std::string describe(const HttpResponse& r);   // for failure messages

// The response is the project envelope: data, notifications (object), status, no summary;
// `status` agrees with the HTTP status and the notices.
::testing::AssertionResult IsEnvelope(const HttpResponse& r);
// An error response: HTTP `status`, the envelope with status "error", data null and, under
// notifications[key].errors, an error with this type and message (and field / parameter
// when given).
::testing::AssertionResult HasError(const HttpResponse& r, int status, const std::string& key,
                                    const std::string& type, const std::string& message,
                                    const std::optional<std::string>& field = std::nullopt,
                                    const std::optional<std::string>& parameter = std::nullopt);
// A warning under notifications[key].warnings with this type and message (and field).
::testing::AssertionResult HasWarning(const HttpResponse& r, const std::string& key, const std::string& type,
                                      const std::string& message,
                                      const std::optional<std::string>& field = std::nullopt);
// A success: HTTP `status`, the envelope, status "success", notifications {}.
::testing::AssertionResult IsSuccess(const HttpResponse& r, int status = 200);

// The schema file of the repository, and a modified copy of it.
std::string sample_schema_text();
// Inserts `lines` right after the line `after` (which must exist once) of `text`.
std::string insert_after(const std::string& text, const std::string& after, const std::string& lines);

// The sample User's fields that sort and filter accept, as "Valid fields: ..." lists them,
// and the sample's entity routes, as "Unknown route: ..." lists them (docs/API.md).
inline const std::string kSampleUserFields =
    "id, username, email, password, firstName, lastName, gender, dob, address, city, state, zip, isAccountOwner, "
    "netWorth, accountId, createdAt, updatedAt";
inline const std::string kSampleEntityRoutes =
    "/api/account, /api/user, /api/profile, /api/tagaffinity, /api/event, /api/userevent, /api/url, /api/crawl";

// ---- the fixture ----------------------------------------------------------------------------
class E2ETest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override;
    void TearDown() override;

    // The config value of `database` of this test's backend ("sqlite", "mongodb", ...).
    const std::string& backend() const { return backend_; }
    const TestBackend& test_backend() const { return *test_backend_; }
    const std::string& dir() const { return dir_; }
    const std::string& db_name() const { return db_name_; }

    // project_name, database, db_uri, db_name, host, log_level for this test's database.
    json::object base_config() const;
    ServerSetup default_setup() const;

    // The server of the test: started with base_config() on first use.
    TestServer& server();
    // Stops the current server (checking it exits 0) and starts one with `setup`; throws
    // (failing the test) when it does not come up.
    TestServer& start_server(ServerSetup setup);
    TestServer& start_server_with(const json::object& config_overrides);
    // Stops the current server; returns its exit code.
    int stop_server();
    // Kills the current server with SIGKILL (a crash); returns its exit code (128+9).
    int kill_server();
    // Restarts with the same setup (same database).
    TestServer& restart_server();

    // Requests to the current server.
    HttpResponse get(const std::string& target) { return server().http().get(target); }
    HttpResponse del(const std::string& target) { return server().http().del(target); }
    HttpResponse post(const std::string& target, const json::value& body) { return server().http().post(target, body); }
    HttpResponse put(const std::string& target, const json::value& body) { return server().http().put(target, body); }
    HttpResponse patch(const std::string& target, const json::value& body) { return server().http().patch(target, body); }
    HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {}) {
        return server().http().request(method, target, body, headers);
    }
    HttpResponse raw(const std::string& bytes) { return server().http().raw(bytes); }

    // POST that must answer 201; returns the new id (throws otherwise).
    std::string create(const std::string& entity, const json::object& body);
    std::string create_account(const std::string& name = "Acme Corporation");
    std::string create_user(const std::string& account_id, const std::string& username = "jsmith");
    // GET /api/<entity>/<id> that must answer 200; returns data.
    json::object fetch(const std::string& entity, const std::string& id);
    // Every document of every entity of the sample schema, as JSON text: compare before and
    // after a request to show it changed nothing.
    std::string snapshot();
    // The server still answers.
    ::testing::AssertionResult StillServing();

    // Behind the server's back, on this test's database (TestBackend).
    ::testing::AssertionResult set_raw_field(const std::string& entity, const std::string& id, const std::string& field,
                                             const std::string& value);
    ::testing::AssertionResult delete_raw(const std::string& entity, const std::string& id);

private:
    const TestBackend* test_backend_ = nullptr;
    std::string backend_;
    std::string dir_;
    std::string db_name_;
    ServerSetup current_setup_;
    std::unique_ptr<TestServer> server_;
};

// The test-name suffix: the backend's label.
std::string backend_name(const ::testing::TestParamInfo<std::string>& info);

}  // namespace events::e2e

// Runs every test of `suite` once per registered backend (backends/test_backend.cpp).
#define E2E_INSTANTIATE(suite)                                                                      \
    INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::ValuesIn(::events::e2e::test_backend_labels()), \
                             ::events::e2e::backend_name)
