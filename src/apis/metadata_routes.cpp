// Routes that describe the server: /api/metadata, /api/health (docs/API.md "Routes"),
// /openapi.json and the Swagger UI at /docs (docs/API.md, docs/OPERATIONS.md).
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"
#include "tools/html_escape.h"

#include <fmt/format.h>

namespace events {

namespace json = boost::json;

namespace {

// The Swagger UI page: the bundle of npm swagger-ui-dist, served from /docs/<file>,
// pointed at this server's /openapi.json. validatorUrl null: the page never calls out
// to the public validator (it works offline).
constexpr std::string_view kDocsPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{} API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  validatorUrl: null, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"}});
</script></body></html>
)HTML";

json::object describe_metadata(const Entity*) {
    json::object schema{{"type", "object"},
                        {"properties", json::object{{"projectName", json::object{{"type", "string"}}},
                                                    {"database", json::object{{"type", "string"}}},
                                                    {"entities", json::object{{"type", "object"}}}}},
                        {"required", json::array{"projectName", "database", "entities"}}};
    json::object responses{{"200", openapi::response("The schema as the UI reads it", std::move(schema))}};
    openapi::add_errors(responses, {500});
    return openapi::operation("metadata", "Schema metadata", "metadata", std::move(responses));
}

json::object describe_health(const Entity*) {
    json::object data{{"type", "object"},
                      {"properties", json::object{{"database", json::object{{"type", "string"}}},
                                                  {"reachable", json::object{{"const", true}}}}},
                      {"required", json::array{"database", "reachable"}}};
    json::object envelope{{"type", "object"},
                          {"properties", json::object{{"data", std::move(data)},
                                                      {"notifications", openapi::schema_ref("Notifications")},
                                                      {"status", json::object{{"const", "success"}}}}},
                          {"required", json::array{"data", "notifications", "status"}}};
    json::object responses{{"200", openapi::response("The database answers", std::move(envelope))}};
    openapi::add_errors(responses, {500, 503});
    return openapi::operation("health", "Database reachability", "metadata", std::move(responses));
}

json::object describe_openapi(const Entity*) {
    json::object responses{{"200", openapi::response("This document", json::object{{"type", "object"}})}};
    return openapi::operation("openapi", "The OpenAPI 3.1 description of this server", "metadata", std::move(responses));
}

json::object describe_docs(const Entity*) {
    json::object responses{{"200", openapi::response("The Swagger UI page", json::object{{"type", "string"}}, "text/html")}};
    openapi::add_errors(responses, {404});
    return openapi::operation("docs", "Interactive API documentation (Swagger UI)", "metadata", std::move(responses));
}

json::object describe_docs_file(const StaticFiles& files) {
    json::object file_schema{{"type", "string"}};
    json::object content;
    for (const auto& name : files.names()) {
        content[content_type_for(name).substr(0, content_type_for(name).find(';'))] =
            json::object{{"schema", json::object{{"type", "string"}}}};
    }
    if (!files.empty()) {
        json::array names;
        for (const auto& name : files.names()) names.emplace_back(name);
        file_schema["enum"] = std::move(names);
    }
    if (content.empty()) content["application/octet-stream"] = json::object{{"schema", json::object{{"type", "string"}}}};
    json::object responses{{"200", json::object{{"description", "A file of the Swagger UI"}, {"content", std::move(content)}}}};
    openapi::add_errors(responses, {404});
    json::object op = openapi::operation("docsFile", "A file of the Swagger UI (swagger-ui-dist)", "metadata", std::move(responses));
    op["parameters"] = json::array{json::object{{"name", "file"}, {"in", "path"}, {"required", true}, {"schema", std::move(file_schema)}}};
    return op;
}

ApiError docs_missing(const StaticFiles& files) {
    return ApiError(404, kGeneral,
                    Notice{"", fmt::format("Swagger UI is not installed in {} (scripts/install-swagger-ui.sh installs it)",
                                           files.dir().empty() ? "(no swagger_ui_dir)" : files.dir())});
}

}  // namespace

void add_metadata_routes(RouteTable& table, const ApiOptions& options, DocumentService& service, ServerMetrics& metrics,
                         const std::string& openapi_json, const StaticFiles& swagger_ui) {
    table.push_back({"GET", "/api/metadata", 0, "metadata",
                     [&options, &service](const HttpRequest&, const RouteMatch&, Notifications&) {
                         json::object o;
                         o["projectName"] = options.project_name;
                         o["database"] = options.database;
                         o["entities"] = service.schema().metadata_entities();
                         return json_response(200, o);
                     },
                     describe_metadata});
    table.push_back({"GET", "/api/health", 0, "metadata",
                     [&options, &service, &metrics](const HttpRequest&, const RouteMatch&, Notifications& notes) {
                         bool up = false;
                         {
                             ServerMetrics::StorageTimer timer(metrics, "ping");
                             up = service.driver().ping();
                         }
                         if (!up) throw ApiError::unavailable(fmt::format("Database {} is unreachable", options.database));
                         json::object data;
                         data["database"] = options.database;
                         data["reachable"] = true;
                         return json_response(200, make_envelope(data, notes));
                     },
                     describe_health});
    if (options.openapi)
        table.push_back({"GET", "/openapi.json", 0, "metadata",
                         [&openapi_json](const HttpRequest&, const RouteMatch&, Notifications&) {
                             return text_response(200, openapi_json);
                         },
                         describe_openapi});
    if (options.docs) {
        table.push_back({"GET", "/docs", 0, "metadata",
                         [&options, &swagger_ui](const HttpRequest&, const RouteMatch&, Notifications&) {
                             if (swagger_ui.empty()) throw docs_missing(swagger_ui);
                             return text_response(200, fmt::format(kDocsPage, html_escape(options.project_name)),
                                                  "text/html; charset=utf-8");
                         },
                         describe_docs});
        table.push_back({"GET", "/docs/{file}", 0, "metadata",
                         [&swagger_ui, &service](const HttpRequest& req, const RouteMatch& m, Notifications&) {
                             if (swagger_ui.empty()) throw docs_missing(swagger_ui);
                             const StaticFiles::File* file = swagger_ui.find(m.file);
                             if (!file) throw unknown_route(req.path, service.schema());
                             HttpResponse r = text_response(200, file->body, file->content_type);
                             r.headers.emplace_back("Cache-Control", "public, max-age=3600");
                             return r;
                         },
                         [&swagger_ui](const Entity*) { return describe_docs_file(swagger_ui); }});
    }
}

}  // namespace events
