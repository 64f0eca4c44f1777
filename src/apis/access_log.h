// The access log (docs/OPERATIONS.md): one line per answered request through spdlog's logger
// "access", as a JSON object (log_format json) or as text. Errors the HTTP layer answers
// itself (malformed request, body over the limit) and CORS preflights are not logged.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace events {

// Views onto the caller's strings, read during the call only: a record costs no copies.
struct AccessRecord {
    std::chrono::system_clock::time_point time;   // when the request reached the router
    std::string_view request_id;
    std::string_view method;
    std::string_view route;      // the route template ("/api/user/{id}"), or "unmatched"
    int status = 0;
    double ms = 0;          // milliseconds spent in the router
    std::size_t bytes = 0;  // response body bytes
};

// {"time":"2026-11-29T22:01:02.345Z","request_id":"...","method":"GET","route":"/api/user/{id}",
//  "status":200,"ms":0.42,"bytes":512} when `json`; otherwise
// `GET /api/user/{id} 200 512 B 0.420 ms id=<request id>`. Logged at info. Both carry the
// route template, never the raw path: no ids in logs, and no client bytes that could
// forge a log line.
void log_access(const AccessRecord& record, bool json);

// The line log_access() writes in JSON format (exposed for tests).
std::string access_json(const AccessRecord& record);

}  // namespace events
