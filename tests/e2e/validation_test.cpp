// Body validation (docs/API.md "Writes") and bad input of every kind: each case checks the
// status, the envelope, the named field or parameter, that nothing stored changed and that
// the server still answers.
#include "e2e_fixture.h"

#include <chrono>

namespace events::e2e {
namespace {

class Validation : public E2ETest {
protected:
    // POSTs `body` as /api/user with id "usr_v" and expects one error for `field`.
    void expect_user_error(json::object body, const std::string& field, const std::string& message) {
        body["id"] = "usr_v";
        HttpResponse r = post("/api/user", body);
        EXPECT_TRUE(HasError(r, 422, "usr_v", "validation_failed", message, field)) << "field " << field;
    }
};
E2E_INSTANTIATE(Validation);

TEST_P(Validation, MessagesForEveryRule) {
    const std::string account = create_account();
    const std::string before = snapshot();
    auto user = [&](const char* key, json::value v) {
        json::object b = user_body(account, "valid");
        if (v.is_null() && std::string(key) != "netWorth") b.erase(key);
        else b[key] = v;
        return b;
    };
    expect_user_error(user("username", nullptr), "username", "Field required");
    expect_user_error(user("username", 42), "username", "Input should be a valid string");
    expect_user_error(user("username", "ab"), "username", "String should have at least 3 characters");
    expect_user_error(user("username", json::string(std::string(51, 'x'))), "username", "String should have at most 50 characters");
    expect_user_error(user("email", "no-at-sign.example.com"), "email", "Bad email address format");
    expect_user_error(user("gender", "Male"), "gender", "must be male, female or other");
    expect_user_error(user("isAccountOwner", "true"), "isAccountOwner", "Input should be a valid boolean");
    expect_user_error(user("isAccountOwner", 1), "isAccountOwner", "Input should be a valid boolean");
    expect_user_error(user("netWorth", -1), "netWorth", "Input should be greater than or equal to 0");
    expect_user_error(user("netWorth", 10000001), "netWorth", "Input should be less than or equal to 10000000");
    expect_user_error(user("netWorth", "lots"), "netWorth", "Input should be a valid number");
    expect_user_error(user("dob", "not-a-date"), "dob", "Input should be a valid date");
    expect_user_error(user("dob", true), "dob", "Input should be a valid date");
    expect_user_error(user("accountId", 5), "accountId", "Input should be a valid string");
    // Required and null is "Field required" too.
    json::object null_required = user_body(account, "valid");
    null_required["firstName"] = nullptr;
    expect_user_error(null_required, "firstName", "Field required");

    json::object e = event_body();
    e["id"] = "evt_v";
    e["url"] = "ftp://nope";
    e["recurrence"] = "hourly";
    e["tags"] = json::array{"ok", 3};
    e["numOfExpectedAttendees"] = 2.5;
    e["cost"] = -0.5;
    e["dateTime"] = "tomorrow";
    e["title"] = std::string(201, 't');
    HttpResponse r = post("/api/event", e);
    EXPECT_TRUE(HasError(r, 422, "evt_v", "validation_failed", "Bad URL format", "url"));
    EXPECT_TRUE(HasError(r, 422, "evt_v", "validation_failed", "Input should be 'daily', 'weekly', 'monthly' or 'yearly'",
                         "recurrence"));
    EXPECT_TRUE(HasError(r, 422, "evt_v", "validation_failed", "Input should be a valid list of strings", "tags"));
    EXPECT_TRUE(HasError(r, 422, "evt_v", "validation_failed", "Input should be a valid integer", "numOfExpectedAttendees"));
    EXPECT_TRUE(HasError(r, 422, "evt_v", "validation_failed", "Input should be greater than or equal to 0", "cost"));
    EXPECT_TRUE(HasError(r, 422, "evt_v", "validation_failed", "Input should be a valid datetime", "dateTime"));
    EXPECT_TRUE(HasError(r, 422, "evt_v", "validation_failed", "String should have at most 200 characters", "title"));
    EXPECT_EQ(r.json.at("notifications").at("evt_v").at("errors").as_array().size(), 7u) << describe(r);

    json::object tags_not_list = event_body();
    tags_not_list["tags"] = "music";
    tags_not_list["id"] = "evt_v2";
    EXPECT_TRUE(HasError(post("/api/event", tags_not_list), 422, "evt_v2", "validation_failed",
                         "Input should be a valid list", "tags"));

    json::object url = url_body();
    url["params"] = json::array{1};
    url["id"] = "url_v";
    EXPECT_TRUE(HasError(post("/api/url", url), 422, "url_v", "validation_failed", "Input should be a valid dictionary", "params"));

    json::object tag = tag_body("p", "x", -101);
    tag["id"] = "tag_v";
    EXPECT_TRUE(HasError(post("/api/tagaffinity", tag), 422, "tag_v", "validation_failed",
                         "Input should be greater than or equal to -100", "affinity"));
    json::object account_short = account_body("short");
    account_short["id"] = "acc_v";
    EXPECT_TRUE(HasError(post("/api/account", account_short), 422, "acc_v", "validation_failed",
                         "String should have at least 6 characters", "name"));

    EXPECT_EQ(before, snapshot());
    EXPECT_TRUE(StillServing());
}

TEST_P(Validation, LaxConversions) {
    const std::string account = create_account();
    json::object u = user_body(account, "lax");
    u["netWorth"] = "1234.5";        // numeric string -> number
    u["id"] = "usr_lax";
    HttpResponse ok = post("/api/user", u);
    ASSERT_TRUE(IsSuccess(ok, 201)) << describe(ok);
    EXPECT_EQ(data(ok).at("netWorth").to_number<double>(), 1234.5);
    json::object p = profile_body(std::string(data(ok).at("id").as_string()));
    p["radiusMiles"] = 10.0;          // integral float -> integer
    HttpResponse p1 = post("/api/profile", p);
    ASSERT_TRUE(IsSuccess(p1, 201)) << describe(p1);
    EXPECT_EQ(data(p1).at("radiusMiles"), 10);
    p["radiusMiles"] = "12";          // numeric string -> integer
    p["name"] = "Second profile";
    HttpResponse p2 = post("/api/profile", p);
    ASSERT_TRUE(IsSuccess(p2, 201)) << describe(p2);
    EXPECT_EQ(data(p2).at("radiusMiles"), 12);
    // An upper-case FK value is lower-cased like ids.
    json::object upper = user_body(account, "upperfk");
    std::string up = account;
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    upper["accountId"] = up;
    HttpResponse u2 = post("/api/user", upper);
    ASSERT_TRUE(IsSuccess(u2, 201)) << describe(u2);
    EXPECT_EQ(str(data(u2).at("accountId")), account);
}

TEST_P(Validation, RequiredDoesNotMeanNonEmpty) {
    json::object t = tag_body(create("profile", profile_body(create_user(create_account()))), "", 0);
    EXPECT_TRUE(IsSuccess(post("/api/tagaffinity", t), 201));
}

TEST_P(Validation, UnknownFieldsAreIgnoredWithAWarning) {
    json::object a = account_body();
    a["id"] = "acc_unknown";
    a["shoeSize"] = 42;
    a["Name"] = "case matters in bodies";
    HttpResponse r = post("/api/account", a);
    ASSERT_EQ(r.status, 201) << describe(r);
    EXPECT_EQ(r.json.at("status"), "warning");
    EXPECT_TRUE(HasWarning(r, "acc_unknown", "validation", "Unknown field ignored", "shoeSize"));
    EXPECT_TRUE(HasWarning(r, "acc_unknown", "validation", "Unknown field ignored", "Name"));
    const json::object stored = fetch("account", "acc_unknown");
    EXPECT_FALSE(stored.contains("shoeSize"));
    EXPECT_EQ(stored.at("name"), "Acme Corporation");
    HttpResponse p = put("/api/account/acc_unknown", json::object{{"name", "Renamed Corp"}, {"extra", 1}});
    EXPECT_EQ(p.status, 200) << describe(p);
    EXPECT_TRUE(HasWarning(p, "acc_unknown", "validation", "Unknown field ignored", "extra"));
}

TEST_P(Validation, MalformedBodies) {
    const std::string id = create_account();
    const std::string before = snapshot();
    for (const std::string& body : {std::string("{"), std::string("{\"name\": \"x\",}"), std::string("nul"),
                                    std::string("{\"name\": 'single'}"), std::string("{} {}")}) {
        HttpResponse r = request("POST", "/api/account", body);
        ASSERT_EQ(r.status, 400) << body << ": " << describe(r);
        ASSERT_TRUE(IsEnvelope(r));
        const auto& e = r.json.at("notifications").at("general").at("errors").at(0);
        EXPECT_EQ(e.at("type"), "bad_request");
        EXPECT_EQ(str(e.at("message")).rfind("Malformed JSON body: ", 0), 0u) << describe(r);
        HttpResponse p = request("PUT", "/api/account/" + id, body);
        EXPECT_EQ(p.status, 400) << describe(p);
        HttpResponse pa = request("PATCH", "/api/account/" + id, body);
        EXPECT_EQ(pa.status, 400) << describe(pa);
    }
    for (const std::string& body : {std::string("[]"), std::string("42"), std::string("null"), std::string("\"x\""),
                                    std::string("true")}) {
        EXPECT_TRUE(HasError(request("POST", "/api/account", body), 400, "general", "bad_request",
                             "Request body must be a JSON object"))
            << body;
        EXPECT_TRUE(HasError(request("PUT", "/api/account/" + id, body), 400, "general", "bad_request",
                             "Request body must be a JSON object"))
            << body;
    }
    HttpResponse empty = request("POST", "/api/account", "");
    EXPECT_EQ(empty.status, 400) << describe(empty);
    EXPECT_EQ(before, snapshot());
    EXPECT_TRUE(StillServing());
}

TEST_P(Validation, InvalidUtf8IsMalformed) {
    const std::string before = snapshot();
    const std::string body = "{\"name\": \"Bad \xff\xfe bytes Corp\"}";
    HttpResponse r = request("POST", "/api/account", body);
    ASSERT_EQ(r.status, 400) << describe(r);
    ASSERT_TRUE(IsEnvelope(r));
    EXPECT_EQ(str(r.json.at("notifications").at("general").at("errors").at(0).at("message")).rfind("Malformed JSON body: ", 0),
              0u);
    const std::string overlong = "{\"name\": \"Overlong \xc0\xaf slash\"}";
    EXPECT_EQ(request("POST", "/api/account", overlong).status, 400);
    const std::string surrogate = "{\"name\": \"Surrogate \xed\xa0\x80 Corp\"}";
    EXPECT_EQ(request("POST", "/api/account", surrogate).status, 400);
    EXPECT_EQ(before, snapshot());
    EXPECT_TRUE(StillServing());
    // Valid multi-byte UTF-8 round-trips.
    const std::string id = create_account("Café Zürich 東京 🎉");
    EXPECT_EQ(fetch("account", id).at("name"), "Café Zürich 東京 🎉");
    EXPECT_EQ(list_ids(get("/api/account?filter=name:" + url_encode("zürich"))), std::vector<std::string>{id});
}

TEST_P(Validation, OversizedBodyIs413) {
    const std::string before = snapshot();
    std::string big = "{\"name\": \"" + std::string(2 * 1024 * 1024, 'a') + "\"}";
    HttpResponse r = request("POST", "/api/account", big);
    ASSERT_EQ(r.status, 413) << describe(r);
    ASSERT_TRUE(IsEnvelope(r));
    EXPECT_EQ(r.json.at("notifications").at("general").at("errors").at(0).at("type"), "payload_too_large");
    EXPECT_EQ(before, snapshot());
    EXPECT_TRUE(StillServing());
    // Just under the limit is fine (the field has no max length... but Account.name does: use Url.params).
    json::object url = url_body();
    url["params"] = json::object{{"blob", std::string(900 * 1024, 'b')}};
    HttpResponse ok = post("/api/url", url);
    EXPECT_EQ(ok.status, 201) << describe(ok).substr(0, 300);
}

TEST_P(Validation, BadInputLeavesStoredDataUnchanged) {
    const std::string account = create_account();
    const std::string user = create_user(account, "jsmith");
    const std::string before = snapshot();
    struct Case { std::string method, target, body; int status; };
    const std::vector<Case> cases = {
        {"POST", "/api/user", R"({"username": 5})", 422},
        {"PUT", "/api/user/" + user, R"({"username": "x"})", 422},
        {"PATCH", "/api/user/" + user, R"({"netWorth": "NaN"})", 422},
        {"PATCH", "/api/user/" + user, R"({"dob": "2025-02-30"})", 422},
        {"PATCH", "/api/user/" + user, R"({"accountId": "'; DROP TABLE \"User\"; --"})", 422},
        {"PATCH", "/api/user/" + user, R"({"username": null})", 422},
        {"POST", "/api/account", R"({"name": "'; DROP TABLE \"Account\"; --", "credit": "1; DELETE"})", 422},
        {"POST", "/api/account", R"({"name": "Valid Corp", "credit": -5})", 422},
        {"POST", "/api/account", R"({"name": "Valid Corp", "enabled": "yes"})", 422},
        {"POST", "/api/account", R"({"name": "Valid Corp", "expireDate": "13/01/2025"})", 422},
        {"POST", "/api/account", "\x01\x02", 400},
        {"GET", "/api/user?filter=username:%27%3B%20DROP%20TABLE%20%22User%22%3B%20--&sort=bad", "", 400},
        {"GET", "/api/user?sort=username;DROP", "", 400},
        {"GET", "/api/user?filter=netWorth:gt:1%20OR%201=1", "", 400},
        {"GET", "/api/user?view=account(name;DROP)", "", 400},
        {"GET", "/api/user?page=1e3", "", 400},
        {"GET", "/api/user?pageSize=99999999999999999999", "", 400},
        {"DELETE", "/api/user/" + user + "?filter=x", "", 400},
    };
    // A number out of double range is refused either by the parser or by the validator.
    HttpResponse huge = request("PATCH", "/api/user/" + user, R"({"netWorth": 1e400})");
    EXPECT_TRUE(huge.status == 400 || huge.status == 422) << describe(huge);
    EXPECT_TRUE(IsEnvelope(huge));
    for (const Case& c : cases) {
        HttpResponse r = request(c.method, c.target, c.body);
        EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << " " << c.body << ": " << describe(r);
        EXPECT_TRUE(IsEnvelope(r)) << c.method << " " << c.target;
    }
    EXPECT_EQ(before, snapshot());
    EXPECT_TRUE(StillServing());
}

TEST_P(Validation, MalformedHttpRequestsDoNotHurtTheServer) {
    // A request that stops halfway is dropped after read_timeout_s; one second here (instead
    // of the default 30) keeps the test fast, and the elapsed time shows that the server,
    // not the client's own timeout, ended each exchange.
    start_server_with({{"read_timeout_s", 1}});
    const std::string before = snapshot();
    struct Case {
        std::string bytes;
        bool answered;   // a 4xx answer; otherwise the connection is closed without one
    };
    for (const Case& c :
         {Case{"GARBAGE\r\n\r\n", true}, Case{"GET /api/user HTTP/9.9\r\n\r\n", true},
          Case{"POST /api/account HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", true},
          Case{"POST /api/account HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{\"", false},
          Case{"GET /api/user?filter=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true},
          Case{"GET /api/user HTTP/1.1\r\nHost: x\r\n", false},   // the header never ends
          Case{std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), true}}) {
        const auto start = std::chrono::steady_clock::now();
        HttpResponse r = raw(c.bytes);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        if (c.answered) EXPECT_TRUE(r.status >= 400 && r.status < 500) << describe(r);
        else EXPECT_EQ(r.status, 0) << describe(r);
        EXPECT_LT(elapsed, std::chrono::seconds(10)) << describe(r);
    }
    EXPECT_EQ(before, snapshot());
    EXPECT_TRUE(StillServing());
}

}  // namespace
}  // namespace events::e2e
