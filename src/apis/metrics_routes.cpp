// GET /metrics: the Prometheus text exposition of ServerMetrics (issue 13,
// docs/OPERATIONS.md). Optionally behind the admin token (config metrics_auth).
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"

namespace events {

namespace json = boost::json;

void add_metrics_routes(RouteTable& table, const Config& config, const ServerMetrics& metrics) {
    if (!config.metrics) return;
    table.push_back({"GET", "/metrics", 0, "metrics",
                     [&config, &metrics](const HttpRequest& req, const RouteMatch&, Notifications&) {
                         if (config.metrics_auth && !has_admin_token(req, config.admin_token))
                             throw ApiError::unauthorized("Invalid or missing admin token");
                         return text_response(200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
                     },
                     [&config](const Entity*) {
                         json::object responses{{"200", openapi::response("Prometheus text exposition format 0.0.4",
                                                                          json::object{{"type", "string"}}, "text/plain")}};
                         if (config.metrics_auth) openapi::add_errors(responses, {401});
                         json::object op = openapi::operation("metrics", "Request, latency and storage metrics", "metrics",
                                                              std::move(responses));
                         if (config.metrics_auth) op["security"] = json::array{json::object{{"adminToken", json::array{}}}};
                         return op;
                     }});
}

}  // namespace events
