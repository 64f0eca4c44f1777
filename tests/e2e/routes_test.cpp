// Every route of docs/API.md: status codes, envelope and the documents they return.
#include "e2e_fixture.h"

namespace events::e2e {
namespace {

class Routes : public E2ETest {};
E2E_INSTANTIATE(Routes);

TEST_P(Routes, ListIsEnvelopeWithPagination) {
    HttpResponse empty = get("/api/account");
    ASSERT_TRUE(IsSuccess(empty)) << describe(empty);
    EXPECT_EQ(data(empty), json::array{});
    EXPECT_EQ(empty.json.at("pagination"), (json::object{{"page", 1}, {"pageSize", 25}, {"total", 0}, {"totalPages", 0}}));
    const std::string a = create_account("First Corp");
    const std::string b = create_account("Second Corp");
    HttpResponse r = get("/api/account");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(list_ids(r), (std::vector<std::string>{a, b}));   // default order: id (creation order)
    EXPECT_EQ(r.json.at("pagination"), (json::object{{"page", 1}, {"pageSize", 25}, {"total", 2}, {"totalPages", 1}}));
    EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
}

TEST_P(Routes, GetOne) {
    const std::string id = create_account();
    HttpResponse r = get("/api/account/" + id);
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(str(data(r).at("id")), id);
    EXPECT_FALSE(r.json.as_object().contains("pagination"));
}

TEST_P(Routes, PostHonoursClientIdTrimmedAndLowerCased) {
    json::object body = account_body();
    body["id"] = "  MyAccount-01 ";
    HttpResponse r = post("/api/account", body);
    ASSERT_TRUE(IsSuccess(r, 201)) << describe(r);
    EXPECT_EQ(data(r).at("id"), "myaccount-01");
    EXPECT_EQ(fetch("account", "myaccount-01").at("name"), "Acme Corporation");
    body["id"] = "";
    HttpResponse generated = post("/api/account", body);
    ASSERT_EQ(generated.status, 201) << describe(generated);
    EXPECT_EQ(str(data(generated).at("id")).size(), 26u);
}

TEST_P(Routes, PutReplacesAndIgnoresBodyId) {
    const std::string id = create_account();
    json::object body = account_body("Replaced Corp");
    body["id"] = "other_id";
    body["enabled"] = false;
    HttpResponse r = put("/api/account/" + id, body);
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(str(data(r).at("id")), id);
    EXPECT_EQ(get("/api/account/other_id").status, 404);
    const json::object stored = fetch("account", id);
    EXPECT_EQ(stored.at("name"), "Replaced Corp");
    EXPECT_EQ(stored.at("enabled"), false);
    // Omitted optional fields go back to null / their default.
    HttpResponse again = put("/api/account/" + id, json::object{{"name", "Replaced Again"}});
    ASSERT_TRUE(IsSuccess(again)) << describe(again);
    EXPECT_EQ(data(again).at("enabled"), true);
    EXPECT_TRUE(data(again).at("credit").is_null());
    // PUT is a full replacement: required fields must be there.
    EXPECT_TRUE(HasError(put("/api/account/" + id, json::object{{"credit", 5}}), 422, id, "validation_failed",
                         "Field required", "name"));
}

TEST_P(Routes, PatchMergesAndValidatesTheWhole) {
    const std::string account = create_account();
    const std::string id = create_user(account, "jsmith");
    const json::object before = fetch("user", id);
    HttpResponse r = patch("/api/user/" + id, json::object{{"city", "Springfield"}, {"netWorth", 75}});
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(data(r).at("city"), "Springfield");
    EXPECT_EQ(data(r).at("netWorth").to_number<double>(), 75.0);
    EXPECT_EQ(data(r).at("username"), "jsmith");
    EXPECT_EQ(data(r).at("createdAt"), before.at("createdAt"));
    const json::object after = fetch("user", id);
    EXPECT_EQ(after.at("city"), "Springfield");
    EXPECT_EQ(after.at("email"), before.at("email"));
    // A null clears an optional field.
    HttpResponse cleared = patch("/api/user/" + id, json::object{{"city", nullptr}});
    ASSERT_TRUE(IsSuccess(cleared)) << describe(cleared);
    EXPECT_TRUE(fetch("user", id).at("city").is_null());
    // The merged document is validated: a null required field and a bad value fail.
    HttpResponse bad = patch("/api/user/" + id, json::object{{"username", nullptr}, {"netWorth", -1}});
    EXPECT_TRUE(HasError(bad, 422, id, "validation_failed", "Field required", "username"));
    EXPECT_TRUE(HasError(bad, 422, id, "validation_failed", "Input should be greater than or equal to 0", "netWorth"));
    EXPECT_EQ(fetch("user", id).at("username"), "jsmith");
    // Uniqueness is checked on PATCH too.
    const std::string other = create_user(account, "other");
    EXPECT_TRUE(HasError(patch("/api/user/" + other, json::object{{"username", "JSMITH"}}), 409, other, "conflict",
                         "username already exists", "username"));
    // A body id is ignored.
    HttpResponse with_id = patch("/api/user/" + id, json::object{{"id", "elsewhere"}, {"zip", "12345"}});
    ASSERT_TRUE(IsSuccess(with_id)) << describe(with_id);
    EXPECT_EQ(str(data(with_id).at("id")), id);
    EXPECT_EQ(get("/api/user/elsewhere").status, 404);
}

TEST_P(Routes, PatchUpdatesUpdatedAtButKeepsCreatedAt) {
    json::object body = account_body();
    body["createdAt"] = "2020-01-01T00:00:00Z";
    body["updatedAt"] = "2020-01-01T00:00:00Z";
    const std::string id = create("account", body);
    HttpResponse r = patch("/api/account/" + id, json::object{{"credit", 1}});
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(data(r).at("createdAt"), "2020-01-01T00:00:00.000Z");
    EXPECT_NE(data(r).at("updatedAt"), "2020-01-01T00:00:00.000Z");
}

TEST_P(Routes, DeleteReturnsTheDocumentThenEmpty) {
    const std::string id = create_account();
    const json::object doc = fetch("account", id);
    HttpResponse r = del("/api/account/" + id);
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(json::serialize(data(r)), json::serialize(doc));
    EXPECT_TRUE(HasError(get("/api/account/" + id), 404, id, "not_found", "Account " + id + " not found"));
    HttpResponse again = del("/api/account/" + id);
    ASSERT_TRUE(IsSuccess(again)) << describe(again);
    EXPECT_EQ(data(again), json::object{});
    HttpResponse never = del("/api/account/never-existed");
    ASSERT_TRUE(IsSuccess(never)) << describe(never);
    EXPECT_EQ(data(never), json::object{});
}

TEST_P(Routes, Health) {
    HttpResponse r = get("/api/health");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(data(r), (json::object{{"database", backend()}, {"reachable", true}}));
}

TEST_P(Routes, MetadataIsPlainObject) {
    HttpResponse r = get("/api/metadata");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_TRUE(r.json.as_object().contains("projectName"));
    EXPECT_TRUE(r.json.as_object().contains("database"));
    EXPECT_TRUE(r.json.as_object().contains("entities"));
    EXPECT_FALSE(r.json.as_object().contains("data"));
}

TEST_P(Routes, DbReportShape) {
    create_account();
    HttpResponse r = get("/api/db/report");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(r.json.at("database"), json::value(backend()));
    const auto& report = r.json.at("report").as_object();
    EXPECT_EQ(report.at("status"), "healthy");
    EXPECT_EQ(report.at("config").at("database"), json::value(backend()));
    EXPECT_EQ(report.at("entities").at("Account"), 1);
    for (const char* e : {"Account", "User", "Profile", "TagAffinity", "Event", "UserEvent", "Url", "Crawl"})
        EXPECT_TRUE(report.at("entities").as_object().contains(e)) << e;
    EXPECT_TRUE(report.at("details").is_object());
    EXPECT_EQ(report.at("schema").at("source"), "the bundled sample schema");   // docs/DECISIONS.md §5.1
    EXPECT_EQ(report.at("schema").at("kept"), json::array{});
}

TEST_P(Routes, DbInitPageIsHtml) {
    HttpResponse r = get("/api/db/init");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos) << r.header("content-type");
    EXPECT_NE(r.body.find("confirmed"), std::string::npos);
}

TEST_P(Routes, UnknownRoutesAndMethods) {
    EXPECT_TRUE(HasError(get("/api/unknownentity"), 404, "general", "not_found", "Unknown route: /api/unknownentity. Entity routes: " + kSampleEntityRoutes));
    EXPECT_TRUE(HasError(get("/nowhere"), 404, "general", "not_found", "Unknown route: /nowhere. Entity routes: " + kSampleEntityRoutes));
    EXPECT_TRUE(HasError(get("/api/user/a/b"), 404, "general", "not_found", "Unknown route: /api/user/a/b. Entity routes: " + kSampleEntityRoutes));
    EXPECT_TRUE(HasError(put("/api/user", json::object{}), 405, "general", "method_not_allowed",
                         "Method PUT not allowed on /api/user"));
    EXPECT_TRUE(HasError(patch("/api/account", json::object{}), 405, "general", "method_not_allowed",
                         "Method PATCH not allowed on /api/account"));
    EXPECT_TRUE(HasError(request("DELETE", "/api/metadata"), 405, "general", "method_not_allowed",
                         "Method DELETE not allowed on /api/metadata"));
    EXPECT_TRUE(HasError(post("/api/health", json::object{}), 405, "general", "method_not_allowed",
                         "Method POST not allowed on /api/health"));
    // Every 405 says what the path does answer (RFC 9110 §15.5.6).
    EXPECT_EQ(put("/api/user", json::object{}).headers["allow"], "GET, HEAD, POST");
    EXPECT_EQ(post("/api/user/some-id", json::object{}).headers["allow"], "GET, HEAD, PUT, PATCH, DELETE");
    EXPECT_EQ(request("DELETE", "/api/metadata").headers["allow"], "GET, HEAD");
}

TEST_P(Routes, EntityNamesAndIdsAreCaseInsensitive) {
    json::object body = account_body();
    body["id"] = "acc_case";
    ASSERT_EQ(post("/api/ACCOUNT", body).status, 201);
    EXPECT_TRUE(IsSuccess(get("/api/Account/ACC_CASE")));
    EXPECT_TRUE(IsSuccess(patch("/api/account/Acc_Case", json::object{{"credit", 3}})));
    EXPECT_TRUE(IsSuccess(del("/API/ACCOUNT/ACC_CASE")));
    EXPECT_EQ(get("/api/account/acc_case").status, 404);
}

TEST_P(Routes, ContentTypeIsNotRequired) {
    HttpResponse r = request("POST", "/api/account", R"({"name": "Plain Text Corp"})", {{"Content-Type", "text/plain"}});
    EXPECT_TRUE(IsSuccess(r, 201)) << describe(r);
}

TEST_P(Routes, KeepAliveServesSeveralRequestsOnOneConnection) {
    const std::string account = create_account();
    HttpConnection c(server().port());
    ASSERT_TRUE(c.connected()) << c.error();
    // Two pipelined requests, then a third after their answers; every answer is checked.
    ASSERT_TRUE(c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/account HTTP/1.1\r\nHost: x\r\n\r\n"));
    HttpResponse health = c.read();
    EXPECT_TRUE(IsSuccess(health)) << describe(health);
    EXPECT_EQ(data(health).at("reachable"), true);
    EXPECT_NE(health.header("connection"), "close");
    HttpResponse list = c.read();
    EXPECT_TRUE(IsSuccess(list)) << describe(list);
    EXPECT_EQ(list_ids(list), std::vector<std::string>{account});
    ASSERT_TRUE(c.send("GET /api/account/" + account + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    HttpResponse one = c.read();
    EXPECT_TRUE(IsSuccess(one)) << describe(one);
    EXPECT_EQ(str(data(one).at("id")), account);
    EXPECT_TRUE(c.closed_by_server());   // as the last request asked
}

// An id in the URL is canonical (lower case) on every route: the 404 names the canonical
// id, and PUT/PATCH/DELETE act on the stored lower-case document, never create another.
TEST_P(Routes, UrlIdsAreLowerCasedOnEveryMethod) {
    json::object body = account_body("First Name Corp");
    body["id"] = "acc1";
    ASSERT_EQ(post("/api/account", body).status, 201);
    EXPECT_TRUE(HasError(get("/api/account/NOPE"), 404, "nope", "not_found", "Account nope not found"));
    EXPECT_TRUE(HasError(put("/api/account/NOPE", account_body()), 404, "nope", "not_found", "Account nope not found"));
    EXPECT_TRUE(HasError(patch("/api/account/NOPE", json::object{{"credit", 1}}), 404, "nope", "not_found",
                         "Account nope not found"));

    HttpResponse put_r = put("/api/account/ACC1", account_body("Put Corp"));
    ASSERT_TRUE(IsSuccess(put_r)) << describe(put_r);
    EXPECT_EQ(data(put_r).at("id"), "acc1");
    EXPECT_EQ(fetch("account", "acc1").at("name"), "Put Corp");
    HttpResponse patch_r = patch("/api/account/AcC1", json::object{{"name", "Patch Corp"}});
    ASSERT_TRUE(IsSuccess(patch_r)) << describe(patch_r);
    EXPECT_EQ(data(patch_r).at("id"), "acc1");
    EXPECT_EQ(fetch("account", "acc1").at("name"), "Patch Corp");
    HttpResponse all = get("/api/account");
    EXPECT_EQ(list_ids(all), std::vector<std::string>{"acc1"});   // nothing stored under ACC1

    HttpResponse del_r = del("/api/account/ACC1");
    ASSERT_TRUE(IsSuccess(del_r)) << describe(del_r);
    EXPECT_EQ(data(del_r).at("id"), "acc1");
    EXPECT_EQ(data(del_r).at("name"), "Patch Corp");
    EXPECT_TRUE(HasError(get("/api/account/acc1"), 404, "acc1", "not_found", "Account acc1 not found"));
    EXPECT_EQ(list_ids(get("/api/account")), std::vector<std::string>{});
}

// docs/DECISIONS.md §2.26: HEAD answers every GET route like GET, without the body.
TEST_P(Routes, HeadAnswersLikeGetWithoutABody) {
    const std::string account = create_account();
    create_user(account, "jsmith");
    for (const std::string& target :
         std::vector<std::string>{"/api/user?pageSize=5", "/api/user/nope", "/api/account/" + account, "/api/metadata",
                                  "/api/health", "/api/db/report", "/api/db/init", "/api/nowhere", "/api/user?page=0"}) {
        HttpResponse g = get(target);
        HttpResponse h = request("HEAD", target);
        EXPECT_EQ(h.status, g.status) << target;
        EXPECT_EQ(h.header("content-type"), g.header("content-type")) << target;
        EXPECT_EQ(h.header("content-length"), std::to_string(g.body.size())) << target;
        EXPECT_TRUE(h.body.empty()) << target;
    }
    EXPECT_EQ(request("HEAD", "/api/user/nope").status, 404);

    // On one connection: the answers after a HEAD are read from the right place.
    HttpConnection c(server().port());
    ASSERT_TRUE(c.connected()) << c.error();
    ASSERT_TRUE(c.send("HEAD /api/account/" + account + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    HttpResponse head = c.read(/*head_request=*/true);
    EXPECT_EQ(head.status, 200);
    ASSERT_TRUE(c.send("HEAD /api/account/missing HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(c.read(true).status, 404);
    ASSERT_TRUE(c.send("GET /api/account/" + account + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    HttpResponse after = c.read();
    EXPECT_TRUE(IsSuccess(after)) << describe(after);
    EXPECT_EQ(str(data(after).at("id")), account);
    EXPECT_EQ(head.header("content-length"), std::to_string(after.body.size()));
}

// docs/DECISIONS.md §2.26: request headers over the limit get 431 in the envelope.
TEST_P(Routes, OversizedHeadersGet431) {
    HttpResponse r = raw("GET /api/account HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
    EXPECT_TRUE(HasError(r, 431, "general", "header_too_large", "Request header fields exceed the limit of 16384 bytes"))
        << describe(r);
    EXPECT_TRUE(StillServing());
}

}  // namespace
}  // namespace events::e2e
