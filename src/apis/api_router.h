// Dispatches requests through the route table (apis/route.h) built from the route
// groups (apis/route_groups.h), and around every request: the X-Request-Id (honoured
// or generated, always echoed), the request metrics by route template and the access
// log line (docs/OPERATIONS.md). The OpenAPI document is built from the same table at
// construction.
#pragma once

#include "apis/route.h"
#include "apis/server_metrics.h"
#include "apis/static_files.h"
#include "apis/api_options.h"
#include "service/auth_service.h"
#include "service/document_service.h"
#include "http/message.h"

#include <string>
#include <string_view>
#include <vector>

namespace events {

class ApiRouter {
public:
    // Builds the table and the OpenAPI document; loads the Swagger UI files from
    // options.swagger_ui_dir (or the build's copy) when options.docs is on. Throws
    // std::logic_error when a route has no OpenAPI description.
    // `auth`: logins and gating (docs/DECISIONS.md §6); null or !auth->enabled(): nothing
    // is gated and no login route exists.
    ApiRouter(const ApiOptions& options, DocumentService& service, AuthService* auth = nullptr);
    // Never throws: every failure becomes an envelope with the right status.
    HttpResponse handle(const HttpRequest& req);

    const RouteTable& routes() const { return routes_; }
    // Whether GET /admin/ serves the built admin UI (docs/ADMIN_UI.md): false when it is
    // turned off or its files were not found (the page then says how to build them).
    bool serves_admin_ui() const { return !admin_ui_.empty(); }
    const std::string& openapi_json() const { return openapi_json_; }
    ServerMetrics& metrics() { return metrics_; }

private:
    struct Dispatch {
        HttpResponse response;
        std::string route;   // template with the entity filled in, "unmatched" when none
    };
    // `request_id` names the request in the log lines of a 500 or 503 and in their
    // envelope, which carries no engine text (docs/DECISIONS.md §4.7).
    Dispatch dispatch(const HttpRequest& req, const std::string& request_id);

    const ApiOptions options_;
    DocumentService& service_;
    AuthService* auth_;
    ServerMetrics metrics_;
    StaticFiles swagger_ui_;
    StaticFiles admin_ui_;
    std::string openapi_json_;
    RouteTable routes_;
    std::vector<std::vector<std::string_view>> patterns_;   // routes_[i].path split into segments, once
};

}  // namespace events
