// docs/DECISIONS.md §4.5-§4.7: every input a client can send gets a 4xx, never a 5xx; the
// limits are the same on every backend and stated in docs/API.md "Limits"; values round-trip
// exactly; 500 and 503 answers carry no engine text.
#include "e2e_fixture.h"

#include "tools/url_encode.h"

#include <cstdlib>
#include <string>

namespace events::e2e {
namespace {

class InputLimits : public E2ETest {};
E2E_INSTANTIATE(InputLimits);

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

// `n` copies of `condition`, comma-separated (no %-encoding: the request line must stay
// under the 16 KiB header limit, docs/API.md "Routes").
std::string conditions(const std::string& condition, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += (i ? "," : "") + condition;
    return out;
}

::testing::AssertionResult NotServerError(const HttpResponse& r) {
    if (r.status >= 400 && r.status < 500) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected a 4xx: " << describe(r);
}

// §4.5: a page whose offset is past anything a backend can skip is an empty page with the total.
TEST_P(InputLimits, HugePageNumbersGiveAnEmptyPageWithTheTotal) {
    create_account("Account One");
    create_account("Account Two");
    for (const std::string& target :
         {std::string("/api/account?page=2147483649&pageSize=1"), std::string("/api/account?page=2147483649&pageSize=1000"),
          std::string("/api/account?page=9223372036854775807&pageSize=1000"),
          std::string("/api/account?page=9223372036854775807&pageSize=7&sort=name:desc&filter=name:o")}) {
        HttpResponse r = get(target);
        ASSERT_TRUE(IsSuccess(r)) << target << ": " << describe(r);
        EXPECT_TRUE(data(r).as_array().empty()) << target;
        EXPECT_EQ(r.json.at("pagination").at("total"), 2) << target;
    }
    HttpResponse uncounted = get("/api/account?page=9223372036854775807&pageSize=1&count=none");
    ASSERT_TRUE(IsSuccess(uncounted)) << describe(uncounted);
    EXPECT_TRUE(data(uncounted).as_array().empty());
}

// §4.5: condition counts beyond the limit are a 400 naming it, the same on every backend;
// the limit itself is evaluated everywhere.
TEST_P(InputLimits, FilterConditionCountIsLimited) {
    const std::string account = create_account("Acme Corporation");
    create_user(account, "jsmith");
    const std::string kLimit = "Too many filter conditions: at most 100";
    for (const std::string& condition : {std::string("lastName:gte:a"), std::string("lastName:mit"),
                                         std::string("lastName:ne:x"), std::string("netWorth:lt:9e9")}) {
        HttpResponse at_limit = get("/api/user?filter=" + conditions(condition, 100));
        ASSERT_TRUE(IsSuccess(at_limit)) << condition << ": " << describe(at_limit);
        EXPECT_EQ(list_ids(at_limit).size(), 1u) << condition;
        for (size_t n : {101u, 513u, 999u}) {
            HttpResponse over = get("/api/user?filter=" + conditions(condition, n));
            EXPECT_TRUE(HasError(over, 400, "general", "bad_request", kLimit, std::nullopt, "filter"))
                << condition << " x" << n << ": " << describe(over);
        }
    }
    HttpResponse many = get("/api/user?filter=" + conditions("zip:a", 1025));
    EXPECT_TRUE(HasError(many, 400, "general", "bad_request", kLimit, std::nullopt, "filter")) << describe(many);
    EXPECT_TRUE(StillServing());
}

// §4.5: a substring value longer than the limit is a 400 naming it; at the limit it is found,
// whatever the characters (ß and emoji fold to longer forms).
TEST_P(InputLimits, SubstringFilterValueLengthIsLimited) {
    const std::string account = create_account("Acme Corporation");
    json::object u = user_body(account, "longname");
    const std::string name = repeat("ßÄ😀x", 64);   // 256 characters
    u["address"] = "<" + name + ">";   // address has no max_length
    create("user", u);
    HttpResponse at_limit = get("/api/user?filter=address:" + url_encode(name));
    ASSERT_TRUE(IsSuccess(at_limit)) << describe(at_limit);
    EXPECT_EQ(list_ids(at_limit).size(), 1u);
    const std::string kLimit = "Filter value too long: substring values have at most 256 characters";
    for (size_t n : {257u, 315u, 2000u}) {
        HttpResponse over = get("/api/user?filter=address:" + url_encode(repeat("a", n)));
        EXPECT_TRUE(HasError(over, 400, "general", "bad_request", kLimit, "address", "filter")) << n << ": " << describe(over);
    }
    // Whole-value matches take values up to the length a String field can be found by.
    HttpResponse whole = get("/api/user?full_match=true&filter=address:" + url_encode("<" + name + ">"));
    ASSERT_TRUE(IsSuccess(whole)) << describe(whole);
    EXPECT_EQ(list_ids(whole).size(), 1u);
    HttpResponse long_whole = get("/api/user?full_match=true&filter=address:" + url_encode(repeat("a", 8192)));
    EXPECT_TRUE(HasError(long_whole, 400, "general", "bad_request",
                         "Filter value too long: values have at most 8191 characters", "address", "filter"))
        << describe(long_whole);
}

// §4.5: ids are 1-512 bytes of any characters but control characters, on every backend;
// every accepted id is reachable (a `/` travels as %2F).
TEST_P(InputLimits, IdsAreOneTo512BytesAndAlwaysReachable) {
    const std::string longest = repeat("é", 256);   // 512 bytes
    for (const std::string& id : {longest, std::string("a/b"), std::string("q?x=1&y#z"), std::string("50% off")}) {
        json::object body = account_body("Acme Corporation");
        body["id"] = id;
        HttpResponse created = post("/api/account", body);
        ASSERT_EQ(created.status, 201) << describe(created);
        EXPECT_EQ(data(created).at("id"), id);
        const std::string path = "/api/account/" + url_encode(id);
        HttpResponse got = get(path);
        ASSERT_TRUE(IsSuccess(got)) << path << ": " << describe(got);
        EXPECT_EQ(data(got).at("id"), id);
        EXPECT_TRUE(IsSuccess(patch(path, json::object{{"name", "Renamed Acme"}})));
        EXPECT_TRUE(IsSuccess(put(path, account_body("Acme Again"))));
        HttpResponse filtered = get("/api/account?filter=" + url_encode("id:\"" + id + "\""));
        EXPECT_EQ(list_ids(filtered), std::vector<std::string>{id}) << describe(filtered);
        EXPECT_TRUE(IsSuccess(del(path)));
        EXPECT_EQ(get(path).status, 404);
    }
    const std::string kTooLong = "Id should have at most 512 bytes";
    for (size_t n : {513u, 2800u, 102400u}) {
        json::object body = account_body("Acme Corporation");
        body["id"] = repeat("a", n);
        HttpResponse r = post("/api/account", body);
        EXPECT_TRUE(HasError(r, 422, "general", "validation_failed", kTooLong, "id")) << n << ": " << describe(r);
    }
    json::object control = account_body("Acme Corporation");
    control["id"] = "ab\x01" "cd";
    EXPECT_TRUE(HasError(post("/api/account", control), 422, "general", "validation_failed",
                         "Id should not contain control characters", "id"));
    // A URL id no document can have is simply not there.
    const std::string too_long = repeat("a", 600);
    EXPECT_EQ(get("/api/account/" + too_long).status, 404);
    EXPECT_TRUE(IsSuccess(del("/api/account/" + too_long)));
    HttpResponse filtered = get("/api/account?filter=id:" + too_long);
    ASSERT_TRUE(IsSuccess(filtered)) << describe(filtered);
    EXPECT_TRUE(data(filtered).as_array().empty());
    EXPECT_TRUE(StillServing());
}

// §4.6: any key and any finite number in a JSON field comes back exactly as sent.
TEST_P(InputLimits, JsonFieldsRoundTripExactly) {
    json::value params = json::parse(R"({"": 1, "$set": {"a.b": 2, "$": [3]}, "x.y": {"": {"$in": null}},
        "big": 18446744073709551615, "min": -9223372036854775808, "max": 9223372036854775807,
        "e30": 1e30, "tenth": 0.1, "tiny": 5e-324, "neg": -2.5e-10})");
    json::object body = url_body("https://example.com/roundtrip");
    body["id"] = "rt1";
    body["params"] = params;
    HttpResponse created = post("/api/url", body);
    ASSERT_EQ(created.status, 201) << describe(created);
    EXPECT_EQ(data(created).at("params"), params) << describe(created);
    json::object got = fetch("url", "rt1");
    EXPECT_EQ(got.at("params"), params) << json::serialize(got);
    HttpResponse listed = get("/api/url?filter=id:rt1");
    ASSERT_EQ(list_ids(listed).size(), 1u) << describe(listed);
    EXPECT_EQ(data(listed).as_array()[0].at("params"), params) << describe(listed);
    // The text form is the shortest that round-trips.
    const std::string text = get("/api/url/rt1").body;
    EXPECT_NE(text.find("18446744073709551615"), std::string::npos) << text;
    EXPECT_EQ(text.find("9.999999999999999"), std::string::npos) << text;
}

// §4.6: a number no double holds is a 422 naming the field, never null, never a 500.
TEST_P(InputLimits, NonFiniteNumbersInJsonFieldsAre422) {
    const std::string before = snapshot();
    for (const std::string& number : {std::string("1e400"), std::string("-1e400")}) {
        const std::string body = R"({"id": "nf1", "url": "https://example.com/nf", "params": {"a": [)" + number + "]}}";
        HttpResponse r = request("POST", "/api/url", body, {{"Content-Type", "application/json"}});
        EXPECT_TRUE(HasError(r, 422, "nf1", "validation_failed", "Input should be a finite number", "params"))
            << describe(r);
    }
    EXPECT_EQ(before, snapshot());
}

// §4.5: JSON nesting has one documented limit: 32 levels of a body, on every backend.
TEST_P(InputLimits, JsonNestingDepthHasOneLimit) {
    // The body is level 1 and `params` level 2: 30 more levels inside it reach 32.
    std::string inner = "1";
    for (int i = 0; i < 30; ++i) inner = (i % 2 ? "{\"k\": " : "[") + inner + (i % 2 ? "}" : "]");
    const std::string deepest = R"({"id": "deep1", "url": "https://example.com/deep", "params": {"k": )" + inner + "}}";
    HttpResponse ok = request("POST", "/api/url", deepest, {{"Content-Type", "application/json"}});
    ASSERT_EQ(ok.status, 201) << describe(ok);
    // The envelope adds two levels to the answer: read it with room for them.
    json::parse_options deeper_answers;
    deeper_answers.max_depth = 64;
    HttpResponse got = get("/api/url/deep1");
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(json::parse(got.body, {}, deeper_answers).at("data").at("params"), json::parse(deepest).at("params"));
    const std::string deeper = R"({"id": "deep2", "url": "https://example.com/deep", "params": {"k": [)" + inner + "]}}";
    HttpResponse over = request("POST", "/api/url", deeper, {{"Content-Type", "application/json"}});
    EXPECT_EQ(over.status, 400) << describe(over);
    EXPECT_NE(over.body.find("nesting deeper than 32 levels"), std::string::npos) << describe(over);
}

// docs/API.md "Reads": text after a view group is not a view.
TEST_P(InputLimits, TextAfterAViewGroupIs400) {
    const std::string kInvalid = "Invalid view format=account(name)xyz. Use format: fk_name(field1,field2)";
    EXPECT_TRUE(HasError(get("/api/user?view=account(name)xyz"), 400, "general", "bad_request", kInvalid));
    EXPECT_TRUE(HasError(get("/api/user?view=xyz,account(name)"), 400, "general", "bad_request",
                         "Invalid view format=xyz,account(name). Use format: fk_name(field1,field2)"));
    EXPECT_TRUE(IsSuccess(get("/api/user?view=" + url_encode("account(name), account(createdAt)"))));
}

// A schema the server cannot serve is refused by `events check`, not answered with 500s.
TEST_P(InputLimits, AutoGenerateOnAnIntegerIsASchemaError) {
    const std::string schema = dir() + "/autogen.yaml";
    write_file(schema, insert_after(sample_schema_text(), "      rating: {type: Integer, required: false, ge: 1, le: 5}",
                                    "      seq: {type: Integer, autoGenerate: true}\n"));
    const std::string command = std::string(EVENTS_BINARY) + " check --schema " + schema + " 2>&1";
    std::string checked;
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char chunk[4096];
    while (size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) checked.append(chunk, n);
    EXPECT_NE(::pclose(pipe), 0) << checked;
    EXPECT_NE(checked.find("UserEvent.seq: autoGenerate/autoUpdate apply to Date and Datetime fields only"),
              std::string::npos)
        << checked;
}

// §4.7 and §4.5: none of the inputs of the user's report is a 5xx.
TEST_P(InputLimits, NoInputOfTheReportIsAServerError) {
    const std::string account = create_account("Acme Corporation");
    create_user(account, "jsmith");
    EXPECT_TRUE(NotServerError(get("/api/user?filter=" + conditions("lastName:gte:a", 513))));
    EXPECT_TRUE(NotServerError(get("/api/user?filter=lastName:" + repeat("b", 315))));
    json::object body = account_body("Acme Corporation");
    body["id"] = repeat("x", 3000);
    EXPECT_TRUE(NotServerError(post("/api/account", body)));
    EXPECT_TRUE(NotServerError(get("/api/user?view=account(name)xyz")));
    EXPECT_TRUE(StillServing());
}

}  // namespace
}  // namespace events::e2e
