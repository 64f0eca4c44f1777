// The record routes (apis/records_routes.cpp) through the router, in process: status
// codes, the envelope, the router's own 404/405 answers (docs/API.md "Routes",
// "Envelope"). Each scenario is a request in and a response out (support/api_scenario.h).
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
  User:
    fields:
      username: {type: String, required: true}
      accountId: {type: ObjectId, required: true}
    unique:
    - [username]
  Log:
    fields:
      text: {type: String}
    operations: cr
)";

class RecordsRoutesTest : public ::testing::Test {
protected:
    ApiTestApp app_{kSchema};
};

// docs/API.md "Routes": POST 201, GET 200, PUT 200, PATCH 200, DELETE 200 with the
// deleted document, then 200 `data: {}` when it is gone (docs/DECISIONS.md §1).
TEST_F(RecordsRoutesTest, TheLifeOfADocument) {
    app_.run({.name = "create", .method = "POST", .url = "/api/account", .body = R"({"id": "A1", "name": "acme"})",
              .expected_status = 201,
              .expected_content = {R"("data":{"id":"a1","name":"acme"})", R"("status":"success")"}});
    app_.run({.name = "read, any case", .url = "/API/Account/A1", .expected_content = {R"("name":"acme")"}});
    app_.run({.name = "replace", .method = "PUT", .url = "/api/account/a1", .body = R"({"name": "acme2"})",
              .expected_content = {R"("name":"acme2")"}});
    app_.run({.name = "patch", .method = "PATCH", .url = "/api/account/a1", .body = R"({"name": "acme3"})",
              .expected_content = {R"("name":"acme3")"}});
    app_.run({.name = "delete", .method = "DELETE", .url = "/api/account/a1",
              .expected_content = {R"("data":{"id":"a1","name":"acme3"})"}});
    app_.run({.name = "delete again", .method = "DELETE", .url = "/api/account/a1",
              .expected_content = {R"("data":{})", R"("status":"success")"}});
    EXPECT_EQ(app_.driver().entity_counts().at("Account"), json::value(0));
}

// docs/DECISIONS.md §2.10: an unknown id is a 404 `<E> <id> not found` keyed by the id,
// for GET, PUT and PATCH; HEAD answers the same status without a body (§2.26).
TEST_F(RecordsRoutesTest, AnUnknownIdIs404) {
    for (const char* method : {"GET", "PUT", "PATCH"})
        app_.run({.name = std::string(method) + " unknown id", .method = method, .url = "/api/account/Nope",
                  .body = R"({"name": "x"})", .expected_status = 404,
                  .expected_content = {R"("nope":{"errors":[{"type":"not_found","message":"Account nope not found"}])",
                                       R"("status":"error")"}});
    const HttpResponse head = app_.run({.name = "HEAD unknown id", .method = "HEAD", .url = "/api/account/nope",
                                        .expected_status = 404});
    EXPECT_TRUE(head.body.empty());
}

// docs/API.md "Routes": a known path with a method it does not answer is a 405 naming
// method and path, with an Allow header listing what it does answer; an operation the
// schema forbids is a 405 too, and Allow leaves it out.
TEST_F(RecordsRoutesTest, WrongMethodsAre405WithAllow) {
    app_.run({.name = "POST on an id", .method = "POST", .url = "/api/account/a1", .expected_status = 405,
              .expected_content = {R"("message":"Method POST not allowed on /api/account/a1")",
                                   R"("type":"method_not_allowed")"},
              .expected_headers = {{"Allow", "GET, HEAD, PUT, PATCH, DELETE"}}});
    app_.run({.name = "update forbidden by operations", .method = "PUT", .url = "/api/log/l1", .body = "{}",
              .expected_status = 405, .expected_content = {R"("Operation update is not allowed on Log")"},
              .expected_headers = {{"Allow", "GET, HEAD"}}});
    app_.run({.name = "collection", .method = "DELETE", .url = "/api/log", .expected_status = 405,
              .expected_headers = {{"Allow", "GET, HEAD, POST"}}});
}

// docs/API.md "Routes": an unknown route is a 404 `Unknown route: <path>` in the envelope.
TEST_F(RecordsRoutesTest, UnknownRoutesAre404) {
    app_.run({.name = "unknown entity", .url = "/api/nothing", .expected_status = 404,
              .expected_content = {R"("message":"Unknown route: /api/nothing. Entity routes: )", R"("general")"}});
}

// docs/API.md "Routes" and "Writes": body errors are 400 under general (malformed JSON,
// not an object), validation a 422 keyed by the new id, a taken unique value a 409,
// a missing parent a 422 naming the FK field.
TEST_F(RecordsRoutesTest, WriteErrorsMapToTheirStatus) {
    const std::string account = app_.create("Account", {{"name", "acme"}});
    app_.create("User", {{"username", "ann"}, {"accountId", account}});
    app_.run({.name = "malformed JSON", .method = "POST", .url = "/api/user", .body = "{\"username\":",
              .expected_status = 400, .expected_content = {R"("message":"Malformed JSON body)"}});
    app_.run({.name = "array body", .method = "POST", .url = "/api/user", .body = "[]", .expected_status = 400,
              .expected_content = {R"("Request body must be a JSON object")"}});
    app_.run({.name = "invalid body", .method = "POST", .url = "/api/user", .body = R"({"id": "u9"})",
              .expected_status = 422,
              .expected_content = {R"("u9":{"errors":[{"type":"validation_failed","message":"Field required","field":"username"})"}});
    app_.run({.name = "taken username", .method = "POST", .url = "/api/user",
              .body = R"({"id": "u2", "username": "ANN", "accountId": ")" + account + "\"}",
              .expected_status = 409, .expected_content = {R"("message":"username already exists","field":"username")"}});
    app_.run({.name = "missing parent", .method = "POST", .url = "/api/user",
              .body = R"({"id": "u3", "username": "bob", "accountId": "gone"})", .expected_status = 422,
              .expected_content = {R"("message":"Id gone does not exist","field":"accountId")"}});
    app_.run({.name = "unknown parameter", .url = "/api/user?colour=red", .expected_status = 400,
              .expected_content = {R"(Unknown query parameter=colour)"}});
}

// docs/API.md "Envelope", "Reads": a list carries pagination {page, pageSize, total,
// totalPages}; count=none leaves the counts out.
TEST_F(RecordsRoutesTest, ListsCarryPagination) {
    for (const char* name : {"a", "b", "c"}) app_.create("Account", {{"name", name}});
    const HttpResponse page = app_.run({.name = "second page", .url = "/api/account?pageSize=2&page=2&sort=name:desc"});
    const json::value body = json_of(page);
    EXPECT_EQ(body.at("pagination"), (json::object{{"page", 2}, {"pageSize", 2}, {"total", 3}, {"totalPages", 2}}));
    ASSERT_EQ(body.at("data").as_array().size(), 1u);
    EXPECT_EQ(body.at("data").at(0).at("name"), json::value("a"));
    const HttpResponse uncounted = app_.run({.name = "count=none", .url = "/api/account?count=none"});
    EXPECT_EQ(json_of(uncounted).at("pagination"), (json::object{{"page", 1}, {"pageSize", 25}}));
}

// docs/API.md "Routes": every answer carries X-Request-Id, the client's when usable.
TEST_F(RecordsRoutesTest, RequestIdsAreEchoed) {
    app_.run({.name = "client id", .url = "/api/account", .headers = {{"x-request-id", "req-42"}},
              .expected_headers = {{"X-Request-Id", "req-42"}}});
    const HttpResponse generated = app_.run({.name = "generated", .url = "/api/account"});
    EXPECT_EQ(header_of(generated, "X-Request-Id").size(), 26u);
}

}  // namespace
}  // namespace events::testing_support
