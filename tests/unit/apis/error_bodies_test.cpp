// docs/DECISIONS.md §4.7: a 500 or 503 answer carries no engine text (SQL, index names,
// hosts, ports, paths); it names the request id, under which the log holds the detail.
#include "support/api_scenario.h"

#include <gtest/gtest.h>

namespace events::testing_support {
namespace {

const char* const kSchema = R"(
_entities:
  Account:
    fields:
      name: {type: String, required: true}
)";

const std::string kEngineText =
    "SELECT * FROM \"db_x\".\"account\" WHERE id = $1: connection to 10.1.2.3:5432 failed (/var/run/pg.sock)";

void expect_no_engine_text(const HttpResponse& r) {
    for (const char* piece : {"SELECT", "db_x", "10.1.2.3", "5432", "/var/run", "account\\\""})
        EXPECT_EQ(r.body.find(piece), std::string::npos) << piece << " in " << r.body;
}

TEST(ErrorBodies, InternalErrorNamesTheRequestIdOnly) {
    ApiTestApp app(kSchema);
    app.driver().set_read_failure(kEngineText);
    for (const char* url : {"/api/account", "/api/account/a1"}) {
        HttpResponse r = app.run({.name = url, .url = url, .headers = {{"X-Request-Id", "req-42"}},
                                  .expected_status = 500,
                                  .expected_content = {R"("type":"internal_error")",
                                                       R"x("message":"Internal error (request id req-42)")x"}});
        expect_no_engine_text(r);
    }
}

TEST(ErrorBodies, UnavailableNamesTheRequestIdOnly) {
    ApiTestApp app(kSchema);
    app.driver().set_read_failure(kEngineText, /*unavailable=*/true);
    HttpResponse r = app.run({.name = "list", .url = "/api/account", .headers = {{"X-Request-Id", "req-43"}},
                              .expected_status = 503,
                              .expected_content = {R"("type":"unavailable")",
                                                   R"x("message":"Database unavailable (request id req-43)")x"}});
    expect_no_engine_text(r);
    // Without a client id the generated one is in the message and in the X-Request-Id header.
    HttpResponse generated = app.send("GET", "/api/account");
    ASSERT_EQ(generated.status, 503);
    std::string id;
    for (const auto& [name, value] : generated.headers)
        if (name == "X-Request-Id") id = value;
    ASSERT_FALSE(id.empty());
    EXPECT_NE(generated.body.find("Database unavailable (request id " + id + ")"), std::string::npos) << generated.body;
}

}  // namespace
}  // namespace events::testing_support
