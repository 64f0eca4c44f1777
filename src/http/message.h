// The plain request/response pair that crosses from the HTTP layer (Boost.Beast,
// src/http) into the API layer (src/apis). No Beast types past this line, so the
// API layer compiles fast and can be tested without sockets.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace events {

struct HttpRequest {
    std::string method;    // upper case: GET, POST, PUT, PATCH, DELETE, OPTIONS, ...
    std::string path;      // %-decoded path without the query string
    std::vector<std::pair<std::string, std::string>> query;   // %-decoded, '+' as space, in URL order
    std::string body;
    std::string authorization;   // the Authorization header ("" when absent)
    std::string request_id;      // the X-Request-Id header ("" when absent)
    std::string accept;          // the Accept header ("" when absent): GET / tells browsers from API clients
    std::string cookie;          // the Cookie header ("" when absent): the login session (docs/DECISIONS.md §6.2)
    std::string client_address;  // the peer's IP address, for failed-login throttling (docs/DECISIONS.md §6.5)
    std::optional<std::string> if_match;   // the If-Match header (docs/API.md "Optimistic concurrency")
    bool head = false;           // a HEAD request, handed to the handler as GET (docs/DECISIONS.md §2.26)
    // The path's segments, each %-decoded on its own, empty ones left out: a `%2F` inside a
    // segment stays in it (ids may hold `/`, docs/DECISIONS.md §4.5). Empty when the
    // request was not built from a target; the router then splits `path`.
    std::vector<std::string> segments;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;   // extra headers
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace events
