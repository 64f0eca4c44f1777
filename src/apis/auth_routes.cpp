// Login routes (docs/DECISIONS.md §6.2, reference §13.1): POST /api/<route> of each login
// entity, POST /api/logout, POST /api/refresh, GET /api/session. Not gated themselves.
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"

#include <fmt/format.h>

namespace events {

namespace json = boost::json;

namespace {

using openapi::add_errors;
using openapi::operation;
using openapi::response;
using openapi::schema_ref;

ApiError no_session() { return ApiError(401, kGeneral, Notice{"unauthorized", "No active session"}); }

std::string session_cookie(const std::string& id, bool secure, bool clear) {
    std::string c = "sessionId=" + id + "; HttpOnly; SameSite=Lax; Path=/";
    if (clear) c += "; Max-Age=0";
    if (secure) c += "; Secure";
    return c;
}

json::object data_envelope(json::value data) {
    json::object env{{"data", std::move(data)}, {"notifications", json::object()}, {"status", "success"}};
    return env;
}

json::object object_schema(json::object properties) {
    return json::object{{"type", "object"}, {"properties", std::move(properties)}};
}

json::object envelope_of(json::object data) {
    return object_schema(json::object{{"data", std::move(data)},
                                      {"notifications", schema_ref("Notifications")},
                                      {"status", json::object{{"type", "string"}}}});
}

json::object permissions_schema() {
    return json::object{{"type", json::array{"object", "null"}},
                        {"properties", json::object{{"entity", json::object{{"type", "object"},
                                                                            {"additionalProperties", json::object{{"type", "string"}}}}},
                                                    {"reports", json::object{{"type", "array"}}}}}};
}

json::object describe_login(const AuthnService& s) {
    json::object responses{
        {"200", response("Logged in: the sessionId cookie is set; the id also works as `Authorization: Bearer`",
                         envelope_of(object_schema(json::object{{"sessionId", json::object{{"type", "string"}}},
                                                                {"login", json::object{{"type", "string"}}},
                                                                {"permissions", permissions_schema()}})))}};
    add_errors(responses, {400, 401, 429, 503});
    json::object op = operation("login" + s.entity->name, fmt::format("Log in as a {}", s.entity->name), "auth",
                                std::move(responses));
    op["security"] = json::array();
    op["requestBody"] = json::object{
        {"required", true},
        {"content",
         json::object{{"application/json",
                       json::object{{"schema", json::object{{"type", "object"},
                                                            {"properties", json::object{{"login", json::object{{"type", "string"}}},
                                                                                        {"password", json::object{{"type", "string"}, {"format", "password"}}}}},
                                                            {"required", json::array{"login", "password"}}}}}}}}};
    return op;
}

json::object describe_simple(const char* id, const char* summary, const char* key) {
    json::object responses{{"200", response(summary, envelope_of(object_schema(json::object{{key, json::object{{"type", "string"}}}})))}};
    add_errors(responses, {401, 503});
    return operation(id, summary, "auth", std::move(responses));
}

}  // namespace

void add_auth_routes(RouteTable& table, const ApiOptions& options, AuthService& auth) {
    const bool secure = options.cookie_secure;
    for (const AuthnService& s : auth.schema().authn_services()) {
        table.push_back({"POST", "/api/" + s.route, 0, "auth",
                         [&auth, &s, secure](const HttpRequest& req, const RouteMatch&, Notifications&) {
                             json::value body = parse_object_body(req.body);
                             LoginResult r;
                             try {
                                 r = auth.login(s, body, req.client_address);
                             } catch (const LoginThrottled& t) {
                                 HttpResponse out = error_response(
                                     ApiError(429, kGeneral, Notice{"too_many_requests", "Too many failed logins; try again later"}),
                                     Notifications());
                                 out.headers.emplace_back("Retry-After", std::to_string(t.retry_after_s));
                                 return out;
                             }
                             HttpResponse out = json_response(
                                 200, data_envelope(json::object{{"sessionId", r.session.id},
                                                                 {"login", r.login},
                                                                 {"permissions", r.permissions}}));
                             out.headers.emplace_back("Set-Cookie", session_cookie(r.session.id, secure, false));
                             out.headers.emplace_back("Cache-Control", "no-store");
                             return out;
                         },
                         [&s](const Entity*) { return describe_login(s); }});
    }
    table.push_back({"POST", "/api/logout", 0, "auth",
                     [&auth, secure](const HttpRequest& req, const RouteMatch&, Notifications&) {
                         const std::string id = auth.presented_session_id(req.authorization, req.cookie);
                         if (id.empty()) throw no_session();
                         auth.logout(id);
                         HttpResponse out = json_response(200, data_envelope(json::object{{"logout", "successful"}}));
                         out.headers.emplace_back("Set-Cookie", session_cookie("", secure, true));
                         return out;
                     },
                     [](const Entity*) { return describe_simple("logout", "Log out: the session ends everywhere", "logout"); }});
    table.push_back({"POST", "/api/refresh", 0, "auth",
                     [&auth](const HttpRequest& req, const RouteMatch&, Notifications&) {
                         auto caller = auth.authenticate(req.authorization, req.cookie);
                         if (!caller || !caller->session) throw no_session();
                         if (!auth.refresh(*caller->session)) throw no_session();
                         return json_response(200, data_envelope(json::object{{"refresh", "successful"}}));
                     },
                     [](const Entity*) { return describe_simple("refresh", "Renew the session's idle lifetime", "refresh"); }});
    table.push_back({"GET", "/api/session", 0, "auth",
                     [&auth](const HttpRequest& req, const RouteMatch&, Notifications&) {
                         auto caller = auth.authenticate(req.authorization, req.cookie);
                         std::optional<json::object> info = caller ? auth.describe(*caller) : std::nullopt;
                         if (!info) throw no_session();
                         return json_response(200, data_envelope(std::move(*info)));
                     },
                     [](const Entity*) {
                         json::object responses{{"200", response("The session", envelope_of(object_schema(json::object{
                                                                     {"sessionId", json::object{{"type", "string"}}},
                                                                     {"login", json::object{{"type", "string"}}},
                                                                     {"roleId", json::object{{"type", json::array{"string", "null"}}}},
                                                                     {"permissions", permissions_schema()},
                                                                     {"expiresAt", json::object{{"type", "integer"}}}})))}};
                         add_errors(responses, {401, 503});
                         return operation("session", "The current session", "auth", std::move(responses));
                     }});
}

}  // namespace events
