// docs/DECISIONS.md §2.24: U+0000 (and bytes that are no UTF-8) in anything a client sends is a
// client error, the same on every backend: 422 naming the field in a body, 400 in a
// query parameter, an id or the path. Never a 500, never a shortened value.
#include "e2e_fixture.h"

namespace events::e2e {
namespace {

class ClientText : public E2ETest {};
E2E_INSTANTIATE(ClientText);

const std::string kNul = "Input should not contain the NUL character (U+0000)";
const std::string kText = std::string("Ab") + '\0' + "cd";

TEST_P(ClientText, NulInABodyStringIs422NamingTheField) {
    const std::string account = create_account();
    const std::string before = snapshot();
    json::object u = user_body(account, "nulguy");
    u["id"] = "usr_nul";
    u["lastName"] = kText;
    HttpResponse r = post("/api/user", u);
    EXPECT_TRUE(HasError(r, 422, "usr_nul", "validation_failed", kNul, "lastName")) << describe(r);
    // The FK (an ObjectId field) and the enum too, each named.
    u["lastName"] = "Smith";
    u["accountId"] = account + std::string(1, '\0');
    u["gender"] = std::string("male") + '\0';
    HttpResponse both = post("/api/user", u);
    EXPECT_TRUE(HasError(both, 422, "usr_nul", "validation_failed", kNul, "accountId")) << describe(both);
    EXPECT_TRUE(HasError(both, 422, "usr_nul", "validation_failed", kNul, "gender")) << describe(both);
    // The body id is a body string like any other.
    json::object with_id = account_body();
    with_id["id"] = std::string("acc") + '\0';
    EXPECT_TRUE(HasError(post("/api/account", with_id), 422, "general", "validation_failed", kNul, "id"));
    EXPECT_EQ(before, snapshot());
}

TEST_P(ClientText, NulInJsonAndArrayFieldsIs422) {
    const std::string url = create("url", url_body());
    const std::string crawl = create("crawl", crawl_body(url));
    const std::string before = snapshot();
    // A nested value, a nested key, an array element; on POST, PUT and PATCH.
    json::object nested_value = url_body("https://example.com/x");
    nested_value["params"] = json::object{{"a", json::object{{"b", json::array{std::string("x") + '\0'}}}}};
    nested_value["id"] = "url_nul";
    HttpResponse value = post("/api/url", nested_value);
    EXPECT_TRUE(HasError(value, 422, "url_nul", "validation_failed", kNul, "params")) << describe(value);
    HttpResponse key = put("/api/url/" + url, json::object{{"url", "https://example.com/y"},
                                                            {"params", json::object{{std::string("k") + '\0', 1}}}});
    EXPECT_TRUE(HasError(key, 422, url, "validation_failed", kNul, "params")) << describe(key);
    HttpResponse element =
        patch("/api/crawl/" + crawl, json::object{{"errorsEncountered", json::array{"fine", std::string("bad") + '\0'}}});
    EXPECT_TRUE(HasError(element, 422, crawl, "validation_failed", kNul, "errorsEncountered")) << describe(element);
    HttpResponse tags = patch("/api/crawl/" + crawl, json::object{{"parseStatus", json::object{{"msg", kText}}}});
    EXPECT_TRUE(HasError(tags, 422, crawl, "validation_failed", kNul, "parseStatus")) << describe(tags);
    EXPECT_EQ(before, snapshot());
}

TEST_P(ClientText, NulInQueryParametersIs400NamingTheParameter) {
    const std::string account = create_account();
    create_user(account, "jsmith");
    for (const std::string param : {"filter", "sort", "view", "page", "pageSize", "count"}) {
        HttpResponse r = get("/api/user?" + param + "=lastName:Ab%00cd");
        EXPECT_TRUE(HasError(r, 400, "general", "bad_request",
                             "Query parameter " + param + " must not contain the NUL character (U+0000)",
                             std::nullopt, [&] {
                                 std::string l = param;
                                 for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                                 return l;
                             }()))
            << describe(r);
    }
    // The example of docs/API.md "Reads", an id filter, and a quoted value; on a single GET too.
    EXPECT_EQ(get("/api/user?filter=lastName:Ab%00cd").status, 400);
    EXPECT_EQ(get("/api/user?filter=id:ab%00").status, 400);
    EXPECT_EQ(get("/api/user?filter=lastName:%22A%00%22").status, 400);
    EXPECT_EQ(get("/api/account/" + account + "?view=x%00").status, 400);
    EXPECT_TRUE(StillServing());
}

TEST_P(ClientText, InvalidUtf8InQueryValuesIs400) {
    create_account();
    HttpResponse r = get("/api/account?filter=name:%FF%FE");
    EXPECT_EQ(r.status, 400) << describe(r);
    EXPECT_TRUE(IsEnvelope(r));
    EXPECT_EQ(get("/api/account?sort=name%C3").status, 400);
    EXPECT_TRUE(StillServing());
}

TEST_P(ClientText, NulInAnIdOrThePathIs400) {
    const std::string account = create_account();
    const std::string before = snapshot();
    const std::string message = "The request path must not contain the NUL character (U+0000)";
    for (const std::string method : {"GET", "PUT", "PATCH", "DELETE"}) {
        HttpResponse r = request(method, "/api/account/" + account + "%00x",
                                 method == "PUT" || method == "PATCH" ? R"({"name": "New"})" : "");
        EXPECT_TRUE(HasError(r, 400, "general", "bad_request", message)) << method << " " << describe(r);
    }
    EXPECT_TRUE(HasError(get("/api/acc%00ount"), 400, "general", "bad_request", message));
    EXPECT_TRUE(HasError(get("/api/account%00"), 400, "general", "bad_request", message));
    EXPECT_EQ(before, snapshot());
    // Invalid UTF-8 in an id is a 400 too, not a 500 or a 404.
    HttpResponse bad = get("/api/account/%FF%FE");
    EXPECT_EQ(bad.status, 400) << describe(bad);
    EXPECT_TRUE(StillServing());
}

}  // namespace
}  // namespace events::e2e
