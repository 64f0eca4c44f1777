// The database admin routes of docs/API.md "Routes": /api/db/report and /api/db/init. Their
// answers keep the plain shapes given there (no envelope), except errors of the storage.
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"

#include <boost/json/parse.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

namespace events {

namespace json = boost::json;

namespace {

constexpr std::string_view kInitPage = R"HTML(<!doctype html>
<html><head><meta charset="utf-8"><title>Database init</title></head>
<body><h1>Wipe and re-initialise the database</h1>
<p>Database: <b>{}</b> ({}). This deletes every document of this schema.</p>
<p>The request needs the admin token: <code>Authorization: Bearer &lt;admin_token&gt;</code>.</p>
<label>Admin token <input id="token" type="password"></label>
<button onclick="fetch('/api/db/init',{{method:'POST',headers:{{'Content-Type':'application/json','Authorization':'Bearer '+document.getElementById('token').value}},body:JSON.stringify({{confirmed:true}})}}).then(r=>r.json()).then(j=>document.getElementById('out').textContent=j.message)">Wipe database</button>
<p id="out"></p><p><a href="/api/db/report">Database report</a></p></body></html>
)HTML";

// The cascades recorded as running or cut short (docs/DECISIONS.md §4.3, docs/API.md
// "Routes"): entity, id and the UTC time the cascade began, oldest first.
json::array cascades_json(const std::vector<CascadeIntent>& intents) {
    json::array out;
    for (const CascadeIntent& i : intents) {
        const std::chrono::sys_time<std::chrono::milliseconds> since{std::chrono::milliseconds(i.since_ms)};
        out.push_back(json::object{{"entity", i.entity}, {"id", i.entity_id}, {"since", fmt::format("{:%FT%T}Z", since)}});
    }
    return out;
}

json::object cascades_schema() {
    json::object item{{"type", "object"},
                      {"properties", json::object{{"entity", json::object{{"type", "string"}}},
                                                  {"id", json::object{{"type", "string"}}},
                                                  {"since", json::object{{"type", "string"}, {"format", "date-time"}}}}},
                      {"required", json::array{"entity", "id", "since"}}};
    return json::object{{"type", "array"}, {"items", std::move(item)}};
}

json::object describe_report(const Entity*) {
    json::object schema{{"type", "object"},
                        {"properties", json::object{{"database", json::object{{"type", "string"}}},
                                                    {"report", json::object{{"type", "object"},
                                                                            {"properties", json::object{{"cascades", cascades_schema()}}},
                                                                            {"required", json::array{"status", "config", "entities", "details", "cascades"}}}}}},
                        {"required", json::array{"database", "report"}}};
    json::object responses{{"200", openapi::response("Status, configuration (secrets masked), documents per entity and "
                                                     "backend details", std::move(schema))}};
    openapi::add_errors(responses, {500, 503});
    return openapi::operation("databaseReport", "Database report", "admin", std::move(responses));
}

json::object describe_init_page(const Entity*) {
    json::object responses{{"200", openapi::response("A confirmation page that posts to /api/db/init",
                                                     json::object{{"type", "string"}}, "text/html")}};
    return openapi::operation("databaseInitPage", "Database wipe confirmation page", "admin", std::move(responses));
}

json::object describe_init(const Entity*) {
    auto plain = [](const char* description) { return openapi::response(description, openapi::schema_ref("PlainStatus")); };
    json::object responses{{"200", plain("Database wiped")},
                           {"400", plain("The body lacks \"confirmed\": true")},
                           {"401", plain("Missing or wrong admin token")},
                           {"403", plain("No admin_token is configured: the route is disabled")}};
    openapi::add_errors(responses, {500, 503});
    json::object op = openapi::operation("databaseInit", "Wipe every document of this schema", "admin", std::move(responses));
    op["security"] = json::array{json::object{{"adminToken", json::array{}}}};
    op["requestBody"] = json::object{
        {"required", true},
        {"content", json::object{{"application/json",
                                  json::object{{"schema", json::object{{"type", "object"},
                                                                       {"properties", json::object{{"confirmed", json::object{{"const", true}}}}},
                                                                       {"required", json::array{"confirmed"}}}}}}}}};
    return op;
}

// Compares a presented credential with the expected one in time that does not
// depend on where they first differ.
bool same_secret(std::string_view presented, std::string_view expected) {
    unsigned char diff = presented.size() == expected.size() ? 0 : 1;
    for (size_t i = 0; i < presented.size(); ++i)
        diff |= static_cast<unsigned char>(presented[i] ^ expected[i % (expected.empty() ? 1 : expected.size())]);
    return diff == 0 && !expected.empty();
}

}  // namespace

bool has_admin_token(const HttpRequest& req, const std::string& admin_token) {
    return !admin_token.empty() && same_secret(req.authorization, "Bearer " + admin_token);
}

void add_admin_routes(RouteTable& table, const ApiOptions& options, DocumentService& service, ServerMetrics& metrics) {
    table.push_back({"GET", "/api/db/report", 0, "admin",
                     [&options, &service, &metrics](const HttpRequest&, const RouteMatch&, Notifications&) {
                         ServerMetrics::StorageTimer timer(metrics, "report");
                         json::object report;
                         report["status"] = "healthy";
                         report["config"] = options.config_report;
                         report["schema"] = options.schema_report;
                         report["entities"] = service.driver().entity_counts();
                         report["details"] = service.driver().report_details();
                         report["cascades"] = cascades_json(service.cascades_in_progress());
                         json::object o;
                         o["database"] = options.database;
                         o["report"] = std::move(report);
                         return json_response(200, o);
                     },
                     describe_report});
    table.back().superuser_only = true;
    table.push_back({"GET", "/api/db/init", 0, "admin",
                     [&options](const HttpRequest&, const RouteMatch&, Notifications&) {
                         return text_response(200, fmt::format(kInitPage, options.db_name, options.database),
                                              "text/html; charset=utf-8");
                     },
                     describe_init_page});
    table.back().superuser_only = true;
    table.push_back({"POST", "/api/db/init", 0, "admin",
                     [&options, &service, &metrics](const HttpRequest& req, const RouteMatch&, Notifications&) {
                         if (options.admin_token.empty())
                             return plain_status(403, "error", "Database init is disabled: no admin_token is configured");
                         if (!has_admin_token(req, options.admin_token))
                             return plain_status(401, "error", "Invalid or missing admin token");
                         boost::system::error_code ec;
                         json::value body = json::parse(req.body, ec);
                         const json::value* confirmed = !ec && body.is_object() ? body.get_object().if_contains("confirmed") : nullptr;
                         if (!confirmed || !confirmed->is_bool() || !confirmed->get_bool())
                             return plain_status(400, "error", "Database init requires confirmed: true in request body");
                         ServerMetrics::StorageTimer timer(metrics, "wipe");
                         service.wipe();
                         spdlog::warn("database wiped through POST /api/db/init");
                         return plain_status(200, "success", "Database wiped and reinitialized successfully");
                     },
                     describe_init});
    table.back().superuser_only = true;
}

}  // namespace events
