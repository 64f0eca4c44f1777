// The worked examples of the original framework (A-N, P, Q) in the form docs/DECISIONS.md / docs/API.md give.
#include "e2e_fixture.h"

#include <regex>

namespace events::e2e {
namespace {

class Examples : public E2ETest {};
E2E_INSTANTIATE(Examples);

std::vector<std::string> keys(const json::value& v) {
    std::vector<std::string> out;
    for (const auto& kv : v.as_object()) out.emplace_back(kv.key());
    return out;
}

TEST_P(Examples, A_CreateAccount) {
    HttpResponse r = post("/api/account", json::object{{"name", "Acme Corporation"}, {"credit", 1500.5}});
    ASSERT_TRUE(IsSuccess(r, 201)) << describe(r);
    const json::value& d = data(r);
    EXPECT_EQ(keys(d), (std::vector<std::string>{"id", "name", "credit", "expireDate", "enabled", "createdAt", "updatedAt"}));
    EXPECT_TRUE(std::regex_match(str(d.at("id")), std::regex("[0-9a-hjkmnp-tv-z]{26}"))) << str(d.at("id"));
    EXPECT_EQ(d.at("name"), "Acme Corporation");
    EXPECT_EQ(d.at("credit").to_number<double>(), 1500.5);
    EXPECT_TRUE(d.at("expireDate").is_null());
    EXPECT_EQ(d.at("enabled"), true);
    EXPECT_TRUE(std::regex_match(str(d.at("createdAt")), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    EXPECT_EQ(fetch("account", str(d.at("id"))), d.as_object());
}

TEST_P(Examples, B_CreateUserWithFk) {
    const std::string account = create_account();
    HttpResponse r = post("/api/user", user_body(account, "jsmith"));
    ASSERT_TRUE(IsSuccess(r, 201)) << describe(r);
    const json::value& d = data(r);
    EXPECT_EQ(keys(d), (std::vector<std::string>{"id", "username", "email", "password", "firstName", "lastName", "gender",
                                                 "dob", "address", "city", "state", "zip", "isAccountOwner", "netWorth",
                                                 "accountId", "createdAt", "updatedAt"}));
    EXPECT_EQ(d.at("accountId"), json::value(account));
    EXPECT_EQ(d.at("dob"), "1990-01-01");
    EXPECT_TRUE(d.at("address").is_null());
    EXPECT_EQ(d.at("netWorth").to_number<double>(), 50000.0);
    EXPECT_FALSE(d.as_object().contains("account"));   // no FK sub-object on writes
}

TEST_P(Examples, C_BodyValidationFailure) {
    const std::string account = create_account();
    json::object body = user_body(account, "ab");
    body["isAccountOwner"] = "true";
    body["id"] = "usr_c";
    HttpResponse r = post("/api/user", body);
    EXPECT_TRUE(HasError(r, 422, "usr_c", "validation_failed", "String should have at least 3 characters", "username"));
    EXPECT_TRUE(HasError(r, 422, "usr_c", "validation_failed", "Input should be a valid boolean", "isAccountOwner"));
    EXPECT_EQ(r.json.at("notifications").at("usr_c").at("errors").as_array().size(), 2u);
}

TEST_P(Examples, D_MissingFkTarget) {
    json::object body = user_body("acc_nonexist_999", "jsmith");
    body["id"] = "usr_d";
    EXPECT_TRUE(HasError(post("/api/user", body), 422, "usr_d", "validation_failed", "Id acc_nonexist_999 does not exist",
                         "accountId"));
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 0);
}

TEST_P(Examples, E_Duplicate) {
    const std::string account = create_account();
    create_user(account, "jsmith");
    json::object body = user_body(account, "jsmith");
    body["email"] = "different@example.com";
    body["id"] = "usr_e";
    EXPECT_TRUE(HasError(post("/api/user", body), 409, "usr_e", "conflict", "username already exists", "username"));
}

TEST_P(Examples, F_ListWithFilterSortPaging) {
    const std::string account = create_account();
    struct U { const char* username; const char* last; const char* first; int worth; };
    for (const U& u : {U{"asmithers", "Smithers", "Anna", 1200}, U{"jsmith", "Smith", "John", 50000},
                       U{"pgold", "Goldsmith", "Paul", 3000}, U{"poor", "Smith", "Poor", 10}, U{"other", "Jones", "Bob", 9000}}) {
        json::object b = user_body(account, u.username);
        b["lastName"] = u.last;
        b["firstName"] = u.first;
        b["netWorth"] = u.worth;
        create("user", b);
    }
    HttpResponse r = get("/api/user?filter=lastName:smi,netWorth:gte:1000&sort=lastName:desc,firstName&page=1&pageSize=2");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(list_field(r, "username"), (std::vector<std::string>{"asmithers", "jsmith"}));
    EXPECT_EQ(r.json.at("pagination"), (json::object{{"page", 1}, {"pageSize", 2}, {"total", 3}, {"totalPages", 2}}));
    HttpResponse page2 = get("/api/user?filter=lastName:smi,netWorth:gte:1000&sort=lastName:desc,firstName&page=2&pageSize=2");
    EXPECT_EQ(list_field(page2, "username"), (std::vector<std::string>{"pgold"}));
    HttpResponse full = get("/api/user?filter=lastName:smi&full_match");
    EXPECT_TRUE(data(full).as_array().empty()) << describe(full);
    HttpResponse full2 = get("/api/user?filter=lastName:SMITH&full_match&sort=username");
    EXPECT_EQ(list_field(full2, "username"), (std::vector<std::string>{"jsmith", "poor"}));
}

TEST_P(Examples, G_ViewExpansion) {
    const std::string account = create_account();
    const std::string user = create_user(account, "jsmith");
    HttpResponse r = get("/api/user/" + user + "?view=account(name,createdAt)");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    const json::object acc = fetch("account", account);
    EXPECT_EQ(data(r).at("account"),
              (json::object{{"exists", true}, {"name", "Acme Corporation"}, {"createdAt", acc.at("createdAt")}}));
    EXPECT_EQ(keys(data(r)).back(), "account");
    EXPECT_FALSE(data(r).as_object().contains("role"));
    // With read validation every FK is at least {exists}.
    start_server_with({{"validation", "single"}});
    HttpResponse v = get("/api/user/" + user);
    ASSERT_TRUE(IsSuccess(v)) << describe(v);
    EXPECT_EQ(data(v).at("account").at("exists"), true);
}

TEST_P(Examples, H_ViewOnDanglingFk) {
    const std::string account = create_account();
    json::object body = user_body(account, "jsmith");
    body["id"] = "usr_view_badfk_001";
    create("user", body);
    ASSERT_TRUE(set_raw_field("User", "usr_view_badfk_001", "accountId", "acc_gone"));
    HttpResponse r = get("/api/user/usr_view_badfk_001?view=account(id)");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(r.json.at("status"), "warning");
    EXPECT_EQ(data(r).at("accountId"), "acc_gone");
    EXPECT_EQ(data(r).at("account"), (json::object{{"exists", false}}));
    EXPECT_EQ(r.json.at("notifications"),
              (json::object{{"usr_view_badfk_001",
                             json::object{{"errors", json::array{}},
                                          {"warnings", json::array{json::object{{"type", "not_found"},
                                                                                {"entity", "User"},
                                                                                {"entity_id", "usr_view_badfk_001"},
                                                                                {"message", "Id acc_gone does not exist"},
                                                                                {"field", "accountId"}}}}}}}))
        << describe(r);
}

TEST_P(Examples, I_BadQueryParameters) {
    EXPECT_TRUE(HasError(get("/api/user?sort=shoesize"), 400, "general", "bad_request", "Unknown sort field. Valid fields: " + kSampleUserFields, "shoesize"));
    EXPECT_TRUE(HasError(get("/api/user?page=0"), 400, "general", "bad_request", "Page Number must be >= 1. Page=0"));
    EXPECT_TRUE(HasError(get("/api/user?pageSize=5000"), 400, "general", "bad_request",
                         "Page Size must be <= 1000. PageSize=5000"));
    EXPECT_TRUE(HasError(get("/api/user?filter=netWorth:invalid:5"), 400, "general", "bad_request", "Unknown operator=invalid. Use eq, ne, gt, gte, lt or lte"));
    EXPECT_TRUE(HasError(get("/api/user?filter=shoesize:9"), 400, "general", "bad_request", "Invalid filter field. Valid fields: " + kSampleUserFields, "shoesize"));
    EXPECT_TRUE(HasError(get("/api/user?view=account()"), 400, "general", "bad_request",
                         "Invalid view format=account(). Use format: fk_name(field1,field2)"));
    EXPECT_TRUE(HasError(get("/api/user?view=account(shoesize)"), 400, "general", "bad_request",
                         "Unknown field=account.shoesize in view"));
    EXPECT_TRUE(HasError(get("/api/user?foo=1"), 400, "general", "bad_request",
                         "Unknown query parameter=foo. Valid parameters: page, pageSize, sort, filter, view, no_consistency, full_match, count"));
}

TEST_P(Examples, J_NotFound) {
    EXPECT_TRUE(HasError(get("/api/user/usr_nonexist_001"), 404, "usr_nonexist_001", "not_found",
                         "User usr_nonexist_001 not found"));
}

TEST_P(Examples, K_FullReplacementUpdate) {
    const std::string id = create_account();
    const json::object before = fetch("account", id);
    HttpResponse r = put("/api/account/" + id, json::object{{"name", "Acme Corporation Ltd"}});
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(data(r).at("name"), "Acme Corporation Ltd");
    EXPECT_TRUE(data(r).at("credit").is_null());
    EXPECT_TRUE(data(r).at("expireDate").is_null());
    EXPECT_EQ(data(r).at("enabled"), true);
    EXPECT_EQ(data(r).at("createdAt"), before.at("createdAt"));
    EXPECT_EQ(fetch("account", id), data(r).as_object());
    EXPECT_TRUE(HasError(put("/api/account/nope", account_body()), 404, "nope", "not_found", "Account nope not found"));
}

TEST_P(Examples, L_DeleteIsIdempotent) {
    const std::string id = create_account();
    const json::object doc = fetch("account", id);
    HttpResponse first = del("/api/account/" + id);
    ASSERT_TRUE(IsSuccess(first)) << describe(first);
    EXPECT_EQ(json::serialize(data(first)), json::serialize(doc));
    HttpResponse again = del("/api/account/" + id);
    ASSERT_TRUE(IsSuccess(again)) << describe(again);
    EXPECT_EQ(data(again), json::object{});
    EXPECT_EQ(get("/api/account/" + id).status, 404);
}

TEST_P(Examples, M_IdInFilter) {
    const std::string account = create_account();
    const std::string user = create_user(account, "jsmith");
    create_user(account, "other");
    HttpResponse r = get("/api/user?filter=id:" + user + ",lastName:zzz&page=3");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(list_ids(r), std::vector<std::string>{user});
    EXPECT_EQ(r.json.at("pagination"), (json::object{{"page", 3}, {"pageSize", 25}, {"total", 1}, {"totalPages", 1}}));
}

TEST_P(Examples, N_UnparsableFilterValueIs400) {
    create_user(create_account(), "jsmith");
    EXPECT_TRUE(HasError(get("/api/user?filter=isAccountOwner:maybe"), 400, "general", "bad_request",
                         "Invalid boolean value. Use true/false", "isAccountOwner", "filter"));
    HttpResponse ok = get("/api/user?filter=isAccountOwner:yes");
    EXPECT_EQ(ok.json.at("pagination").at("total"), 1) << describe(ok);
}

TEST_P(Examples, P_Metadata) {
    HttpResponse r = get("/api/metadata");
    ASSERT_EQ(r.status, 200) << describe(r);
    ASSERT_TRUE(r.json.is_object());
    EXPECT_EQ(r.json.at("projectName"), "E2E Events");
    EXPECT_EQ(r.json.at("database"), json::value(backend()));
    EXPECT_FALSE(r.json.as_object().contains("notifications"));
    const auto& entities = r.json.at("entities").as_object();
    EXPECT_EQ(entities.size(), 8u);
    EXPECT_FALSE(entities.contains("BaseEntity"));
    const auto& account = entities.at("Account");
    EXPECT_EQ(keys(account.at("fields")),
              (std::vector<std::string>{"name", "credit", "expireDate", "enabled", "createdAt", "updatedAt", "id"}));
    EXPECT_EQ(account.at("fields").at("name").at("type"), "String");
    EXPECT_EQ(account.at("fields").at("name").at("required"), true);
    EXPECT_EQ(account.at("fields").at("name").at("min_length"), 6);
    EXPECT_EQ(account.at("fields").at("enabled").at("default"), true);
    EXPECT_EQ(account.at("fields").at("id"), (json::object{{"type", "ObjectId"}, {"required", true}}));
    EXPECT_EQ(account.at("ui").at("title"), "Accounts");
    EXPECT_EQ(entities.at("User").at("uniques"), (json::array{json::array{"username"}, json::array{"email"}}));
    EXPECT_EQ(entities.at("Profile").at("uniques"), (json::array{json::array{"name", "userId"}}));
    // Pattern regexes appear resolved.
    EXPECT_EQ(entities.at("User").at("fields").at("email").at("pattern").at("regex"),
              "^[a-zA-Z0-9]([._+%-]?[a-zA-Z0-9])*@[a-zA-Z0-9-]+([.][a-zA-Z0-9-]+)*[.][a-zA-Z]{2,}$");
}

TEST_P(Examples, Q_AdminInitAndReport) {
    start_server_with({{"admin_token", "q-token"}});
    create_user(create_account(), "jsmith");
    HttpResponse report = get("/api/db/report");
    ASSERT_EQ(report.status, 200) << describe(report);
    EXPECT_EQ(report.json.at("database"), json::value(backend()));
    EXPECT_EQ(report.json.at("report").at("status"), "healthy");
    EXPECT_EQ(report.json.at("report").at("entities").at("User"), 1);
    EXPECT_EQ(report.json.at("report").at("entities").at("Account"), 1);
    EXPECT_EQ(report.json.at("report").at("entities").at("Crawl"), 0);
    EXPECT_TRUE(report.json.at("report").at("config").is_object());
    EXPECT_TRUE(report.json.at("report").as_object().contains("details"));
    HttpResponse init = request("POST", "/api/db/init", R"({"confirmed": true})", {{"Authorization", "Bearer q-token"}});
    ASSERT_EQ(init.status, 200) << describe(init);
    EXPECT_EQ(init.json, (json::object{{"status", "success"}, {"message", "Database wiped and reinitialized successfully"}}));
    HttpResponse after = get("/api/db/report");
    for (const auto& [name, count] : after.json.at("report").at("entities").as_object())
        EXPECT_EQ(count, 0) << name;
    EXPECT_TRUE(IsSuccess(post("/api/account", account_body()), 201));
}

}  // namespace
}  // namespace events::e2e
