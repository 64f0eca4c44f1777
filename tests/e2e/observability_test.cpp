// docs/OPERATIONS.md over real HTTP: /openapi.json built from the schema and the route table,
// /docs from files, /metrics counters by route template, X-Request-Id, JSON access
// logs, and the config switches that turn these off or protect them.
#include "e2e_fixture.h"

#include <filesystem>
#include <regex>
#include <sstream>

namespace events::e2e {
namespace {

class Observability : public E2ETest {
protected:
    // The value of one sample line of a scrape ("name{labels} value"), or -1 when absent.
    static double sample(const std::string& scrape, const std::string& series) {
        std::istringstream in(scrape);
        for (std::string line; std::getline(in, line);)
            if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
        return -1;
    }
    json::object spec() {
        HttpResponse r = get("/openapi.json");
        EXPECT_EQ(r.status, 200) << describe(r);
        EXPECT_TRUE(r.json.is_object()) << describe(r);
        return r.json.is_object() ? r.json.as_object() : json::object{};
    }
};
E2E_INSTANTIATE(Observability);

TEST_P(Observability, OpenApiDescribesEveryEntityRouteWithItsParametersAndBodies) {
    json::object doc = spec();
    EXPECT_EQ(doc.at("openapi"), "3.1.0");
    const json::object& paths = doc.at("paths").as_object();
    for (const char* method : {"get", "post"}) EXPECT_TRUE(paths.at("/api/account").as_object().contains(method)) << method;
    for (const char* method : {"get", "put", "patch", "delete"})
        EXPECT_TRUE(paths.at("/api/account/{id}").as_object().contains(method)) << method;
    for (const char* p : {"/api/metadata", "/api/health", "/api/db/report", "/api/db/init", "/openapi.json", "/docs",
                          "/docs/{file}", "/metrics"})
        EXPECT_TRUE(paths.contains(p)) << p;

    // Every list parameter, `count` with its two values.
    std::vector<std::string> names;
    for (const auto& p : paths.at("/api/user").at("get").at("parameters").as_array()) {
        if (p.as_object().contains("name")) names.push_back(str(p.at("name")));
        else names.push_back(str(p.at("$ref")).substr(std::string("#/components/parameters/").size()));
    }
    EXPECT_EQ(names, (std::vector<std::string>{"page", "pageSize", "sort", "filter", "view", "full_match",
                                               "no_consistency", "count"}));
    const json::object& components = doc.at("components").as_object();
    EXPECT_EQ(components.at("parameters").at("count").at("schema").at("enum"), (json::array{"exact", "none"}));
    EXPECT_EQ(components.at("parameters").at("pageSize").at("schema").at("maximum"), 1000);
    // Found by schemathesis: `no_consistency=1` is accepted, so the type is its vocabulary, not boolean.
    EXPECT_EQ(components.at("parameters").at("no_consistency").at("schema").at("enum"),
              (json::array{"true", "false", "1", "0", "yes", "no"}));
    EXPECT_EQ(get("/api/account?no_consistency=1").status, 200);

    // Bodies from the field definitions of schemas/events.yaml.
    const json::object& schemas = components.at("schemas").as_object();
    const json::value& account = schemas.at("AccountInput");
    EXPECT_EQ(account.at("required"), json::array{"name"});
    EXPECT_EQ(account.at("properties").at("name").at("minLength"), 6);
    EXPECT_EQ(account.at("properties").at("name").at("maxLength"), 100);
    EXPECT_EQ(account.at("properties").at("credit").at("minimum"), 0);
    EXPECT_EQ(account.at("properties").at("expireDate").at("format"), "date");
    EXPECT_EQ(account.at("properties").at("createdAt").at("format"), "date-time");
    EXPECT_EQ(account.at("properties").at("createdAt").at("readOnly"), true);
    EXPECT_EQ(account.at("properties").at("updatedAt").at("readOnly"), true);
    EXPECT_EQ(account.at("properties").at("enabled").at("default"), true);
    const json::value& user = schemas.at("UserInput").at("properties");
    EXPECT_EQ(user.at("gender").at("enum"), (json::array{"male", "female", "other", nullptr}));
    EXPECT_FALSE(str(user.at("email").at("pattern")).empty());
    EXPECT_EQ(user.at("netWorth").at("maximum"), 10000000);
    EXPECT_FALSE(schemas.at("UserPatch").as_object().contains("required"));
    // What the document allows, the server accepts: null for an optional field.
    EXPECT_EQ(user.at("gender").at("type"), (json::array{"string", "null"}));
    json::object body = user_body(create_account());
    body["gender"] = nullptr;
    body["netWorth"] = nullptr;
    HttpResponse created = post("/api/user", body);
    EXPECT_TRUE(IsSuccess(created, 201)) << describe(created);
    // Envelope, pagination and errors.
    EXPECT_EQ(schemas.at("AccountListEnvelope").at("properties").at("pagination").at("$ref"),
              "#/components/schemas/Pagination");
    const json::value& post = paths.at("/api/account").at("post");
    EXPECT_EQ(post.at("requestBody").at("content").at("application/json").at("schema").at("$ref"),
              "#/components/schemas/AccountInput");
    for (const char* status : {"201", "400", "409", "413", "422", "503"})
        EXPECT_TRUE(post.at("responses").as_object().contains(status)) << status;
    EXPECT_EQ(components.at("responses").at("ValidationFailed").at("content").at("application/json").at("schema").at("$ref"),
              "#/components/schemas/ErrorEnvelope");
}

TEST_P(Observability, OpenApiOmitsWhatOperationsForbid) {
    const std::string schema = dir() + "/operations.yaml";
    write_file(schema, insert_after(sample_schema_text(), "  Crawl:", "    operations: rd\n"));
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    json::object doc = spec();
    const json::object& paths = doc.at("paths").as_object();
    EXPECT_FALSE(paths.at("/api/crawl").as_object().contains("post"));
    EXPECT_TRUE(paths.at("/api/crawl").as_object().contains("get"));
    EXPECT_FALSE(paths.at("/api/crawl/{id}").as_object().contains("put"));
    EXPECT_FALSE(paths.at("/api/crawl/{id}").as_object().contains("patch"));
    EXPECT_TRUE(paths.at("/api/crawl/{id}").as_object().contains("delete"));
    EXPECT_TRUE(paths.at("/api/url").as_object().contains("post"));
}

TEST_P(Observability, MetricsCountRequestsByRouteTemplateNeverByRawPath) {
    const std::string id = create_account();
    fetch("account", id);
    fetch("account", id);
    EXPECT_EQ(get("/api/account/no-such-id").status, 404);
    EXPECT_EQ(get("/api/nothing-here").status, 404);
    EXPECT_EQ(request("DELETE", "/api/metadata").status, 405);
    HttpResponse r = get("/metrics");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
    const std::string& text = r.body;
    EXPECT_EQ(sample(text, R"(events_http_requests_total{method="POST",route="/api/account",status="201"})"), 1);
    EXPECT_EQ(sample(text, R"(events_http_requests_total{method="GET",route="/api/account/{id}",status="200"})"), 2);
    EXPECT_EQ(sample(text, R"(events_http_requests_total{method="GET",route="/api/account/{id}",status="404"})"), 1);
    EXPECT_EQ(sample(text, R"(events_http_requests_total{method="GET",route="unmatched",status="404"})"), 1);
    EXPECT_EQ(sample(text, R"(events_http_requests_total{method="DELETE",route="/api/metadata",status="405"})"), 1);
    EXPECT_EQ(sample(text, R"(events_http_request_duration_seconds_count{method="GET",route="/api/account/{id}"})"), 3);
    EXPECT_EQ(sample(text, R"(events_storage_operation_duration_seconds_count{operation="create"})"), 1);
    EXPECT_GE(sample(text, R"(events_storage_operation_duration_seconds_count{operation="get"})"), 3);
    EXPECT_GE(sample(text, R"(events_http_request_duration_seconds_bucket{method="GET",route="/api/account/{id}",le="+Inf"})"), 3);
    EXPECT_GT(sample(text, "events_uptime_seconds"), 0);
    EXPECT_EQ(text.find(id), std::string::npos) << "a raw id in a label";
    EXPECT_EQ(text.find("no-such-id"), std::string::npos);
    EXPECT_EQ(text.find("nothing-here"), std::string::npos);
}

// The storage pool gauges (docs/OPERATIONS.md), sampled at scrape time and labelled by backend only.
TEST_P(Observability, MetricsReportThePoolConnectionsInUseAndOpen) {
    const std::string id = create_account();
    fetch("account", id);
    const std::string text = get("/metrics").body;
    const std::string labels = "{backend=\"" + backend() + "\"}";
    const double in_use = sample(text, "events_storage_pool_connections_in_use" + labels);
    const double open = sample(text, "events_storage_pool_connections_open" + labels);
    // Idle between requests (the scrape itself takes no connection); the create and
    // the read above needed one, which the pool keeps open.
    EXPECT_EQ(in_use, 0) << text;
    EXPECT_GE(open, 1) << text;
    EXPECT_NE(text.find("# TYPE events_storage_pool_connections_in_use gauge"), std::string::npos);
    EXPECT_NE(text.find("# TYPE events_storage_pool_connections_open gauge"), std::string::npos);
    // One series each: nothing but the backend is a label.
    std::istringstream in(text);
    int series = 0;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("events_storage_pool_connections_", 0) == 0) ++series;
    EXPECT_EQ(series, 2) << text;

    // Still plausible after a burst of requests: open >= in_use >= 0.
    for (int i = 0; i < 5; ++i) fetch("account", id);
    const std::string again = get("/metrics").body;
    const double in_use_after = sample(again, "events_storage_pool_connections_in_use" + labels);
    const double open_after = sample(again, "events_storage_pool_connections_open" + labels);
    EXPECT_EQ(in_use_after, 0) << again;
    EXPECT_GE(open_after, in_use_after);
}

TEST_P(Observability, HeadIsAnsweredByTheGetRouteAndCountedAsHead) {
    const std::string id = create_account();
    HttpResponse head = request("HEAD", "/api/account/" + id);
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(request("HEAD", "/api/account/" + id + "/x").status, 404);
    const std::string text = get("/metrics").body;
    EXPECT_EQ(sample(text, R"(events_http_requests_total{method="HEAD",route="/api/account/{id}",status="200"})"), 1);
}

TEST_P(Observability, RequestIdIsEchoedOrGenerated) {
    HttpResponse mine = request("GET", "/api/account", "", {{"X-Request-Id", "trace-42.a"}});
    EXPECT_EQ(mine.header("x-request-id"), "trace-42.a");
    HttpResponse generated = get("/api/account");
    EXPECT_TRUE(std::regex_match(generated.header("x-request-id"), std::regex("[0-9a-z]{26}")))
        << generated.header("x-request-id");
    EXPECT_NE(get("/api/account").header("x-request-id"), generated.header("x-request-id"));
    // Not something to copy into logs and headers: replaced.
    HttpResponse too_long = request("GET", "/api/account", "", {{"X-Request-Id", std::string(200, 'x')}});
    EXPECT_EQ(too_long.header("x-request-id").size(), 26u);
    // Errors carry one too.
    EXPECT_EQ(request("GET", "/api/nothing", "", {{"X-Request-Id", "err-1"}}).header("x-request-id"), "err-1");
}

TEST_P(Observability, JsonAccessLogHasOneLinePerRequest) {
    json::object config = base_config();
    config["log_format"] = "json";
    start_server_with(config);
    const std::string id = create_account();
    EXPECT_EQ(request("GET", "/api/account/" + id, "", {{"X-Request-Id", "log-check-1"}}).status, 200);
    const std::string out = server().output();
    bool found = false;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] != '{') continue;   // lines before the config was read are text
        json::value v;
        ASSERT_NO_THROW(v = json::parse(line)) << "not JSON: " << line;
        ASSERT_TRUE(v.is_object()) << line;
        if (!v.as_object().contains("request_id") || v.at("request_id") != "log-check-1") continue;
        found = true;
        EXPECT_EQ(v.at("method"), "GET");
        EXPECT_EQ(v.at("route"), "/api/account/{id}");
        EXPECT_EQ(v.at("status"), 200);
        EXPECT_TRUE(v.at("ms").is_number());
        EXPECT_GT(v.at("bytes").to_number<int64_t>(), 0);
        EXPECT_TRUE(std::regex_match(str(v.at("time")), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
        EXPECT_EQ(line.find(id), std::string::npos) << "the raw id in the access log";
    }
    EXPECT_TRUE(found) << out;
}

TEST_P(Observability, ConfigTurnsTheRoutesOffOrProtectsMetrics) {
    json::object off = base_config();
    off["openapi"] = false;
    off["docs"] = false;
    off["metrics"] = false;
    start_server_with(off);
    EXPECT_TRUE(HasError(get("/openapi.json"), 404, "general", "not_found", "Unknown route: /openapi.json. Entity routes: " + kSampleEntityRoutes));
    EXPECT_EQ(get("/docs").status, 404);
    EXPECT_EQ(get("/metrics").status, 404);

    json::object locked = base_config();
    locked["metrics_auth"] = true;
    locked["admin_token"] = "metrics-secret";
    start_server_with(locked);
    EXPECT_TRUE(HasError(get("/metrics"), 401, "general", "unauthorized", "Invalid or missing admin token"));
    EXPECT_EQ(request("GET", "/metrics", "", {{"Authorization", "Bearer wrong"}}).status, 401);
    HttpResponse ok = request("GET", "/metrics", "", {{"Authorization", "Bearer metrics-secret"}});
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("events_http_requests_total"), std::string::npos);
    // The document says so.
    EXPECT_TRUE(spec().at("paths").at("/metrics").at("get").as_object().contains("security"));
}

TEST_P(Observability, DocsServesTheSwaggerUiFilesAndNothingElse) {
    const std::string ui = dir() + "/swagger-ui";
    std::filesystem::create_directories(ui);
    write_file(ui + "/swagger-ui.css", "body{}");
    write_file(ui + "/swagger-ui-bundle.js", "var SwaggerUIBundle;");
    write_file(ui + "/notes.txt", "not served");
    write_file(dir() + "/secret.js", "outside");
    json::object config = base_config();
    config["swagger_ui_dir"] = ui;
    start_server_with(config);
    HttpResponse page = get("/docs");
    ASSERT_EQ(page.status, 200) << describe(page);
    EXPECT_NE(page.header("content-type").find("text/html"), std::string::npos);
    EXPECT_NE(page.body.find("\"/openapi.json\""), std::string::npos);
    EXPECT_NE(page.body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
    HttpResponse css = get("/docs/swagger-ui.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.body, "body{}");
    EXPECT_NE(css.header("content-type").find("text/css"), std::string::npos);
    EXPECT_EQ(get("/docs/notes.txt").status, 404);
    EXPECT_EQ(get("/docs/..%2Fsecret.js").status, 404);
    EXPECT_EQ(get("/docs/../secret.js").status, 404);
    // The document lists exactly the served files.
    EXPECT_EQ(spec().at("paths").at("/docs/{file}").at("get").at("parameters").at(0).at("schema").at("enum"),
              (json::array{"swagger-ui-bundle.js", "swagger-ui.css"}));

    json::object missing = base_config();
    missing["swagger_ui_dir"] = dir() + "/nowhere";
    start_server_with(missing);
    HttpResponse none = get("/docs");
    EXPECT_EQ(none.status, 404);
    EXPECT_NE(none.body.find("scripts/install-swagger-ui.sh"), std::string::npos) << none.body;
}

}  // namespace
}  // namespace events::e2e
