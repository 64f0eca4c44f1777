// GET /metrics: the Prometheus text exposition of ServerMetrics
// (docs/OPERATIONS.md). Optionally behind the admin token (config metrics_auth). The
// storage pool gauges are sampled from the driver at each scrape (storage/pool_stats.h).
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"
#include "storage/pool_stats.h"

namespace events {

namespace json = boost::json;

void add_metrics_routes(RouteTable& table, const ApiOptions& options, DocumentService& service, const ServerMetrics& metrics) {
    if (!options.metrics) return;
    table.push_back({"GET", "/metrics", 0, "metrics",
                     [&options, &service, &metrics](const HttpRequest& req, const RouteMatch&, Notifications&) {
                         if (options.metrics_auth && !has_admin_token(req, options.admin_token))
                             throw ApiError::unauthorized("Invalid or missing admin token");
                         const StorageDriver& driver = service.driver();
                         return text_response(200, metrics.scrape(driver.backend_name(), driver.pool_stats()),
                                              "text/plain; version=0.0.4; charset=utf-8");
                     },
                     [&options](const Entity*) {
                         json::object responses{{"200", openapi::response("Prometheus text exposition format 0.0.4",
                                                                          json::object{{"type", "string"}}, "text/plain")}};
                         if (options.metrics_auth) openapi::add_errors(responses, {401});
                         json::object op = openapi::operation("metrics", "Request, latency and storage metrics", "metrics",
                                                              std::move(responses));
                         if (options.metrics_auth) op["security"] = json::array{json::object{{"adminToken", json::array{}}}};
                         return op;
                     }});
    table.back().superuser_only = true;   // only when authentication is on (docs/DECISIONS.md §6.3)
}

}  // namespace events
