// One or more tests per numbered item of docs/DECISIONS.md §2 (the reference's faults, fixed).
#include "e2e_fixture.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace events::e2e {
namespace {

class Decisions : public E2ETest {};
E2E_INSTANTIATE(Decisions);

// ---- 2.1 every response uses the envelope ----------------------------------------------------

TEST_P(Decisions, Decision2_1_BodyValidationIsEnvelopeWithEveryFieldAtOnce) {
    const std::string account = create_account();
    json::object body = user_body(account, "ab");          // too short
    body["isAccountOwner"] = "true";                        // not a boolean
    body["email"] = "not-an-email";                         // schema message
    body["gender"] = "robot";                               // schema message (YAML flow syntax cuts it at the comma)
    body.erase("lastName");                                 // required
    body["id"] = "usr_bad_1";
    HttpResponse r = post("/api/user", body);
    EXPECT_TRUE(HasError(r, 422, "usr_bad_1", "validation_failed", "String should have at least 3 characters", "username"));
    EXPECT_TRUE(HasError(r, 422, "usr_bad_1", "validation_failed", "Input should be a valid boolean", "isAccountOwner"));
    EXPECT_TRUE(HasError(r, 422, "usr_bad_1", "validation_failed", "Bad email address format", "email"));
    EXPECT_TRUE(HasError(r, 422, "usr_bad_1", "validation_failed", "must be male, female or other", "gender"));
    EXPECT_TRUE(HasError(r, 422, "usr_bad_1", "validation_failed", "Field required", "lastName"));
    EXPECT_EQ(r.json.at("notifications").at("usr_bad_1").at("errors").as_array().size(), 5u) << describe(r);
    // `value` carries what was sent.
    for (const auto& e : r.json.at("notifications").at("usr_bad_1").at("errors").as_array())
        if (e.at("field") == "username") EXPECT_EQ(e.at("value"), "ab");
    EXPECT_EQ(get("/api/user/usr_bad_1").status, 404);
}

TEST_P(Decisions, Decision2_1_UnknownRouteAndWrongMethodAreEnvelopes) {
    EXPECT_TRUE(HasError(get("/api/nothing"), 404, "general", "not_found", "Unknown route: /api/nothing. Entity routes: " + kSampleEntityRoutes));
    EXPECT_TRUE(HasError(get("/invalid-url"), 404, "general", "not_found", "Unknown route: /invalid-url. Entity routes: " + kSampleEntityRoutes));
    EXPECT_TRUE(HasError(request("DELETE", "/api/user"), 405, "general", "method_not_allowed",
                         "Method DELETE not allowed on /api/user"));
    EXPECT_TRUE(HasError(post("/api/user/abc", json::object{}), 405, "general", "method_not_allowed",
                         "Method POST not allowed on /api/user/abc"));
}

TEST_P(Decisions, Decision2_1_MalformedJsonAndNonObjectBodiesAre400) {
    HttpResponse r = request("POST", "/api/account", "{\"name\": ");
    ASSERT_EQ(r.status, 400) << describe(r);
    ASSERT_TRUE(IsEnvelope(r));
    const auto& errors = r.json.at("notifications").at("general").at("errors").as_array();
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors[0].at("type"), "bad_request");
    EXPECT_EQ(std::string(errors[0].at("message").as_string()).rfind("Malformed JSON body: ", 0), 0u) << describe(r);
    EXPECT_TRUE(HasError(request("POST", "/api/account", "[1,2]"), 400, "general", "bad_request",
                         "Request body must be a JSON object"));
    EXPECT_TRUE(HasError(request("POST", "/api/account", "\"text\""), 400, "general", "bad_request",
                         "Request body must be a JSON object"));
}

// ---- 2.2 parameter names case-insensitive, values keep their case -----------------------------

TEST_P(Decisions, Decision2_2_QueryParameterNamesAreCaseInsensitive) {
    const std::string account = create_account();
    create_user(account, "alpha");
    create_user(account, "bravo");
    HttpResponse r = get("/api/user?PAGESIZE=1&Page=2&SORT=username:DESC");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(list_field(r, "username"), std::vector<std::string>{"alpha"});
    EXPECT_EQ(r.json.at("pagination").at("pageSize"), 1);
    EXPECT_EQ(r.json.at("pagination").at("page"), 2);
}

TEST_P(Decisions, Decision2_2_QueryValuesKeepTheirCase) {
    start_server_with({{"case_sensitive", true}});
    const std::string account = create_account();
    json::object a = user_body(account, "upper");
    a["lastName"] = "Smith";
    json::object b = user_body(account, "lower");
    b["lastName"] = "smith";
    create("user", a);
    create("user", b);
    HttpResponse r = get("/api/user?Filter=lastName:Smith&full_match");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(list_field(r, "username"), std::vector<std::string>{"upper"});
    // A datetime value keeps its `T` and `Z`.
    create("event", event_body("Late show", "2025-01-01T10:00:00Z"));
    HttpResponse e = get("/api/event?filter=dateTime:gte:2025-01-01T10:00:00Z");
    ASSERT_EQ(e.status, 200) << describe(e);
    EXPECT_EQ(list_field(e, "title"), std::vector<std::string>{"Late show"});
}

// ---- 2.3 bad filter values and operators are 400; ne, ge, le work ------------------------------

TEST_P(Decisions, Decision2_3_UnconvertibleFilterValuesAre400NamingFieldAndParameter) {
    create_user(create_account(), "alpha");
    EXPECT_TRUE(HasError(get("/api/user?filter=isAccountOwner:maybe"), 400, "general", "bad_request",
                         "Invalid boolean value. Use true/false", "isAccountOwner", "filter"));
    EXPECT_TRUE(HasError(get("/api/user?filter=netWorth:lots"), 400, "general", "bad_request",
                         "Invalid currency value", "netWorth", "filter"));
    EXPECT_TRUE(HasError(get("/api/profile?filter=radiusMiles:1.5"), 400, "general", "bad_request",
                         "Invalid integer value", "radiusMiles", "filter"));
    EXPECT_TRUE(HasError(get("/api/event?filter=cost:gt:cheap"), 400, "general", "bad_request",
                         "Invalid number value", "cost", "filter"));
    EXPECT_TRUE(HasError(get("/api/user?filter=dob:gte:yesterday"), 400, "general", "bad_request",
                         "Invalid date value", "dob", "filter"));
    EXPECT_TRUE(HasError(get("/api/event?filter=dateTime:lt:soon"), 400, "general", "bad_request",
                         "Invalid datetime value", "dateTime", "filter"));
    HttpResponse r = get("/api/user?filter=isAccountOwner:maybe");
    const auto& e = r.json.at("notifications").at("general").at("errors").at(0);
    EXPECT_EQ(e.at("value"), "maybe");
    EXPECT_TRUE(HasError(get("/api/user?filter=netWorth:between:5"), 400, "general", "bad_request",
                         "Unknown operator=between. Use eq, ne, gt, gte, lt or lte"));
}

TEST_P(Decisions, Decision2_3_NeGeAndLeAreImplemented) {
    const std::string account = create_account();
    for (int worth : {100, 200, 300}) {
        json::object u = user_body(account, "u" + std::to_string(worth));
        u["netWorth"] = worth;
        create("user", u);
    }
    auto worths = [&](const std::string& filter) {
        HttpResponse r = get("/api/user?sort=netWorth&filter=" + filter);
        EXPECT_EQ(r.status, 200) << describe(r);
        return list_field(r, "netWorth");
    };
    EXPECT_EQ(worths("netWorth:ne:200"), (std::vector<std::string>{"100", "300"}));
    EXPECT_EQ(worths("netWorth:ge:200"), (std::vector<std::string>{"200", "300"}));
    EXPECT_EQ(worths("netWorth:le:200"), (std::vector<std::string>{"100", "200"}));
    EXPECT_EQ(worths("netWorth:gte:200,netWorth:lt:300"), (std::vector<std::string>{"200"}));
    EXPECT_EQ(worths("username:ne:u100"), (std::vector<std::string>{"200", "300"}));
}

// ---- 2.4 filter=id:X for a missing id ----------------------------------------------------------

TEST_P(Decisions, Decision2_4_IdFilterForMissingIdIsEmptyList) {
    create_user(create_account(), "alpha");
    HttpResponse r = get("/api/user?filter=id:nope");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_TRUE(data(r).as_array().empty());
    EXPECT_EQ(r.json.at("pagination").at("total"), 0);
    EXPECT_EQ(r.json.at("pagination").at("totalPages"), 0);
}

// ---- 2.5 dangling FK on read: 200 + warning in every validation mode -----------------------------

TEST_P(Decisions, Decision2_5_DanglingFkIsWarningInEveryValidationMode) {
    for (const char* mode : {"", "single", "multiple"}) {
        SCOPED_TRACE(std::string("validation=") + mode);
        start_server_with({{"validation", mode}});
        const std::string account = create_account();
        json::object u = user_body(account, std::string("dangle") + (*mode ? mode : "off"));
        u["id"] = std::string("usr_dangle_") + (*mode ? mode : "off");
        const std::string id = create("user", u);
        ASSERT_TRUE(set_raw_field("User", id, "accountId", "acc_gone"));
        const std::string warning_message = "Id acc_gone does not exist";

        HttpResponse one = get("/api/user/" + id + "?view=account(name)");
        ASSERT_EQ(one.status, 200) << describe(one);
        EXPECT_EQ(one.json.at("status"), "warning");
        EXPECT_EQ(data(one).at("account"), (json::object{{"exists", false}}));
        EXPECT_TRUE(HasWarning(one, id, "not_found", warning_message, "accountId"));
        const auto& w = one.json.at("notifications").at(id).at("warnings").at(0);
        EXPECT_EQ(w.at("entity"), "User");
        EXPECT_EQ(str(w.at("entity_id")), id);

        HttpResponse list = get("/api/user?filter=id:" + id + "&view=account(name)");
        ASSERT_EQ(list.status, 200) << describe(list);
        EXPECT_TRUE(HasWarning(list, id, "not_found", warning_message, "accountId"));

        HttpResponse plain_list = get("/api/user");
        EXPECT_EQ(plain_list.status, 200) << describe(plain_list);
        HttpResponse plain_one = get("/api/user/" + id);
        EXPECT_EQ(plain_one.status, 200) << describe(plain_one);
        if (std::string(mode) != "") {
            // Read validation expands every FK of a single GET.
            EXPECT_EQ(data(plain_one).at("account"), (json::object{{"exists", false}})) << describe(plain_one);
            EXPECT_TRUE(HasWarning(plain_one, id, "not_found", warning_message, "accountId"));
        }
        // Clean up so that the next mode starts from a consistent database.
        ASSERT_TRUE(delete_raw("User", id));
    }
}

// ---- 2.6 null optional FK accepted; FK/body errors keyed by the document id -----------------------

TEST_P(Decisions, Decision2_6_FkErrorKeyedByDocumentId) {
    json::object u = user_body("acc_nonexist_999", "jsmith");
    u["id"] = "usr_fk_1";
    EXPECT_TRUE(HasError(post("/api/user", u), 422, "usr_fk_1", "validation_failed", "Id acc_nonexist_999 does not exist",
                         "accountId"));
    // Without a client id the key is the new (never stored) id.
    HttpResponse r = post("/api/user", user_body("acc_nonexist_999", "jsmith"));
    ASSERT_EQ(r.status, 422) << describe(r);
    ASSERT_TRUE(IsEnvelope(r));
    ASSERT_EQ(r.json.at("notifications").as_object().size(), 1u);
    const std::string key(r.json.at("notifications").as_object().begin()->key());
    EXPECT_NE(key, "general");
    EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-z]{26}"))) << key;
    EXPECT_EQ(get("/api/user/" + key).status, 404);
    // On update: keyed by the URL id.
    const std::string account = create_account();
    const std::string id = create_user(account, "jsmith");
    json::object bad = user_body("acc_nonexist_999", "jsmith");
    EXPECT_TRUE(HasError(put("/api/user/" + id, bad), 422, id, "validation_failed", "Id acc_nonexist_999 does not exist",
                         "accountId"));
    EXPECT_TRUE(HasError(patch("/api/user/" + id, json::object{{"accountId", "acc_nonexist_999"}}), 422, id,
                         "validation_failed", "Id acc_nonexist_999 does not exist", "accountId"));
}

TEST_P(Decisions, Decision2_6_NullOrAbsentOptionalFkIsAccepted) {
    // The sample schema has only required FKs: add an optional one (Event.urlId -> Url).
    const std::string schema = dir() + "/optional-fk.yaml";
    write_file(schema, insert_after(sample_schema_text(), "      tags: {type: 'Array[String]', required: false, ui: {displayPages: details}}",
                                    "      urlId: {type: ObjectId, required: false}\n"));
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    json::object with_null = event_body("Null FK");
    with_null["urlId"] = nullptr;
    HttpResponse r1 = post("/api/event", with_null);
    ASSERT_TRUE(IsSuccess(r1, 201)) << describe(r1);
    EXPECT_TRUE(data(r1).at("urlId").is_null());
    HttpResponse r2 = post("/api/event", event_body("Absent FK"));
    ASSERT_TRUE(IsSuccess(r2, 201)) << describe(r2);
    EXPECT_TRUE(data(r2).at("urlId").is_null());
    json::object bad = event_body("Bad FK");
    bad["urlId"] = "url_missing";
    bad["id"] = "evt_bad";
    EXPECT_TRUE(HasError(post("/api/event", bad), 422, "evt_bad", "validation_failed", "Id url_missing does not exist",
                         "urlId"));
    const std::string url = create("url", url_body());
    json::object good = event_body("Good FK");
    good["urlId"] = url;
    EXPECT_TRUE(IsSuccess(post("/api/event", good), 201));
}

// ---- 2.7 one value format everywhere ------------------------------------------------------------

TEST_P(Decisions, Decision2_7_OneValueFormatInEveryResponse) {
    const std::regex datetime_ms(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");
    const std::string account = create_account();
    json::object u = user_body(account, "formats");
    u["netWorth"] = 10000000;
    u["dob"] = "1990-01-01";
    u["createdAt"] = "2025-11-12T20:11:17.123456Z";
    HttpResponse created = post("/api/user", u);
    ASSERT_EQ(created.status, 201) << describe(created);
    const std::string id(data(created).at("id").as_string());
    json::object e = event_body("Formats", "2025-11-12T21:11:17+01:00");
    e["cost"] = 0.1;
    HttpResponse event_created = post("/api/event", e);
    ASSERT_EQ(event_created.status, 201) << describe(event_created);
    const std::string event_id(data(event_created).at("id").as_string());

    for (const HttpResponse& r : {created, get("/api/user/" + id), get("/api/user?filter=id:" + id)}) {
        const json::value& d = data(r).is_array() ? data(r).at(0) : data(r);
        EXPECT_EQ(d.at("dob"), "1990-01-01") << describe(r);
        EXPECT_EQ(d.at("createdAt"), "2025-11-12T20:11:17.123Z") << describe(r);
        EXPECT_TRUE(std::regex_match(std::string(d.at("updatedAt").as_string()), datetime_ms)) << describe(r);
        EXPECT_TRUE(d.at("netWorth").is_number()) << describe(r);
        EXPECT_EQ(d.at("netWorth").to_number<double>(), 10000000.0);
        EXPECT_EQ(d.at("isAccountOwner"), true);
        EXPECT_NE(r.body.find("\"netWorth\":10000000"), std::string::npos) << "no exponent form: " << r.body;
    }
    for (const HttpResponse& r : {event_created, get("/api/event/" + event_id)}) {
        const json::value& d = data(r);
        EXPECT_EQ(d.at("dateTime"), "2025-11-12T20:11:17.000Z") << describe(r);
        EXPECT_EQ(d.at("cost").to_number<double>(), 0.1);
        EXPECT_NE(r.body.find("\"cost\":0.1"), std::string::npos) << r.body;
        EXPECT_EQ(d.at("tags"), (json::array{"music", "live"}));
        EXPECT_EQ(d.at("numOfExpectedAttendees"), 100);
    }
    const std::string url = create("url", url_body());
    HttpResponse crawl = post("/api/crawl", crawl_body(url));
    ASSERT_EQ(crawl.status, 201) << describe(crawl);
    HttpResponse crawl_read = get("/api/crawl/" + std::string(data(crawl).at("id").as_string()));
    EXPECT_EQ(data(crawl_read).at("parseStatus"), (json::object{{"ok", true}}));
    EXPECT_EQ(data(crawl_read).at("errorsEncountered"), json::array{});
    EXPECT_EQ(data(crawl_read).at("lastParsedDate"), "2025-01-02T03:04:05.000Z");
}

// ---- 2.8 PUT keeps createdAt ----------------------------------------------------------------------

TEST_P(Decisions, Decision2_8_PutKeepsCreatedAt) {
    const std::string id = create_account();
    const json::object before = fetch("account", id);
    HttpResponse r = put("/api/account/" + id, json::object{{"name", "Acme Corporation Ltd"}});
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(data(r).at("createdAt"), before.at("createdAt"));
    const json::object after = fetch("account", id);
    EXPECT_EQ(after.at("createdAt"), before.at("createdAt"));
    EXPECT_EQ(after.at("name"), "Acme Corporation Ltd");
    EXPECT_TRUE(after.at("credit").is_null());   // full replacement
}

// ---- 2.9 existing id on POST --------------------------------------------------------------------

TEST_P(Decisions, Decision2_9_PostWithExistingIdIs409) {
    json::object a = account_body();
    a["id"] = "  ACC_Fixed_1 ";
    HttpResponse first = post("/api/account", a);
    ASSERT_EQ(first.status, 201) << describe(first);
    EXPECT_EQ(data(first).at("id"), "acc_fixed_1");
    a["name"] = "Another Corp";
    a["id"] = "acc_fixed_1";
    EXPECT_TRUE(HasError(post("/api/account", a), 409, "acc_fixed_1", "conflict", "Id already exists", "id"));
    EXPECT_EQ(fetch("account", "acc_fixed_1").at("name"), "Acme Corporation");
}

// ---- 2.10 404 message, DELETE shape ------------------------------------------------------------

TEST_P(Decisions, Decision2_10_NotFoundMessageAndDeleteReturnsDocumentLikeGet) {
    EXPECT_TRUE(HasError(get("/api/user/usr_nonexist_001"), 404, "usr_nonexist_001", "not_found",
                         "User usr_nonexist_001 not found"));
    EXPECT_TRUE(HasError(put("/api/account/nope", account_body()), 404, "nope", "not_found", "Account nope not found"));
    EXPECT_TRUE(HasError(patch("/api/account/nope", json::object{{"credit", 1}}), 404, "nope", "not_found",
                         "Account nope not found"));
    const std::string id = create_account();
    const json::object doc = fetch("account", id);
    HttpResponse r = del("/api/account/" + id);
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(json::serialize(data(r)), json::serialize(doc));
}

// ---- 2.11 notifications are per request ---------------------------------------------------------
// (the concurrent version is in concurrency_test.cpp)

TEST_P(Decisions, Decision2_11_NoticesDoNotCarryOverToTheNextRequest) {
    json::object a = account_body();
    a["shoeSize"] = 9;
    a["id"] = "acc_warn";
    HttpResponse warned = post("/api/account", a);
    EXPECT_TRUE(HasWarning(warned, "acc_warn", "validation", "Unknown field ignored", "shoeSize"));
    EXPECT_TRUE(HasError(get("/api/account/none"), 404, "none", "not_found", "Account none not found"));
    EXPECT_TRUE(IsSuccess(get("/api/account")));
    EXPECT_TRUE(IsSuccess(get("/api/account/acc_warn")));
}

// ---- 2.12 user values are escaped in pattern languages ------------------------------------------

TEST_P(Decisions, Decision2_12_WildcardsInSubstringFiltersMatchLiterally) {
    for (const char* name : {"Acme 100% Corp", "Acme 1000 Corp", "Under_score Co", "Underxscore Co", "Star*Co Ltd",
                             "Question?Co", "Bracket[a]Co", "Dot.Star Corp"})
        create_account(name);
    auto names = [&](const std::string& value, const std::string& extra = "") {
        HttpResponse r = get("/api/account?sort=name&filter=name:" + url_encode(value) + extra);
        EXPECT_EQ(r.status, 200) << describe(r);
        return list_field(r, "name");
    };
    EXPECT_EQ(names("0%"), std::vector<std::string>{"Acme 100% Corp"});
    EXPECT_EQ(names("%"), std::vector<std::string>{"Acme 100% Corp"});
    EXPECT_EQ(names("r_s"), std::vector<std::string>{"Under_score Co"});
    EXPECT_EQ(names("_"), std::vector<std::string>{"Under_score Co"});
    EXPECT_EQ(names("*"), std::vector<std::string>{"Star*Co Ltd"});
    EXPECT_EQ(names("?"), std::vector<std::string>{"Question?Co"});
    EXPECT_EQ(names("[a]"), std::vector<std::string>{"Bracket[a]Co"});
    EXPECT_EQ(names(".*"), std::vector<std::string>{});
    EXPECT_EQ(names("\\"), std::vector<std::string>{});
    EXPECT_EQ(names("Under_score Co", "&full_match"), std::vector<std::string>{"Under_score Co"});
    EXPECT_EQ(names("Under%", "&full_match"), std::vector<std::string>{});
    EXPECT_EQ(names("Under_score_Co", "&full_match"), std::vector<std::string>{});
}

TEST_P(Decisions, Decision2_12_WildcardsMatchLiterallyWhenCaseSensitive) {
    start_server_with({{"case_sensitive", true}});
    for (const char* name : {"Star*Co Ltd", "Question?Co", "Bracket[a]Co", "Percent%Co", "Under_score Co", "Plain Co Ltd"})
        create_account(name);
    auto names = [&](const std::string& value) {
        HttpResponse r = get("/api/account?sort=name&filter=name:" + url_encode(value));
        EXPECT_EQ(r.status, 200) << describe(r);
        return list_field(r, "name");
    };
    EXPECT_EQ(names("*"), std::vector<std::string>{"Star*Co Ltd"});
    EXPECT_EQ(names("?"), std::vector<std::string>{"Question?Co"});
    EXPECT_EQ(names("[a]"), std::vector<std::string>{"Bracket[a]Co"});
    EXPECT_EQ(names("%"), std::vector<std::string>{"Percent%Co"});
    EXPECT_EQ(names("_"), std::vector<std::string>{"Under_score Co"});
    EXPECT_EQ(names("plain"), std::vector<std::string>{});
    EXPECT_EQ(names("Plain"), std::vector<std::string>{"Plain Co Ltd"});
}

TEST_P(Decisions, Decision2_12_SqlLookingValuesAreData) {
    const std::string evil = "'; DROP TABLE \"User\"; --";
    const std::string account = create_account(evil);
    json::object u = user_body(account, "bobby");
    u["lastName"] = "O'Brien\"; DELETE FROM \"Account\"; --";
    const std::string id = create("user", u);
    EXPECT_EQ(fetch("account", account).at("name"), evil);
    HttpResponse r = get("/api/account?filter=name:" + url_encode(evil));
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(list_ids(r), std::vector<std::string>{account});
    // A double-quoted filter value escapes its own quotes (docs/DECISIONS.md §2.25).
    std::string quoted = "\"";
    for (char c : std::string(u["lastName"].as_string())) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    HttpResponse r2 = get("/api/user?full_match&filter=lastName:" + url_encode(quoted));
    ASSERT_EQ(r2.status, 200) << describe(r2);
    EXPECT_EQ(list_ids(r2), std::vector<std::string>{id});
    HttpResponse r3 = get("/api/user?filter=username:" + url_encode("x' OR '1'='1"));
    ASSERT_EQ(r3.status, 200) << describe(r3);
    EXPECT_TRUE(data(r3).as_array().empty());
    HttpResponse r4 = get("/api/user/" + url_encode("x' OR '1'='1"));
    EXPECT_EQ(r4.status, 404) << describe(r4);
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 1);
    EXPECT_EQ(get("/api/account").json.at("pagination").at("total"), 1);
}

// ---- 2.13 id tie-breaker, NULLs last ------------------------------------------------------------

TEST_P(Decisions, Decision2_13_SortTieBreakerAndNullsLast) {
    const std::string account = create_account();
    struct U { const char* id; std::optional<int> worth; };
    for (const U& u : {U{"u1", 100}, U{"u2", std::nullopt}, U{"u3", 100}, U{"u4", 50}, U{"u5", std::nullopt}}) {
        json::object b = user_body(account, std::string("user") + u.id);
        b["id"] = u.id;
        if (u.worth) b["netWorth"] = *u.worth;
        else b["netWorth"] = nullptr;
        create("user", b);
    }
    EXPECT_EQ(list_ids(get("/api/user?sort=netWorth")), (std::vector<std::string>{"u4", "u1", "u3", "u2", "u5"}));
    EXPECT_EQ(list_ids(get("/api/user?sort=netWorth:desc")), (std::vector<std::string>{"u1", "u3", "u4", "u2", "u5"}));
    // Paging over equal keys neither repeats nor skips.
    std::vector<std::string> paged;
    for (int page = 1; page <= 5; ++page) {
        auto ids = list_ids(get("/api/user?sort=lastName&pageSize=1&page=" + std::to_string(page)));
        paged.insert(paged.end(), ids.begin(), ids.end());
    }
    EXPECT_EQ(paged, (std::vector<std::string>{"u1", "u2", "u3", "u4", "u5"}));
    EXPECT_EQ(list_ids(get("/api/user")), (std::vector<std::string>{"u1", "u2", "u3", "u4", "u5"}));
}

// ---- 2.14 start-up reconciliation (more in lifecycle_test.cpp) ----------------------------------

TEST_P(Decisions, Decision2_14_EveryEntityIsServedOnAFreshDatabase) {
    for (const char* e : {"account", "user", "profile", "tagaffinity", "event", "userevent", "url", "crawl"}) {
        HttpResponse r = get(std::string("/api/") + e);
        EXPECT_TRUE(IsSuccess(r)) << e << ": " << describe(r);
    }
    const std::string url = create("url", url_body());
    EXPECT_TRUE(IsSuccess(post("/api/crawl", crawl_body(url)), 201));
    EXPECT_TRUE(IsSuccess(post("/api/event", event_body()), 201));
}

TEST_P(Decisions, Decision2_14_RemovedUniqueConstraintIsDropped) {
    const std::string schema = dir() + "/unique-name.yaml";
    std::string text = sample_schema_text();
    const std::string account_unique = "    relationships: [User]\n    ui: {title: Accounts, buttonLabel: Manage Accounts, icon: fa-briefcase, iconColor: '#2ecc71'}\n    unique: []\n";
    const size_t pos = text.find(account_unique);
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos + account_unique.size() - std::string("    unique: []\n").size(), std::string("    unique: []\n").size(),
                 "    unique:\n    - [name]\n");
    write_file(schema, text);
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    create_account("Same Name Inc");
    json::object dup = account_body("SAME NAME INC");
    dup["id"] = "acc_dup";
    EXPECT_TRUE(HasError(post("/api/account", dup), 409, "acc_dup", "conflict", "name already exists", "name"));
    start_server(default_setup());   // the sample schema: no unique on Account.name
    EXPECT_TRUE(IsSuccess(post("/api/account", dup), 201));
}

// ---- 2.15 uniqueness: case-insensitive, NULLs do not take part ------------------------------------

TEST_P(Decisions, Decision2_15_UniqueStringsCompareCaseInsensitively) {
    const std::string account = create_account();
    create_user(account, "jsmith");
    json::object dup = user_body(account, "JSmith");
    dup["email"] = "other@example.com";
    dup["id"] = "usr_dup";
    EXPECT_TRUE(HasError(post("/api/user", dup), 409, "usr_dup", "conflict", "username already exists", "username"));
    json::object dup_mail = user_body(account, "other");
    dup_mail["email"] = "JSMITH@example.com";
    dup_mail["id"] = "usr_dup2";
    EXPECT_TRUE(HasError(post("/api/user", dup_mail), 409, "usr_dup2", "conflict", "email already exists", "email"));
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 1);
}

TEST_P(Decisions, Decision2_15_CaseSensitiveConfigMakesCaseDistinct) {
    start_server_with({{"case_sensitive", true}});
    const std::string account = create_account();
    create_user(account, "jsmith");
    json::object other = user_body(account, "JSmith");
    other["email"] = "other@example.com";
    EXPECT_TRUE(IsSuccess(post("/api/user", other), 201));
    json::object same = user_body(account, "jsmith");
    same["email"] = "third@example.com";
    same["id"] = "usr_same";
    EXPECT_TRUE(HasError(post("/api/user", same), 409, "usr_same", "conflict", "username already exists", "username"));
}

TEST_P(Decisions, Decision2_15_NullsDoNotTakePartInUniqueConstraints) {
    const std::string schema = dir() + "/unique-zip.yaml";
    write_file(schema, insert_after(sample_schema_text(), "    - [email]", "    - [zip]\n    - [city, state]\n"));
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    const std::string account = create_account();
    create_user(account, "first");     // zip, city, state null
    create_user(account, "second");    // zip, city, state null: no conflict
    json::object a = user_body(account, "third");
    a["zip"] = "12345";
    a["city"] = "Springfield";          // state null: the composite does not apply
    create("user", a);
    json::object b = user_body(account, "fourth");
    b["city"] = "Springfield";
    create("user", b);
    json::object c = user_body(account, "fifth");
    c["zip"] = "12345";
    c["id"] = "usr_zip";
    EXPECT_TRUE(HasError(post("/api/user", c), 409, "usr_zip", "conflict", "zip already exists", "zip"));
    json::object d = user_body(account, "sixth");
    d["city"] = "Springfield";
    d["state"] = "IL";
    create("user", d);
    json::object e = user_body(account, "seventh");
    e["city"] = "SPRINGFIELD";
    e["state"] = "il";
    e["id"] = "usr_cs";
    EXPECT_TRUE(HasError(post("/api/user", e), 409, "usr_cs", "conflict", "city already exists", "city"));
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 5);
}

// ---- 2.16 operations enforced and shown ----------------------------------------------------------

TEST_P(Decisions, Decision2_16_OperationsAreEnforcedAndShownInMetadata) {
    const std::string schema = dir() + "/operations.yaml";
    std::string text = insert_after(sample_schema_text(), "  Crawl:", "    operations: rd\n");
    text = insert_after(text, "  User:", "    operations: rcu\n");
    write_file(schema, text);
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    const std::string url = create("url", url_body());
    EXPECT_TRUE(HasError(post("/api/crawl", crawl_body(url)), 405, "general", "method_not_allowed",
                         "Operation create is not allowed on Crawl"));
    EXPECT_TRUE(HasError(put("/api/crawl/x", crawl_body(url)), 405, "general", "method_not_allowed",
                         "Operation update is not allowed on Crawl"));
    EXPECT_TRUE(HasError(patch("/api/crawl/x", json::object{}), 405, "general", "method_not_allowed",
                         "Operation update is not allowed on Crawl"));
    EXPECT_TRUE(IsSuccess(get("/api/crawl")));
    const std::string user = create_user(create_account(), "jsmith");
    EXPECT_TRUE(HasError(del("/api/user/" + user), 405, "general", "method_not_allowed",
                         "Operation delete is not allowed on User"));
    // Allow lists what `operations` leaves (User: rcu, Crawl: rd).
    EXPECT_EQ(del("/api/user/" + user).headers["allow"], "GET, HEAD, PUT, PATCH");
    EXPECT_EQ(patch("/api/crawl/x", json::object{}).headers["allow"], "GET, HEAD, DELETE");
    EXPECT_EQ(fetch("user", user).at("username"), "jsmith");
    HttpResponse m = get("/api/metadata");
    ASSERT_EQ(m.status, 200) << describe(m);
    // The letters the schema gives, in any order.
    auto letters = [](const json::value& v) {
        std::string s = v.is_string() ? std::string(v.get_string()) : json::serialize(v);
        std::sort(s.begin(), s.end());
        return s;
    };
    EXPECT_EQ(letters(m.json.at("entities").at("Crawl").at("operations")), "dr");
    EXPECT_EQ(letters(m.json.at("entities").at("User").at("operations")), "cru");
}

// ---- 2.17 admin init needs a token; report masks secrets ------------------------------------------

TEST_P(Decisions, Decision2_17_InitRefusedWithoutConfiguredToken) {
    create_account();
    HttpResponse r = post("/api/db/init", json::object{{"confirmed", true}});
    EXPECT_EQ(r.status, 403) << describe(r);
    EXPECT_EQ(r.json, (json::object{{"status", "error"}, {"message", "Database init is disabled: no admin_token is configured"}}));
    EXPECT_EQ(get("/api/account").json.at("pagination").at("total"), 1);
}

TEST_P(Decisions, Decision2_17_InitNeedsTheTokenAndReportHidesSecrets) {
    json::object overrides{{"admin_token", "tok-s3cret-value"}};
    if (auto uri = test_backend().uri_with_password(base_config(), "pg-s3cret-pass")) overrides["db_uri"] = *uri;
    start_server_with(overrides);
    create_account();
    const json::object unauthorized{{"status", "error"}, {"message", "Invalid or missing admin token"}};
    HttpResponse none = post("/api/db/init", json::object{{"confirmed", true}});
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.json, unauthorized);
    HttpResponse wrong = request("POST", "/api/db/init", R"({"confirmed": true})", {{"Authorization", "Bearer nope"}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.json, unauthorized);
    HttpResponse unconfirmed = request("POST", "/api/db/init", R"({"confirmed": false})",
                                       {{"Authorization", "Bearer tok-s3cret-value"}});
    EXPECT_EQ(unconfirmed.status, 400);
    EXPECT_EQ(unconfirmed.json, (json::object{{"status", "error"},
                                              {"message", "Database init requires confirmed: true in request body"}}));
    EXPECT_EQ(get("/api/account").json.at("pagination").at("total"), 1);

    HttpResponse report = get("/api/db/report");
    ASSERT_EQ(report.status, 200) << describe(report);
    EXPECT_EQ(report.body.find("tok-s3cret-value"), std::string::npos) << report.body;
    EXPECT_EQ(report.body.find("pg-s3cret-pass"), std::string::npos) << report.body;

    HttpResponse ok = request("POST", "/api/db/init", R"({"confirmed": true})", {{"Authorization", "Bearer tok-s3cret-value"}});
    EXPECT_EQ(ok.status, 200) << describe(ok);
    EXPECT_EQ(ok.json, (json::object{{"status", "success"}, {"message", "Database wiped and reinitialized successfully"}}));
    EXPECT_EQ(get("/api/account").json.at("pagination").at("total"), 0);
}

TEST_P(Decisions, Decision2_17_InitTouchesOnlyThisSchemasTables) {
    start_server_with({{"admin_token", "t0ken"}});
    create_account();
    EXPECT_FALSE(test_backend().foreign_data_intact(base_config()));   // the probe does report absence
    ASSERT_TRUE(test_backend().create_foreign_data(base_config()));
    HttpResponse ok = request("POST", "/api/db/init", R"({"confirmed": true})", {{"Authorization", "Bearer t0ken"}});
    ASSERT_EQ(ok.status, 200) << describe(ok);
    EXPECT_EQ(get("/api/account").json.at("pagination").at("total"), 0);
    EXPECT_TRUE(test_backend().foreign_data_intact(base_config()));
    EXPECT_TRUE(IsSuccess(post("/api/account", account_body()), 201));
}

// ---- 2.18 messages name fields in schema spelling ----------------------------------------------

TEST_P(Decisions, Decision2_18_MessagesUseSchemaSpelling) {
    const std::string user = create_user(create_account(), "jsmith");
    const std::string profile = create("profile", profile_body(user));
    create("tagaffinity", tag_body(profile, "music"));
    json::object dup = tag_body(profile, "MUSIC");
    dup["id"] = "tag_dup";
    EXPECT_TRUE(HasError(post("/api/tagaffinity", dup), 409, "tag_dup", "conflict", "profileId already exists", "profileId"));
    EXPECT_TRUE(HasError(get("/api/user?sort=NETWORTH:sideways"), 400, "general", "bad_request",
                         "Invalid sort direction. Use 'asc' or 'desc'", "netWorth"));
    EXPECT_TRUE(HasError(get("/api/userevent/nope"), 404, "nope", "not_found", "UserEvent nope not found"));
    EXPECT_TRUE(HasError(get("/api/TagAffinity/nope"), 404, "nope", "not_found", "TagAffinity nope not found"));
}

// ---- 2.19 totals are exact --------------------------------------------------------------------------

TEST_P(Decisions, Decision2_19_TotalsAreExact) {
    for (int i = 0; i < 31; ++i) create_account("Account number " + std::to_string(i));
    HttpResponse r = get("/api/account?pageSize=7&page=5");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(r.json.at("pagination"), (json::object{{"page", 5}, {"pageSize", 7}, {"total", 31}, {"totalPages", 5}}));
    EXPECT_EQ(data(r).as_array().size(), 3u);
    HttpResponse filtered = get("/api/account?filter=name:" + url_encode("number 1") + "&pageSize=1000");
    EXPECT_EQ(filtered.json.at("pagination").at("total"), 11);   // 1, 10..19
}

// ---- 2.20 tolerance -------------------------------------------------------------------------------

TEST_P(Decisions, Decision2_20_BodyOnGetAndDeleteIsIgnored) {
    const std::string id = create_account();
    HttpResponse g = request("GET", "/api/account/" + id, "null");
    EXPECT_TRUE(IsSuccess(g)) << describe(g);
    HttpResponse l = request("GET", "/api/account", "{\"garbage\": ");
    EXPECT_TRUE(IsSuccess(l)) << describe(l);
    HttpResponse d = request("DELETE", "/api/account/" + id, "null");
    EXPECT_TRUE(IsSuccess(d)) << describe(d);
    EXPECT_EQ(str(data(d).at("id")), id);
}

TEST_P(Decisions, Decision2_20_TrailingSlashAndCaseInsensitivePaths) {
    const std::string id = create_account();
    EXPECT_EQ(list_ids(get("/api/account/")), std::vector<std::string>{id});
    EXPECT_EQ(list_ids(get("/API/Account")), std::vector<std::string>{id});
    HttpResponse one = get("/api/ACCOUNT/" + [&] { std::string up = id; for (char& c : up) c = static_cast<char>(std::toupper(c)); return up; }());
    EXPECT_TRUE(IsSuccess(one)) << describe(one);
    EXPECT_EQ(str(data(one).at("id")), id);
}

TEST_P(Decisions, Decision2_20_DateTakesTheUtcDateOfADatetime) {
    json::object a = account_body();
    a["expireDate"] = "2025-03-01T23:30:00-05:00";
    HttpResponse r = post("/api/account", a);
    ASSERT_EQ(r.status, 201) << describe(r);
    EXPECT_EQ(data(r).at("expireDate"), "2025-03-02");
    EXPECT_EQ(fetch("account", std::string(data(r).at("id").as_string())).at("expireDate"), "2025-03-02");
    a["expireDate"] = 86400 * 365;   // epoch seconds
    HttpResponse epoch = post("/api/account", a);
    ASSERT_EQ(epoch.status, 201) << describe(epoch);
    EXPECT_EQ(data(epoch).at("expireDate"), "1971-01-01");
}

TEST_P(Decisions, Decision2_20_DatetimeFilterAcceptsABareDate) {
    create("event", event_body("Midnight", "2025-05-01T00:00:00Z"));
    create("event", event_body("Later", "2025-05-01T12:00:00Z"));
    EXPECT_EQ(list_field(get("/api/event?filter=dateTime:2025-05-01"), "title"), std::vector<std::string>{"Midnight"});
    EXPECT_EQ(list_field(get("/api/event?filter=dateTime:gt:2025-05-01"), "title"), std::vector<std::string>{"Later"});
}

TEST_P(Decisions, Decision2_20_ClientTimestampsAreKept) {
    json::object a = account_body();
    a["createdAt"] = "2020-01-02T03:04:05.678Z";
    a["updatedAt"] = "2021-01-02T03:04:05Z";
    HttpResponse r = post("/api/account", a);
    ASSERT_EQ(r.status, 201) << describe(r);
    const std::string id(data(r).at("id").as_string());
    EXPECT_EQ(fetch("account", id).at("createdAt"), "2020-01-02T03:04:05.678Z");
    EXPECT_EQ(fetch("account", id).at("updatedAt"), "2021-01-02T03:04:05.000Z");
    HttpResponse p = put("/api/account/" + id, account_body("Renamed Corp"));
    ASSERT_EQ(p.status, 200) << describe(p);
    EXPECT_EQ(data(p).at("createdAt"), "2020-01-02T03:04:05.678Z");
    EXPECT_NE(data(p).at("updatedAt"), "2021-01-02T03:04:05.000Z");   // absent: now
}

// ---- 2.21 one string order ------------------------------------------------------------------------

TEST_P(Decisions, Decision2_21_StringsOrderAsLowerCasedBytes) {
    for (const char* name : {"Bzzzzz", "Abc000", "ab0000", "a_b000"}) create_account(name);
    EXPECT_EQ(list_field(get("/api/account?sort=name"), "name"),
              (std::vector<std::string>{"a_b000", "ab0000", "Abc000", "Bzzzzz"}));
    EXPECT_EQ(list_field(get("/api/account?sort=name:desc"), "name"),
              (std::vector<std::string>{"Bzzzzz", "Abc000", "ab0000", "a_b000"}));
    EXPECT_EQ(list_field(get("/api/account?sort=name&filter=name:gt:AB0000"), "name"),
              (std::vector<std::string>{"Abc000", "Bzzzzz"}));
}

}  // namespace
}  // namespace events::e2e
