// Small helpers shared by the route groups: building responses and reading bodies.
#pragma once

#include "core/list_query.h"
#include "core/notifications.h"
#include "core/schema.h"
#include "http/message.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace events {

// A response whose body is `body` as given (JSON text unless `content_type` says otherwise).
HttpResponse text_response(int status, std::string body, std::string content_type = "application/json");
// `body` printed with tools/json_text.h (numbers without exponents).
HttpResponse json_response(int status, const boost::json::value& body);
// The error envelope of `e` (docs/API.md "Envelope") with its status.
HttpResponse error_response(const ApiError& e, const Notifications& notes);
// Admin answers keep the plain {"status", "message"} shape of docs/API.md "Routes".
HttpResponse plain_status(int status, std::string_view state, std::string_view message);

// The `pagination` object of a list (docs/API.md "Envelope"): page, pageSize, total,
// totalPages = ceil(total / pageSize), 0 when total is 0.
boost::json::object pagination_of(const RequestParams& p, int64_t total);

// A request body that must be a JSON object. Throws ApiError(400) "Malformed JSON body:
// <reason> at line <l>, column <c>" ("Malformed JSON body: empty body" for none) or
// "Request body must be a JSON object" (docs/API.md "Routes").
boost::json::value parse_object_body(const std::string& text);

// 404 "Unknown route: <path>. Entity routes: /api/<e>, ..." (every entity of `schema`, in
// schema order, so a mistyped entity is seen at once; docs/API.md "Routes").
ApiError unknown_route(const std::string& path, const Schema& schema);
// "Method <M> not allowed on <path>" (405).
ApiError method_not_allowed(const std::string& method, const std::string& path);

}  // namespace events
