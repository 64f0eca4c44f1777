// The list grammar of docs/API.md "Reads" with docs/DECISIONS.md §2.2-2.4: paging, sort, filter, view and
// every error message given there.
#include "e2e_fixture.h"

namespace events::e2e {
namespace {

class Query : public E2ETest {
protected:
    // Five users with distinct names and worths, one account.
    std::string seed() {
        account_ = create_account();
        struct U { const char* username; const char* first; const char* last; const char* gender; int worth; bool owner; const char* dob; };
        for (const U& u : {U{"alice", "Alice", "Anderson", "female", 100, true, "1980-05-01"},
                           U{"bob", "Bob", "Brown", "male", 200, false, "1990-01-01"},
                           U{"carol", "Carol", "Clark", "female", 300, false, "1995-07-15"},
                           U{"dave", "Dave", "Davis", "male", 400, true, "2000-12-31"},
                           U{"erin", "Erin", "Evans", "other", 500, false, "1970-02-02"}}) {
            json::object b = user_body(account_, u.username);
            b["firstName"] = u.first;
            b["lastName"] = u.last;
            b["gender"] = u.gender;
            b["netWorth"] = u.worth;
            b["isAccountOwner"] = u.owner;
            b["dob"] = u.dob;
            create("user", b);
        }
        return account_;
    }
    std::vector<std::string> names(const std::string& query) {
        HttpResponse r = get("/api/user?" + query);
        EXPECT_TRUE(IsSuccess(r)) << query << ": " << describe(r);
        return list_field(r, "username");
    }
    std::string account_;
};
E2E_INSTANTIATE(Query);

using V = std::vector<std::string>;

TEST_P(Query, Paging) {
    seed();
    EXPECT_EQ(names("pageSize=2"), (V{"alice", "bob"}));
    EXPECT_EQ(names("pageSize=2&page=3"), (V{"erin"}));
    EXPECT_EQ(names("pageSize=2&page=4"), V{});
    HttpResponse beyond = get("/api/user?pageSize=2&page=99");
    EXPECT_EQ(beyond.json.at("pagination"), (json::object{{"page", 99}, {"pageSize", 2}, {"total", 5}, {"totalPages", 3}}));
    EXPECT_EQ(names("pageSize=1000").size(), 5u);
    EXPECT_EQ(names("page=1&pageSize=1"), (V{"alice"}));
}

TEST_P(Query, PagingErrors) {
    EXPECT_TRUE(HasError(get("/api/user?page=0"), 400, "general", "bad_request", "Page Number must be >= 1. Page=0"));
    EXPECT_TRUE(HasError(get("/api/user?page=-3"), 400, "general", "bad_request", "Page Number must be >= 1. Page=-3"));
    EXPECT_TRUE(HasError(get("/api/user?page=abc"), 400, "general", "bad_request", "Bad Page Number abc"));
    EXPECT_TRUE(HasError(get("/api/user?pageSize=0"), 400, "general", "bad_request", "Page Size must be >= 1. PageSize=0"));
    EXPECT_TRUE(HasError(get("/api/user?pageSize=1001"), 400, "general", "bad_request",
                         "Page Size must be <= 1000. PageSize=1001"));
    EXPECT_TRUE(HasError(get("/api/user?pageSize=abc"), 400, "general", "bad_request", "Bad Page Size abc"));
    EXPECT_TRUE(HasError(get("/api/user?pagesize=1.5"), 400, "general", "bad_request", "Bad Page Size 1.5"));
}

TEST_P(Query, Sort) {
    seed();
    EXPECT_EQ(names("sort=netWorth:desc"), (V{"erin", "dave", "carol", "bob", "alice"}));
    EXPECT_EQ(names("sort=gender,netWorth:DESC"), (V{"carol", "alice", "dave", "bob", "erin"}));
    EXPECT_EQ(names("sort=dob"), (V{"erin", "alice", "bob", "carol", "dave"}));
    EXPECT_EQ(names("sort=LASTNAME:desc"), (V{"erin", "dave", "carol", "bob", "alice"}));
    EXPECT_EQ(names("sort=isAccountOwner,username"), (V{"bob", "carol", "erin", "alice", "dave"}));
    EXPECT_EQ(names("sort=id:desc").front(), "erin");
    EXPECT_EQ(names("sort=&sort=username:desc"), (V{"erin", "dave", "carol", "bob", "alice"}));   // last wins
    EXPECT_EQ(names("sort=,username,").front(), "alice");
}

TEST_P(Query, SortErrors) {
    EXPECT_TRUE(HasError(get("/api/user?sort=shoesize"), 400, "general", "bad_request", "Unknown sort field. Valid fields: " + kSampleUserFields, "shoesize"));
    EXPECT_TRUE(HasError(get("/api/user?sort=username:up"), 400, "general", "bad_request",
                         "Invalid sort direction. Use 'asc' or 'desc'", "username"));
    EXPECT_TRUE(HasError(get("/api/user?sort=:desc"), 400, "general", "bad_request", "Empty field name in sort"));
    EXPECT_TRUE(HasError(get("/api/user?sort=firstName%2Cdesc"), 400, "general", "bad_request", "Unknown sort field. Valid fields: " + kSampleUserFields, "desc"));
}

TEST_P(Query, FilterEqualityAndSubstring) {
    seed();
    EXPECT_EQ(names("filter=lastName:AN&sort=username"), (V{"alice", "erin"}));   // Anderson, Evans
    EXPECT_EQ(names("filter=lastName:clark&full_match"), (V{"carol"}));
    EXPECT_EQ(names("filter=lastName:clar&full_match"), V{});
    EXPECT_EQ(names("filter=lastName:clar&full_match=false"), V{});   // presence counts
    EXPECT_EQ(names("filter=gender:male"), (V{"bob", "dave"}));        // enums match exactly
    EXPECT_EQ(names("filter=gender:mal"), V{});
    EXPECT_EQ(names("filter=netWorth:300"), (V{"carol"}));
    EXPECT_EQ(names("filter=isAccountOwner:true"), (V{"alice", "dave"}));
    EXPECT_EQ(names("filter=isAccountOwner:0"), (V{"bob", "carol", "erin"}));
    EXPECT_EQ(names("filter=dob:1990-01-01"), (V{"bob"}));
    EXPECT_EQ(names("filter=accountId:" + account_).size(), 5u);
    EXPECT_EQ(names("filter=accountId:" + account_.substr(0, 10)), V{});   // ids are exact
    EXPECT_EQ(names("filter=zip:1"), V{});                                  // nulls never match
}

TEST_P(Query, FilterRangesAndCombinations) {
    seed();
    EXPECT_EQ(names("filter=netWorth:gte:200,netWorth:lte:400"), (V{"bob", "carol", "dave"}));
    EXPECT_EQ(names("filter=netWorth:gt:200,netWorth:lt:400"), (V{"carol"}));
    EXPECT_EQ(names("filter=dob:gte:1950-01-01,dob:lt:1990-01-01,gender:female"), (V{"alice"}));
    EXPECT_EQ(names("filter=netWorth:eq:100"), (V{"alice"}));
    EXPECT_EQ(names("filter=,,netWorth:gt:400,"), (V{"erin"}));
    EXPECT_EQ(names("filter="), (V{"alice", "bob", "carol", "dave", "erin"}));
    EXPECT_EQ(names("filter=firstName:Bob&filter=firstName:Carol"), (V{"carol"}));   // last occurrence wins
    EXPECT_EQ(names("filter=lastName:gte:c,lastName:lt:E"), (V{"carol", "dave"}));
    EXPECT_EQ(names("FILTER=USERNAME:ALICE"), (V{"alice"}));
}

TEST_P(Query, FilterQuotedValuesMayContainColons) {
    const std::string account = create_account();
    json::object u = user_body(account, "colon");
    u["address"] = "Suite 10:30";
    create("user", u);
    create_user(account, "plain");
    EXPECT_EQ(names("filter=address:" + url_encode("\"Suite 10:30\"")), (V{"colon"}));
    EXPECT_EQ(names("filter=address:" + url_encode("'10:3'")), (V{"colon"}));
    EXPECT_EQ(names("filter=createdAt:gte:" + url_encode("\"2000-01-01T10:00:00Z\"")).size(), 2u);
}

TEST_P(Query, FilterErrors) {
    EXPECT_TRUE(HasError(get("/api/user?filter=gender"), 400, "general", "bad_request",
                         "Invalid filter format. Use field:value instead of gender"));
    EXPECT_TRUE(HasError(get("/api/user?filter=shoesize:9"), 400, "general", "bad_request", "Invalid filter field. Valid fields: " + kSampleUserFields, "shoesize"));
    EXPECT_TRUE(HasError(get("/api/user?filter=netWorth:about:5"), 400, "general", "bad_request", "Unknown operator=about. Use eq, ne, gt, gte, lt or lte"));
    EXPECT_TRUE(HasError(get("/api/user?filter=gender:"), 400, "general", "bad_request", "Missing filter value in gender:"));
    EXPECT_TRUE(HasError(get("/api/url?filter=params:x"), 400, "general", "bad_request", "Field params cannot be filtered",
                         "params"));
    EXPECT_TRUE(HasError(get("/api/event?filter=tags:music"), 400, "general", "bad_request", "Field tags cannot be filtered",
                         "tags"));
    EXPECT_TRUE(HasError(get("/api/user?filter=netWorth:gt:abc"), 400, "general", "bad_request", "Invalid currency value",
                         "netWorth", "filter"));
}

TEST_P(Query, UnknownParameters) {
    const std::string message =
        "Unknown query parameter=%s. Valid parameters: page, pageSize, sort, filter, view, no_consistency, full_match, count";
    auto msg = [&](const std::string& name) {
        std::string m = message;
        m.replace(m.find("%s"), 2, name);
        return m;
    };
    EXPECT_TRUE(HasError(get("/api/user?foo=1"), 400, "general", "bad_request", msg("foo")));
    EXPECT_TRUE(HasError(get("/api/user?substring_match=full"), 400, "general", "bad_request", msg("substring_match")));
    // The same parsing applies on every entity route.
    const std::string id = create_account();
    EXPECT_TRUE(HasError(get("/api/account/" + id + "?foo=1"), 400, "general", "bad_request", msg("foo")));
    EXPECT_TRUE(HasError(del("/api/account/" + id + "?foo=1"), 400, "general", "bad_request", msg("foo")));
    EXPECT_TRUE(IsSuccess(get("/api/account/" + id)));   // nothing was deleted
    EXPECT_TRUE(IsSuccess(get("/api/account?no_consistency=true&full_match")));
}

TEST_P(Query, ViewExpansionOnLists) {
    seed();
    HttpResponse r = get("/api/user?view=account(name,id)&pageSize=2");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    for (const auto& doc : data(r).as_array())
        EXPECT_EQ(doc.at("account"), (json::object{{"exists", true}, {"name", "Acme Corporation"}, {"id", account_}}));
    // Case-insensitive names; spaces inside the list are fine; the entity name also works.
    HttpResponse r2 = get("/api/user?VIEW=" + url_encode("ACCOUNT(NAME, enabled)") + "&pageSize=1");
    ASSERT_TRUE(IsSuccess(r2)) << describe(r2);
    EXPECT_EQ(data(r2).at(0).at("account"), (json::object{{"exists", true}, {"name", "Acme Corporation"}, {"enabled", true}}));
    HttpResponse r3 = get("/api/user?view=");
    EXPECT_TRUE(IsSuccess(r3)) << describe(r3);
    EXPECT_FALSE(data(r3).at(0).as_object().contains("account"));
}

TEST_P(Query, ViewErrors) {
    EXPECT_TRUE(HasError(get("/api/user?view=account()"), 400, "general", "bad_request",
                         "Invalid view format=account(). Use format: fk_name(field1,field2)"));
    EXPECT_TRUE(HasError(get("/api/user?view=account"), 400, "general", "bad_request",
                         "Invalid view format=account. Use format: fk_name(field1,field2)"));
    EXPECT_TRUE(HasError(get("/api/user?view=planet(name)"), 400, "general", "bad_request", "Unknown entity=planet in view"));
    EXPECT_TRUE(HasError(get("/api/user?view=account(shoesize)"), 400, "general", "bad_request",
                         "Unknown field=account.shoesize in view"));
    EXPECT_TRUE(HasError(get("/api/user?view=event(title)"), 400, "general", "bad_request",
                         "Entity=event in view is not referenced by User"));
}

TEST_P(Query, ValidationMultipleExpandsEveryFkOnLists) {
    start_server_with({{"validation", "multiple"}});
    const std::string account = create_account();
    const std::string user = create_user(account, "jsmith");
    const std::string event = create("event", event_body());
    create("userevent", userevent_body(user, event));
    HttpResponse r = get("/api/userevent");
    ASSERT_TRUE(IsSuccess(r)) << describe(r);
    EXPECT_EQ(data(r).at(0).at("user").at("exists"), true);
    EXPECT_EQ(data(r).at(0).at("event").at("exists"), true);
    HttpResponse v = get("/api/userevent?view=event(title)");
    EXPECT_EQ(data(v).at(0).at("event"), (json::object{{"exists", true}, {"title", "Concert"}}));
    EXPECT_EQ(data(v).at(0).at("user").at("exists"), true);
}

TEST_P(Query, ValidationSingleLeavesListsAlone) {
    start_server_with({{"validation", "single"}});
    const std::string account = create_account();
    const std::string user = create_user(account, "jsmith");
    HttpResponse list = get("/api/user");
    ASSERT_TRUE(IsSuccess(list)) << describe(list);
    EXPECT_FALSE(data(list).at(0).as_object().contains("account"));
    EXPECT_EQ(fetch("user", user).at("account").at("exists"), true);
}

// docs/DECISIONS.md §2.25: a double-quoted filter value keeps commas and colons.
TEST_P(Query, QuotedFilterValuesKeepCommasAndColons) {
    seed();
    json::object lee = user_body(account_, "leejr");
    lee["lastName"] = "Lee, Jr";
    lee["city"] = "Paris";
    create("user", lee);
    json::object odd = user_body(account_, "oddname");
    odd["lastName"] = "Say \"hi\": now";
    create("user", odd);
    // Raw in the URL (the comma and quotes as they are) and percent-encoded: the same.
    EXPECT_EQ(names("filter=lastName:\"Lee,%20Jr\",city:Paris"), V{"leejr"});
    EXPECT_EQ(names("filter=lastName:\"Lee,+Jr\",city:Paris"), V{"leejr"});
    EXPECT_EQ(names("filter=" + url_encode("lastName:\"Lee, Jr\",city:Paris")), V{"leejr"});
    EXPECT_EQ(names("filter=lastName:%22Lee%2C%20Jr%22"), V{"leejr"});
    EXPECT_EQ(names("filter=" + url_encode("lastName:\"Lee, Jr\"") + "&full_match"), V{"leejr"});
    EXPECT_EQ(names("filter=" + url_encode("lastName:eq:\"lee, jr\"") + "&full_match"), V{"leejr"});
    // `:` and an escaped `"` inside the quotes.
    EXPECT_EQ(names("filter=" + url_encode(R"(lastName:"Say \"hi\": now")") + "&full_match"), V{"oddname"});
    EXPECT_EQ(names("filter=" + url_encode(R"(lastName:"\"hi\":")")), V{"oddname"});
    // Unquoted values still split at commas: `Jr` is a condition without a colon.
    EXPECT_TRUE(HasError(get("/api/user?filter=lastName:Lee,Jr"), 400, "general", "bad_request",
                         "Invalid filter format. Use field:value instead of Jr. A value holding a comma needs "
                         "quotes: lastName:\"Lee,Jr\""));
    EXPECT_TRUE(HasError(get("/api/user?filter=lastName:Lee%2CJr"), 400, "general", "bad_request",
                         "Invalid filter format. Use field:value instead of Jr. A value holding a comma needs "
                         "quotes: lastName:\"Lee,Jr\""));
    // A quote that is never closed names the condition.
    EXPECT_TRUE(HasError(get("/api/user?filter=" + url_encode("city:Paris,lastName:\"Lee, Jr")), 400, "general",
                         "bad_request", "Missing closing quote in filter condition lastName:\"Lee, Jr"));
}

// docs/DECISIONS.md §3 (optional totals): count=none counts nothing and says nothing about totals.
TEST_P(Query, CountNoneLeavesOutTheTotals) {
    seed();
    HttpResponse exact = get("/api/user?pageSize=2&count=exact");
    ASSERT_TRUE(IsSuccess(exact)) << describe(exact);
    EXPECT_EQ(exact.json.at("pagination"), (json::object{{"page", 1}, {"pageSize", 2}, {"total", 5}, {"totalPages", 3}}));
    HttpResponse none = get("/api/user?pageSize=2&page=2&count=none&filter=netWorth:gte:200&sort=netWorth:desc");
    ASSERT_TRUE(IsSuccess(none)) << describe(none);
    EXPECT_EQ(none.json.at("pagination"), (json::object{{"page", 2}, {"pageSize", 2}}));
    EXPECT_EQ(list_field(none, "username"), (V{"carol", "bob"}));   // the same page as with a count
    EXPECT_EQ(names("pageSize=2&page=2&filter=netWorth:gte:200&sort=netWorth:desc"), (V{"carol", "bob"}));
    // With a view or an id filter (the document path) too.
    HttpResponse view = get("/api/user?count=NONE&view=account(name)&pageSize=1");
    ASSERT_TRUE(IsSuccess(view)) << describe(view);
    EXPECT_EQ(view.json.at("pagination"), (json::object{{"page", 1}, {"pageSize", 1}}));
    EXPECT_EQ(data(view).at(0).at("account").at("name"), "Acme Corporation");
    HttpResponse none_found = get("/api/user?count=none&filter=id:nobody");
    EXPECT_EQ(none_found.json.at("pagination"), (json::object{{"page", 1}, {"pageSize", 25}}));
    // A bad value is a 400 naming the parameter.
    HttpResponse bad = get("/api/user?count=approximate");
    EXPECT_TRUE(HasError(bad, 400, "general", "bad_request", "Invalid count value approximate. Use 'exact' or 'none'",
                         std::nullopt, "count"))
        << describe(bad);
}

}  // namespace
}  // namespace events::e2e
