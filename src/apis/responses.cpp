#include "apis/responses.h"

#include "core/input_limits.h"
#include "tools/json_parse.h"
#include "tools/json_text.h"

#include <fmt/format.h>

#include <optional>

namespace events {

namespace json = boost::json;

HttpResponse text_response(int status, std::string body, std::string content_type) {
    HttpResponse r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

HttpResponse json_response(int status, const json::value& body) { return text_response(status, to_json_text(body)); }

HttpResponse error_response(const ApiError& e, const Notifications& notes) {
    return json_response(e.status(), make_error_envelope(e, notes));
}

HttpResponse plain_status(int status, std::string_view state, std::string_view message) {
    json::object o;
    o["status"] = state;
    o["message"] = message;
    return json_response(status, o);
}

json::object pagination_of(const RequestParams& p, int64_t total) {
    json::object pagination;
    pagination["page"] = p.page;
    pagination["pageSize"] = p.page_size;
    if (!p.query.with_total) return pagination;   // count=none: nothing was counted (docs/DECISIONS.md §3)
    pagination["total"] = total;
    pagination["totalPages"] = total == 0 ? 0 : (total + p.page_size - 1) / p.page_size;
    return pagination;
}

json::value parse_object_body(const std::string& text) {
    if (text.empty()) throw ApiError::bad_request("Malformed JSON body: empty body");
    JsonSyntaxError error;
    std::optional<json::value> v = parse_json(text, error, kMaxJsonDepth);   // docs/API.md "Limits"
    if (!v) throw ApiError::bad_request("Malformed JSON body: " + error.describe());
    if (!v->is_object()) throw ApiError::bad_request("Request body must be a JSON object");
    return std::move(*v);
}

ApiError unknown_route(const std::string& path, const Schema& schema) {
    std::string routes;
    for (const auto& e : schema.entities()) routes += (routes.empty() ? "/api/" : ", /api/") + e->lower;
    return ApiError(404, kGeneral, Notice{"", fmt::format("Unknown route: {}. Entity routes: {}", path, routes)});
}

ApiError method_not_allowed(const std::string& method, const std::string& path) {
    return ApiError::method_not_allowed(fmt::format("Method {} not allowed on {}", method, path));
}

}  // namespace events
