// What the API layer needs to know of the server's configuration, passed by value from
// the application (app/application.cpp builds it from app/options.h), so that apis/ does
// not depend on how configuration is read. Config keys: README.md "Configuration".
#pragma once

#include <boost/json/object.hpp>

#include <string>

namespace events {

struct ApiOptions {
    std::string project_name;     // `project_name`: the OpenAPI title, /api/metadata, /docs
    std::string database;         // `database`: the backend's name, reported by /api/health
    std::string db_name;          // `db_name`, shown by GET /api/db/init
    std::string admin_token;      // `admin_token`; empty: the token routes are refused
    bool openapi = true;          // GET /openapi.json
    bool docs = true;             // GET /docs (Swagger UI)
    bool metrics = true;          // GET /metrics
    bool metrics_auth = false;    // /metrics requires Authorization: Bearer <admin_token>
    std::string swagger_ui_dir;   // swagger-ui-dist files; empty: the build's copy
    bool json_access_log = false; // `log_format: json`: access log lines as JSON objects
    bool admin_ui = true;         // GET /admin/ (docs/ADMIN_UI.md)
    std::string admin_ui_dir;     // the built admin UI; empty: the build's copy
    // `cookie_secure`: the session cookie carries Secure (docs/DECISIONS.md §6.2); false
    // for plain-HTTP development and tests.
    bool cookie_secure = true;
    // The configuration as GET /api/db/report shows it, secrets masked.
    boost::json::object config_report;
    // The schema the database records and what a schema change left in it, as GET
    // /api/db/report shows it under `schema` (docs/DECISIONS.md §5.1, §5.4): {"source",
    // "fingerprint", "kept": ["Entity.field", ...]} (removed fields and entities whose
    // data is still stored).
    boost::json::object schema_report;
};

}  // namespace events
