// What a new user meets in the first hour: errors that name the fix (docs/API.md), the
// start-up banner, `--help` naming every backend, and the config traps (README
// "Configuration", docs/OPERATIONS.md). Every message is checked with its exact text.
#include "e2e_fixture.h"

#include "storage/backends.h"

#include <cstdio>
#include <sys/wait.h>

namespace events::e2e {
namespace {

class FirstHour : public E2ETest {};
E2E_INSTANTIATE(FirstHour);

// Output and exit status of a shell command (stderr included).
std::pair<std::string, int> run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return {"popen failed", -1};
    char chunk[4096];
    while (size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) out.append(chunk, n);
    const int status = ::pclose(pipe);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST_P(FirstHour, SignedSortKeySuggestsTheDirection) {
    EXPECT_TRUE(HasError(get("/api/user?sort=-lastName"), 400, "general", "bad_request",
                         "Unknown sort field. Use lastName:desc for descending order", "-lastName"));
    EXPECT_TRUE(HasError(get("/api/user?sort=shoeSize"), 400, "general", "bad_request",
                         "Unknown sort field. Valid fields: " + kSampleUserFields, "shoeSize"));
}

TEST_P(FirstHour, BadFilterFieldListsTheValidOnes) {
    EXPECT_TRUE(HasError(get("/api/user?filter=shoeSize:9"), 400, "general", "bad_request",
                         "Invalid filter field. Valid fields: " + kSampleUserFields, "shoeSize"));
}

TEST_P(FirstHour, DatetimeEqualityExplainsQuotingOrEq) {
    EXPECT_TRUE(HasError(get("/api/user?filter=createdAt:2026-11-19T16:00:00Z"), 400, "general", "bad_request",
                         "Unknown operator=2026-11-19T16. A value holding colons needs quotes or an operator: "
                         "createdAt:\"2026-11-19T16:00:00Z\" or createdAt:eq:2026-11-19T16:00:00Z",
                         "createdAt", "filter"));
    // Both suggestions are accepted.
    EXPECT_TRUE(IsSuccess(get("/api/user?filter=createdAt:%222026-11-19T16:00:00Z%22")));
    EXPECT_TRUE(IsSuccess(get("/api/user?filter=createdAt:eq:2026-11-19T16:00:00Z")));
    EXPECT_TRUE(HasError(get("/api/user?filter=netWorth:between:5"), 400, "general", "bad_request",
                         "Unknown operator=between. Use eq, ne, gt, gte, lt or lte", "netWorth", "filter"));
}

TEST_P(FirstHour, CommaInAnUnquotedValueSuggestsQuoting) {
    const std::string account = create_account();
    json::object body = user_body(account, "leejr");
    body["lastName"] = "Lee, Jr";
    create("user", body);
    EXPECT_TRUE(HasError(get("/api/user?filter=lastName:Lee,%20Jr"), 400, "general", "bad_request",
                         "Invalid filter format. Use field:value instead of  Jr. A value holding a comma needs "
                         "quotes: lastName:\"Lee, Jr\""));
    // The suggestion finds the user.
    HttpResponse r = get("/api/user?filter=lastName:%22Lee,%20Jr%22");
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(r.json.at("data").as_array().size(), 1u) << describe(r);
}

TEST_P(FirstHour, JsonSyntaxErrorNamesLineAndColumn) {
    EXPECT_TRUE(HasError(request("POST", "/api/account", "{\n  \"name\": \"Acme Corporation\"\n  \"credit\": 5\n}"),
                         400, "general", "bad_request", "Malformed JSON body: syntax error at line 3, column 3"));
    EXPECT_TRUE(HasError(request("POST", "/api/account", "{\"name\": \"Acme"), 400, "general", "bad_request",
                         "Malformed JSON body: incomplete JSON at line 1, column 15"));
    EXPECT_TRUE(HasError(request("POST", "/api/account", ""), 400, "general", "bad_request",
                         "Malformed JSON body: empty body"));
}

TEST_P(FirstHour, UnknownRouteListsTheEntityRoutes) {
    EXPECT_TRUE(HasError(get("/api/users"), 404, "general", "not_found",
                         "Unknown route: /api/users. Entity routes: " + kSampleEntityRoutes));
}

// A missing parent is reported in the same answer as the other field errors.
TEST_P(FirstHour, MissingParentIsReportedWithTheOtherFieldErrors) {
    json::object body = user_body("nosuchaccount", "ab");   // username too short, account missing
    body["id"] = "usr_fk_1";
    HttpResponse r = post("/api/user", body);
    EXPECT_TRUE(HasError(r, 422, "usr_fk_1", "validation_failed", "String should have at least 3 characters", "username"));
    EXPECT_TRUE(HasError(r, 422, "usr_fk_1", "validation_failed", "Id nosuchaccount does not exist", "accountId"));
    EXPECT_EQ(r.json.at("notifications").at("usr_fk_1").at("errors").as_array().size(), 2u) << describe(r);
}

TEST_P(FirstHour, BannerSaysWhereTheServerIs) {
    server();   // started
    const std::string base = "http://127.0.0.1:" + std::to_string(server().port());
    const std::string out = server().output();
    for (const std::string& line :
         {"events is serving on " + base, "  API             " + base + "/api/<entity>, e.g. " + base + "/api/account",
          "  API docs        " + base + "/docs", "  metrics         " + base + "/metrics",
          "  database        " + backend() + " ", std::string("  authentication  off")})
        EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
}

TEST_P(FirstHour, HelpNamesEveryBackendOfTheTable) {
    if (backend() != "sqlite") GTEST_SKIP() << "the command line does not depend on the backend";
    const auto [out, status] = run(std::string("'") + EVENTS_BINARY + "' --help");
    EXPECT_EQ(status, 0) << out;
    for (const BackendInfo& b : kBackends) {
        EXPECT_NE(out.find(std::string(b.name)), std::string::npos) << b.name << "\n" << out;
        EXPECT_NE(out.find(std::string(b.title)), std::string::npos) << b.title << "\n" << out;
    }
    const auto [refused, code] = run(std::string("'") + EVENTS_BINARY + "' --database oracle --port 0");
    EXPECT_NE(code, 0);
    EXPECT_NE(refused.find("unknown database 'oracle' (supported: sqlite, postgresql, mongodb, elasticsearch, sqlserver)"),
              std::string::npos)
        << refused;
}

TEST_P(FirstHour, ConfigJsonErrorNamesLineAndColumn) {
    if (backend() != "sqlite") GTEST_SKIP() << "the config file is read before any backend";
    const std::string path = dir() + "/broken.json";
    write_file(path, "{\"database\": \"sqlite\",\n  \"server_port\": 5500,,\n}");
    const auto [out, status] = run(std::string("'") + EVENTS_BINARY + "' --config '" + path + "' --port 0");
    EXPECT_NE(status, 0);
    EXPECT_NE(out.find("events: config file " + path + ": invalid JSON: syntax error at line 2, column 23"),
              std::string::npos)
        << out;
}

// cors_origins "*": any origin may read, without credentials.
TEST_P(FirstHour, CorsStarAllowsAnyOriginWithoutCredentials) {
    start_server_with(json::object{{"cors_origins", "*"}});
    HttpResponse r = request("GET", "/api/account", "", {{"Origin", "https://elsewhere.example"}});
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(r.headers["access-control-allow-origin"], "*");
    EXPECT_EQ(r.headers.count("access-control-allow-credentials"), 0u);
}

// Without a config the API's title is "events", not the original framework's placeholder.
TEST_P(FirstHour, DefaultProjectNameIsEvents) {
    json::object config = base_config();
    config.erase("project_name");
    ServerSetup s = default_setup();
    s.config = config;
    start_server(s);
    HttpResponse m = get("/api/metadata");
    ASSERT_EQ(m.status, 200) << describe(m);
    EXPECT_EQ(m.json.at("projectName"), "events");
    EXPECT_EQ(get("/openapi.json").json.at("info").at("title"), "events");
}

// A database named in the PostgreSQL URI is used; naming another one in db_name is refused
// at start-up with both names (docs/OPERATIONS.md "Which database").
TEST_P(FirstHour, PostgresUriDatabaseIsHonouredAndAConflictRefused) {
    if (backend() != "postgresql") GTEST_SKIP() << "the URI's database path is a PostgreSQL rule here";
    const json::object base = base_config();
    const std::string server_uri(base.at("db_uri").as_string());
    json::object from_uri = base;
    from_uri["db_uri"] = server_uri + "/" + db_name();
    from_uri["db_name"] = "";
    ServerSetup s = default_setup();
    s.config = from_uri;
    start_server(s);
    HttpResponse report = get("/api/db/report");
    ASSERT_EQ(report.status, 200) << describe(report);
    EXPECT_NE(json::serialize(report.json).find("\"database\":\"" + db_name() + "\""), std::string::npos)
        << json::serialize(report.json);
    EXPECT_NE(server().output().find(", database " + db_name()), std::string::npos) << server().output();
    stop_server();

    json::object conflict = base;
    conflict["db_uri"] = server_uri + "/library";
    conflict["db_name"] = db_name();
    ServerSetup c = default_setup();
    c.config = conflict;
    TestServer refused(c, dir());
    std::string error;
    ASSERT_TRUE(refused.launch(error)) << error;
    const std::optional<int> code = refused.wait_exit(60);
    ASSERT_TRUE(code.has_value()) << "the server kept running:\n" << refused.output();
    EXPECT_NE(*code, 0);
    EXPECT_NE(refused.output().find("the PostgreSQL URI names the database 'library' and db_name names '" + db_name() +
                                    "': name it in one place, or the same in both"),
              std::string::npos)
        << refused.output();
}

}  // namespace
}  // namespace events::e2e
