#include "apis/api_router.h"

#include "apis/access_log.h"
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"
#include "core/comparison_form.h"
#include "core/ulid.h"
#include "tools/json_text.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#ifndef EVENTS_SWAGGER_UI_DIR
#define EVENTS_SWAGGER_UI_DIR ""
#endif

namespace events {

namespace {

// Segments of a path; empty segments (trailing or doubled slashes) are ignored. Views
// into `path`, so that matching a request copies nothing.
std::vector<std::string_view> segments_of(std::string_view path) {
    std::vector<std::string_view> seg;
    seg.reserve(4);
    for (size_t i = 0; i < path.size();) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (j > i) seg.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return seg;
}

// A client's X-Request-Id is kept when it is 1 to 128 visible ASCII characters (it goes
// into logs and a response header); otherwise a ULID is generated.
std::string request_id_of(const HttpRequest& req) {
    const std::string& id = req.request_id;
    const bool usable = !id.empty() && id.size() <= 128 &&
                        std::all_of(id.begin(), id.end(), [](unsigned char c) { return c > 0x20 && c < 0x7F; });
    return usable ? id : new_unordered_ulid();
}

// Metric labels take a fixed set of methods, so that invented methods cannot create series.
std::string_view method_label(bool head, std::string_view m) {
    static constexpr std::string_view kKnown[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    if (head) return "HEAD";
    for (const std::string_view k : kKnown)
        if (m == k) return k;
    return "OTHER";
}

bool iequals_lower(std::string_view s, std::string_view lower_literal) {
    return s.size() == lower_literal.size() &&
           std::equal(s.begin(), s.end(), lower_literal.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Matches `seg` against the segments of a path template; fills `m` on success.
// Literal segments are compared first, so that a route of another shape costs no entity
// lookup and no copy.
bool match_path(const std::vector<std::string_view>& parts, const std::vector<std::string_view>& seg,
                const Schema& schema, RouteMatch& m) {
    if (parts.size() != seg.size()) return false;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string_view p = parts[i];
        if (p != "{entity}" && p != "{id}" && p != "{file}" && !iequals_lower(seg[i], p)) return false;
    }
    RouteMatch out;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string_view p = parts[i];
        if (p == "{entity}") {
            out.entity = schema.find(seg[i]);
            if (!out.entity) return false;
        } else if (p == "{id}") {
            out.id = seg[i];   // the service lower-cases ids (stored ids are lower case)
        } else if (p == "{file}") {
            out.file = seg[i];
        }
    }
    m = std::move(out);
    return true;
}

std::string route_label(const Route& r, const RouteMatch& m) {
    std::string label = r.path;
    const size_t at = label.find("{entity}");
    if (at != std::string::npos && m.entity) label.replace(at, 8, m.entity->lower);
    return label;
}

}  // namespace

ApiRouter::ApiRouter(const ApiOptions& options, DocumentService& service, AuthService* auth)
    : options_(options), service_(service), auth_(auth && auth->enabled() ? auth : nullptr) {
    if (options_.docs) {
        const std::string dir = options_.swagger_ui_dir.empty() ? EVENTS_SWAGGER_UI_DIR : options_.swagger_ui_dir;
        // What the page of GET /docs loads, and Swagger UI's OAuth2 redirect page.
        swagger_ui_ = StaticFiles::load(dir, {"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js",
                                              "oauth2-redirect.html", "oauth2-redirect.js", "favicon-32x32.png",
                                              "favicon-16x16.png"});
        if (swagger_ui_.empty())
            spdlog::warn("Swagger UI not found in '{}': GET /docs answers 404 (scripts/install-swagger-ui.sh)", dir);
    }
    admin_ui_ = load_admin_ui(options_);
    // Literal routes come before the {entity} ones, so /api/metadata is never an entity.
    add_admin_ui_routes(routes_, options_, service_.schema(), admin_ui_);
    add_metadata_routes(routes_, options_, service_, metrics_, openapi_json_, swagger_ui_);
    add_admin_routes(routes_, options_, service_, metrics_);
    add_metrics_routes(routes_, options_, service_, metrics_);
    if (auth_) add_auth_routes(routes_, options_, *auth_);
    add_record_routes(routes_, service_, metrics_);
    openapi_json_ = to_json_text(openapi::build_openapi(options_, service_.schema(), routes_));
    for (const Route& r : routes_) patterns_.push_back(segments_of(r.path));
}

ApiRouter::Dispatch ApiRouter::dispatch(const HttpRequest& req, const std::string& request_id) {
    Notifications notes;
    std::string label = "unmatched";
    std::string allow;   // the Allow header of a 405 (RFC 9110 §15.5.6): what this path does answer
    try {
        if (!is_valid_utf8(req.path) ||
            std::any_of(req.query.begin(), req.query.end(),
                        [](const auto& kv) { return !is_valid_utf8(kv.first) || !is_valid_utf8(kv.second); }))
            throw ApiError::bad_request("Invalid UTF-8 in request URL");

        // An id may hold `/`, sent as %2F: the HTTP layer splits before decoding
        // (docs/DECISIONS.md §4.5); views of its segments, else of the path.
        const std::vector<std::string_view> seg =
            req.segments.empty() ? segments_of(req.path)
                                 : std::vector<std::string_view>(req.segments.begin(), req.segments.end());
        // HEAD is answered by the GET route; the HTTP layer sends the headers only (RFC 9110 §9.3.2).
        const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : std::string_view(req.method);
        const Route* path_match = nullptr;   // a route with this path but another method (405)
        // Methods of this path that the entity's `operations` allow, HEAD beside GET.
        const auto allowed_methods = [&] {
            std::string list;
            for (size_t i = 0; i < routes_.size(); ++i) {
                RouteMatch m;
                if (!match_path(patterns_[i], seg, service_.schema(), m)) continue;
                const Route& r = routes_[i];
                if (r.operation && m.entity && !m.entity->allows(r.operation)) continue;
                if (list.find(r.method) != std::string::npos) continue;
                list += (list.empty() ? "" : ", ") + r.method;
                if (r.method == "GET") list += ", HEAD";
            }
            return list;
        };
        for (size_t i = 0; i < routes_.size(); ++i) {
            const Route& route = routes_[i];
            RouteMatch m;
            if (!match_path(patterns_[i], seg, service_.schema(), m)) continue;
            if (route.method != method) {
                if (!path_match) path_match = &route;
                continue;
            }
            label = route_label(route, m);
            // Gating (docs/DECISIONS.md §6.3), before anything is looked up.
            std::optional<Caller> caller;
            if (auth_ && (route.operation || route.superuser_only)) {
                caller = auth_->authenticate(req.authorization, req.cookie);
                if (!caller) throw ApiError(401, kGeneral, Notice{"unauthorized", "Authentication required"});
                const char letter = route.permission ? route.permission : route.operation;
                const bool allowed = route.superuser_only ? caller->permissions.superuser()
                                                          : caller->permissions.allows(*m.entity, letter);
                if (!allowed) throw ApiError(403, kGeneral, Notice{"forbidden", "Unauthorized operation"});
                m.permissions = &caller->permissions;
            }
            if (route.operation && !m.entity->allows(route.operation)) {
                // Same answer as the service's own check (docs/API.md "Routes").
                static constexpr std::pair<char, const char*> kNames[] = {
                    {'c', "create"}, {'r', "read"}, {'u', "update"}, {'d', "delete"}};
                const char* name = "delete";
                for (const auto& [op, n] : kNames)
                    if (op == route.operation) name = n;
                allow = allowed_methods();
                throw ApiError(405, kGeneral,
                               Notice{"", fmt::format("Operation {} is not allowed on {}", name, m.entity->name)});
            }
            return {route.handler(req, m, notes), std::move(label)};
        }
        if (path_match) {
            RouteMatch m;
            match_path(segments_of(path_match->path), seg, service_.schema(), m);
            label = route_label(*path_match, m);
            allow = allowed_methods();
            throw method_not_allowed(req.method, req.path);
        }
        throw unknown_route(req.path, service_.schema());
    } catch (const ApiError& e) {
        HttpResponse response = error_response(e, notes);
        if (e.status() == 405 && !allow.empty()) response.headers.emplace_back("Allow", allow);
        return {std::move(response), std::move(label)};
    } catch (const StorageUnavailable& e) {
        // docs/DECISIONS.md §4.7: the engine's text (hosts, ports, SQL) goes to the log only,
        // under the request id the client is given to quote.
        spdlog::warn("request {}: database unavailable on {} {}: {}", request_id, req.method, label, e.what());
        return {error_response(ApiError::unavailable(fmt::format("Database unavailable (request id {})", request_id)),
                               notes),
                std::move(label)};
    } catch (const std::exception& e) {
        spdlog::error("request {}: internal error on {} {}: {}", request_id, req.method, label, e.what());
        return {error_response(ApiError::internal(fmt::format("Internal error (request id {})", request_id)), notes),
                std::move(label)};
    }
}

HttpResponse ApiRouter::handle(const HttpRequest& req) {
    const auto wall = std::chrono::system_clock::now();
    const auto start = std::chrono::steady_clock::now();
    std::string request_id = request_id_of(req);
    Dispatch d = dispatch(req, request_id);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const std::string_view method = method_label(req.head, req.method);
    metrics_.observe_request(d.route, method, d.response.status, seconds, d.response.body.size());
    log_access(AccessRecord{wall, request_id, method, d.route, d.response.status, seconds * 1000.0, d.response.body.size()},
               options_.json_access_log);
    d.response.headers.emplace_back("X-Request-Id", std::move(request_id));
    return std::move(d.response);
}

}  // namespace events
