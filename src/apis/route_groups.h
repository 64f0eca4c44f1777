// The route groups of the route table (docs/API.md), one file each, as PocketBase's
// apis/ folder: records (entity CRUD), admin (/api/db/*), metadata (metadata, health,
// /openapi.json, /docs) and metrics (/metrics). Each adds its routes, with their
// OpenAPI descriptions, to the table; the router owns the table and everything the
// handlers refer to, so the references below must outlive it.
#pragma once

#include "apis/route.h"
#include "apis/server_metrics.h"
#include "apis/static_files.h"
#include "apis/api_options.h"
#include "service/auth_service.h"
#include "service/document_service.h"

#include <string>

namespace events {

// GET/POST /api/{entity}, GET/PUT/PATCH/DELETE /api/{entity}/{id} (docs/API.md "Routes").
void add_record_routes(RouteTable& table, DocumentService& service, ServerMetrics& metrics);
// POST /api/<route> of each login entity, POST /api/logout, POST /api/refresh,
// GET /api/session (docs/DECISIONS.md §6.2).
void add_auth_routes(RouteTable& table, const ApiOptions& options, AuthService& auth);
// GET /api/db/report, GET/POST /api/db/init (docs/API.md "Routes").
void add_admin_routes(RouteTable& table, const ApiOptions& options, DocumentService& service, ServerMetrics& metrics);
// GET /api/metadata, GET /api/health; GET /openapi.json (unless options.openapi is off),
// serving `openapi_json` as it is when called; GET /docs and GET /docs/{file} (unless
// options.docs is off) from `swagger_ui`.
void add_metadata_routes(RouteTable& table, const ApiOptions& options, DocumentService& service, ServerMetrics& metrics,
                         const std::string& openapi_json, const StaticFiles& swagger_ui);
// GET /metrics (unless options.metrics is off; admin token required when options.metrics_auth).
void add_metrics_routes(RouteTable& table, const ApiOptions& options, DocumentService& service, const ServerMetrics& metrics);

// GET / (a browser is sent to /admin/, API clients get the JSON index of the entry
// points) and, unless options.admin_ui is off, GET /admin/, /admin/{file} and
// /admin/assets/{file} from `admin_ui` (docs/DECISIONS.md §7, docs/ADMIN_UI.md).
void add_admin_ui_routes(RouteTable& table, const ApiOptions& options, const Schema& schema,
                         const StaticFiles& admin_ui);
// The built admin UI from options.admin_ui_dir (or the build's copy); empty, with the
// directory kept for the message of GET /admin/, when it has no index.html or
// options.admin_ui is off.
StaticFiles load_admin_ui(const ApiOptions& options);

// Whether `req` carries `Authorization: Bearer <admin_token>`, compared in time that does
// not depend on where they differ. Always false when no admin_token is configured.
bool has_admin_token(const HttpRequest& req, const std::string& admin_token);

}  // namespace events
