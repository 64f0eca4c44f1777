// GET /api/metadata and GET /api/health (apis/metadata_routes.cpp) through the router,
// in process (support/api_scenario.h): their shapes, as docs/API.md "Routes" gives them.
#include "support/api_scenario.h"

#include <gtest/gtest.h>

namespace events::testing_support {
namespace {

namespace json = boost::json;

const char* const kSchema = R"(
_entities:
  Account:
    fields:
      name: {type: String, required: true}
  Log:
    fields:
      text: {type: String}
    operations: cr
)";

// A plain object (no envelope) {projectName, database, entities}, with each entity's
// `operations` (docs/DECISIONS.md §1, §2.16).
TEST(MetadataRoutes, MetadataIsAPlainObject) {
    ApiOptions options = ApiTestApp::default_api_options();
    options.project_name = "Shop";
    ApiTestApp app(kSchema, {}, options);
    const HttpResponse response = app.run({.name = "metadata", .url = "/api/metadata"});
    const json::value body = json_of(response);
    EXPECT_EQ(body.at("projectName"), json::value("Shop"));
    EXPECT_EQ(body.at("database"), json::value("memory"));
    EXPECT_FALSE(body.as_object().contains("status"));   // no envelope
    const json::object& entities = body.at("entities").as_object();
    ASSERT_TRUE(entities.contains("Account"));
    ASSERT_TRUE(entities.contains("Log"));
    EXPECT_EQ(entities.at("Log").at("operations"), json::value("cr"));
    EXPECT_EQ(entities.at("Account").at("operations"), json::value("crud"));
    EXPECT_EQ(header_of(response, "Content-Type"), "application/json");
}

// docs/DECISIONS.md §3 (Health): 200 with the backend's name and reachable: true; 503 in
// the envelope when the database does not answer.
TEST(MetadataRoutes, HealthFollowsTheDatabase) {
    ApiTestApp app(kSchema);
    app.run({.name = "up", .url = "/api/health",
             .expected_content = {R"("data":{"database":"memory","reachable":true})", R"("status":"success")"}});
    app.driver().set_reachable(false);
    app.run({.name = "down", .url = "/api/health", .expected_status = 503,
             .expected_content = {R"("type":"unavailable")", R"("Database memory is unreachable")"}});
}

}  // namespace
}  // namespace events::testing_support
