// The admin UI (docs/DECISIONS.md §7, docs/ADMIN_UI.md): GET / for browsers and API clients, and
// the single-page app built from ui/ (scripts/build-ui.sh) served at /admin/.
//
// Caching: Vite names every file under assets/ after a hash of its content, so those are
// immutable for a year; index.html (which names the current hashes) and the other files
// at the root are revalidated on every load (no-cache), so a rebuilt UI is seen at once.
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"
#include "tools/html_escape.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#ifndef EVENTS_ADMIN_UI_DIR
#define EVENTS_ADMIN_UI_DIR ""
#endif

namespace events {

namespace json = boost::json;

namespace {

constexpr const char* kIndexFile = "index.html";
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";
// The app loads only its own files and talks only to this server (it works offline);
// the policy makes the browser refuse anything else. Svelte sets inline style
// attributes, hence 'unsafe-inline' for styles only.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

constexpr std::string_view kNotBuiltPage = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Admin UI not built</title></head>
<body><main><h1>The admin UI is not built</h1>
<p>This server looks for it in <code>{}</code>.</p>
<p>Build it with <code>scripts/build-ui.sh build</code> (Node.js and npm; the build and
<code>scripts/test.sh</code> run it), or point the config key <code>admin_ui_dir</code> at a built copy,
then restart the server. The REST API works without it: see <a href="/docs">/docs</a>.</p>
</main></body></html>
)HTML";

// A browser navigating asks for HTML first (RFC 9110 §12.5.1); API clients (curl's
// "*/*", fetch's default, none at all) do not name it.
bool wants_html(const HttpRequest& req) {
    std::string accept = req.accept;
    std::transform(accept.begin(), accept.end(), accept.begin(), [](unsigned char c) { return std::tolower(c); });
    return accept.find("text/html") != std::string::npos;
}

HttpResponse redirect(int status, std::string location) {
    HttpResponse r = text_response(status, "", "");
    r.headers.emplace_back("Location", std::move(location));
    return r;
}

HttpResponse file_response(const StaticFiles::File& file, const char* cache_control) {
    HttpResponse r = text_response(200, file.body, file.content_type);
    r.headers.emplace_back("Cache-Control", cache_control);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
}

ApiError not_built(const StaticFiles& files) {
    return ApiError(404, kGeneral,
                    Notice{"", fmt::format("The admin UI is not built in {} (scripts/build-ui.sh builds it)",
                                           files.dir().empty() ? "(no admin_ui_dir)" : files.dir())});
}

json::object index_links(const ApiOptions& options) {
    json::object links;
    if (options.admin_ui) links["admin"] = "/admin/";
    links["metadata"] = "/api/metadata";
    if (options.openapi) links["openapi"] = "/openapi.json";
    if (options.docs) links["docs"] = "/docs";
    links["health"] = "/api/health";
    if (options.metrics) links["metrics"] = "/metrics";
    return links;
}

json::object describe_index(const ApiOptions& options) {
    json::object link_props;
    for (const auto& [name, _] : index_links(options)) link_props[name] = json::object{{"type", "string"}};
    json::object data{{"type", "object"},
                      {"properties", json::object{{"name", json::object{{"type", "string"}}},
                                                  {"links", json::object{{"type", "object"}, {"properties", link_props}}}}},
                      {"required", json::array{"name", "links"}}};
    json::object envelope{{"type", "object"},
                          {"properties", json::object{{"data", std::move(data)},
                                                      {"notifications", openapi::schema_ref("Notifications")},
                                                      {"status", json::object{{"const", "success"}}}}},
                          {"required", json::array{"data", "notifications", "status"}}};
    json::object responses{{"200", openapi::response("The entry points of this server (API clients)", std::move(envelope))}};
    if (options.admin_ui)
        responses["302"] = json::object{{"description", "A browser (Accept names text/html) is sent to /admin/"}};
    return openapi::operation("index", "Entry points of the server", "ui", std::move(responses));
}

json::object describe_admin_page(const Entity*) {
    json::object responses{
        {"200", openapi::response("The admin UI's page", json::object{{"type", "string"}}, "text/html")},
        {"301", json::object{{"description", "/admin is sent to /admin/"}}}};
    openapi::add_errors(responses, {404});
    return openapi::operation("adminUi", "The admin UI (single-page app)", "ui", std::move(responses));
}

// `prefix` "" for /admin/{file}, "assets/" for /admin/assets/{file}.
json::object describe_admin_file(const StaticFiles& files, const std::string& prefix, const char* operation_id) {
    json::object content;
    json::array names;
    for (const auto& name : files.names()) {
        if (name.rfind(prefix, 0) != 0) continue;
        const std::string rest = name.substr(prefix.size());
        if (rest.find('/') != std::string::npos) continue;
        names.emplace_back(rest);
        const std::string type = content_type_for(name);
        content[type.substr(0, type.find(';'))] = json::object{{"schema", json::object{{"type", "string"}}}};
    }
    json::object file_schema{{"type", "string"}};
    if (!names.empty()) file_schema["enum"] = std::move(names);
    if (content.empty()) content["application/octet-stream"] = json::object{{"schema", json::object{{"type", "string"}}}};
    json::object responses{{"200", json::object{{"description", "A file of the admin UI"}, {"content", std::move(content)}}}};
    openapi::add_errors(responses, {404});
    json::object op = openapi::operation(operation_id, "A file of the admin UI", "ui", std::move(responses));
    op["parameters"] = json::array{json::object{{"name", "file"}, {"in", "path"}, {"required", true}, {"schema", std::move(file_schema)}}};
    return op;
}

}  // namespace

StaticFiles load_admin_ui(const ApiOptions& options) {
    if (!options.admin_ui) return {};
    const std::string dir = options.admin_ui_dir.empty() ? EVENTS_ADMIN_UI_DIR : options.admin_ui_dir;
    StaticFiles files = StaticFiles::load_tree(dir);
    if (!files.find(kIndexFile)) {
        spdlog::warn("admin UI not found in '{}': GET /admin/ says how to build it (scripts/build-ui.sh)", dir);
        return StaticFiles::load(dir, {});   // empty, keeps `dir` for the message
    }
    return files;
}

void add_admin_ui_routes(RouteTable& table, const ApiOptions& options, const Schema& schema,
                         const StaticFiles& admin_ui) {
    table.push_back({"GET", "/", 0, "ui",
                     [&options](const HttpRequest& req, const RouteMatch&, Notifications& notes) {
                         if (options.admin_ui && wants_html(req)) {
                             HttpResponse r = redirect(302, "/admin/");
                             r.headers.emplace_back("Vary", "Accept");
                             return r;
                         }
                         json::object data{{"name", options.project_name}, {"links", index_links(options)}};
                         HttpResponse r = json_response(200, make_envelope(data, notes));
                         r.headers.emplace_back("Vary", "Accept");
                         return r;
                     },
                     [&options](const Entity*) { return describe_index(options); }});
    if (!options.admin_ui) return;

    table.push_back({"GET", "/admin", 0, "ui",
                     [&admin_ui](const HttpRequest& req, const RouteMatch&, Notifications&) {
                         // Relative links of the app resolve against /admin/, never /.
                         if (req.path.empty() || req.path.back() != '/') return redirect(301, "/admin/");
                         const StaticFiles::File* index = admin_ui.find(kIndexFile);
                         if (!index) {
                             if (!wants_html(req)) throw not_built(admin_ui);
                             return text_response(404, fmt::format(kNotBuiltPage, html_escape(admin_ui.dir())),
                                                  "text/html; charset=utf-8");
                         }
                         HttpResponse r = file_response(*index, kRevalidate);
                         r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
                         return r;
                     },
                     describe_admin_page});
    table.push_back({"GET", "/admin/{file}", 0, "ui",
                     [&admin_ui, &schema](const HttpRequest& req, const RouteMatch& m, Notifications&) {
                         if (admin_ui.empty()) throw not_built(admin_ui);
                         const StaticFiles::File* file = admin_ui.find(m.file);
                         if (!file) throw unknown_route(req.path, schema);
                         HttpResponse r = file_response(*file, kRevalidate);
                         if (m.file == kIndexFile) r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
                         return r;
                     },
                     [&admin_ui](const Entity*) { return describe_admin_file(admin_ui, "", "adminUiFile"); }});
    table.push_back({"GET", "/admin/assets/{file}", 0, "ui",
                     [&admin_ui, &schema](const HttpRequest& req, const RouteMatch& m, Notifications&) {
                         if (admin_ui.empty()) throw not_built(admin_ui);
                         const StaticFiles::File* file =
                             m.file.find('/') == std::string::npos ? admin_ui.find("assets/" + m.file) : nullptr;
                         if (!file) throw unknown_route(req.path, schema);
                         return file_response(*file, kImmutable);
                     },
                     [&admin_ui](const Entity*) { return describe_admin_file(admin_ui, "assets/", "adminUiAsset"); }});
}

}  // namespace events
