// What a new user meets in the first hour: errors that name the fix (docs/API.md), the
// start-up banner, `--help` naming every backend, and the config traps (README
// "Configuration", docs/OPERATIONS.md). Every message is checked with its exact text.
#include "e2e_fixture.h"

#include "storage/backends.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
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

// One `curl` line of the README: method, target on the server, body.
struct CurlLine {
    std::string method = "GET";
    std::string target;
    std::string body;
};

// The `curl` lines of README.md's "Using it" block, as a newcomer pastes them.
std::vector<std::string> readme_curl_lines() {
    std::ifstream in(std::string(EVENTS_SOURCE_DIR) + "/README.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string readme = text.str();
    const size_t begin = readme.find("## Using it");
    const size_t end = readme.find("\n`build/events --help`", begin);
    std::istringstream block(readme.substr(begin, end == std::string::npos ? end : end - begin));
    std::vector<std::string> out;
    for (std::string line; std::getline(block, line);)
        if (line.rfind("    curl ", 0) == 0) out.push_back(line);
    return out;
}

// A curl line read as curl does: `-X METHOD`, the URL after `localhost:5500` up to the
// closing quote or a space, the body in `-d '...'`.
CurlLine parse_curl(const std::string& line) {
    CurlLine c;
    if (const size_t m = line.find("-X "); m != std::string::npos) c.method = line.substr(m + 3, line.find(' ', m + 3) - m - 3);
    const size_t host = line.find("localhost:5500") + std::string("localhost:5500").size();
    c.target = line.substr(host, line.find_first_of("' ", host) - host);
    if (c.target.empty()) c.target = "/";
    if (const size_t d = line.find("-d '"); d != std::string::npos) c.body = line.substr(d + 4, line.rfind('\'') - d - 4);
    return c;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
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

// README "Using it", line by line as a newcomer pastes it, `<account id>` and `<user id>`
// replaced by the ids the POSTs before them answered: every line succeeds, the filter finds
// the user and the view carries the account.
TEST_P(FirstHour, ReadmeUsingItLinesSucceedInTurn) {
    const std::vector<std::string> lines = readme_curl_lines();
    ASSERT_GE(lines.size(), 8u) << "README.md \"Using it\" lost its curl lines";
    std::map<std::string, std::string> ids;   // "<account id>" -> the id answered
    for (std::string line : lines) {
        for (const auto& [placeholder, id] : ids) replace_all(line, placeholder, id);
        ASSERT_EQ(line.find("id>"), std::string::npos) << "a placeholder no POST before answered: " << line;
        const CurlLine c = parse_curl(line);
        HttpResponse r = request(c.method, c.target, c.body);
        ASSERT_GE(r.status, 200) << c.method << " " << c.target << "\n" << describe(r);
        ASSERT_LT(r.status, 300) << c.method << " " << c.target << "\n" << describe(r);
        if (c.method == "POST") ids["<" + c.target.substr(std::string("/api/").size()) + " id>"] = str(data(r).at("id"));
        if (c.target.rfind("/api/user?filter=", 0) == 0) EXPECT_EQ(list_field(r, "lastName"), std::vector<std::string>{"Smith"});
        if (c.target.find("?view=account(") != std::string::npos)
            EXPECT_EQ(data(r).at("account").at("name"), "Acme Corporation") << describe(r);
    }
    EXPECT_EQ(ids.size(), 2u);
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
    // The admin UI's line is there exactly when /admin/ serves the built app.
    const HttpResponse admin = get("/admin/");
    ASSERT_TRUE(admin.status == 200 || admin.status == 404) << describe(admin);
    EXPECT_EQ(out.find("  admin UI        " + base + "/admin/") != std::string::npos, admin.status == 200) << out;
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

// A second server on a port that is taken says how to get past it.
TEST_P(FirstHour, PortInUseNamesTheFix) {
    if (backend() != "sqlite") GTEST_SKIP() << "binding the port does not depend on the backend";
    const std::string port = std::to_string(server().port());
    const auto [out, status] = run(std::string("'") + EVENTS_BINARY + "' serve --db-uri '" + dir() + "/second.db' --port " + port);
    EXPECT_NE(status, 0);
    EXPECT_NE(out.find("cannot listen on 127.0.0.1:" + port +
                       ": Address already in use: another process holds this port; stop it, or choose another port "
                       "with --port (server_port in the config file, EVENTS_SERVER_PORT)"),
              std::string::npos)
        << out;
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
