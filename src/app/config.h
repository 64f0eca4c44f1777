// Server configuration: defaults < config file (README.md "Configuration") < EVENTS_<KEY>
// environment variables < command-line flags.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace events {

struct Config {
    // The API's title in /docs, /openapi.json and /api/metadata `projectName`. The
    // original framework's default was the placeholder "Project Name Here"; ours is the
    // program's name (README "Configuration").
    std::string project_name = "events";
    std::string database = "sqlite";          // a name or alias of storage/backends.h
    std::string db_uri = "events.db";         // SQLite file path / server URI (storage/backends.h uri_help)
    // Empty: the database the URI names (`postgresql://.../library`), else "events". A URI
    // and a db_name naming different databases is refused at start-up (docs/OPERATIONS.md).
    std::string db_name;
    std::string host = "127.0.0.1";          // listen address; "0.0.0.0" exposes the server (docs/DECISIONS.md §2.26)
    int server_port = 5500;
    // A UI development server's port: CORS allows http://localhost:<ui_port> (the original
    // framework's key, kept for its configs); 0 allows none (docs/OPERATIONS.md "CORS").
    int ui_port = 4200;
    std::string validation;                   // "" | "single" | "multiple"
    bool case_sensitive = false;
    bool cascade_delete = true;
    // How often a running cascade renews its intent record and cut cascades are looked
    // for; the lease is three times this (docs/OPERATIONS.md "Cascades cut short").
    int64_t cascade_check_interval_s = 10;
    bool elasticsearch_strict_consistency = true;
    std::string log_level = "info";
    std::string admin_token;                  // empty: POST /api/db/init is refused
    std::string schema_path;                  // empty: the bundled sample schema
    int threads = 0;                          // 0: a sensible default from the core count
    int write_threads = 64;                   // threads for POST/PUT/PATCH/DELETE (they wait on the writer)
    int pool_size = 0;                        // 0: a sensible default
    int64_t body_limit = 1 << 20;             // bytes; larger bodies get 413
    int read_timeout_s = 30;                  // reading one request
    int idle_timeout_s = 60;                  // keep-alive idle
    // Extra allowed origins, comma-separated exact values (`https://a.example,https://b.example`);
    // "*" allows every origin without credentials (docs/OPERATIONS.md "CORS").
    std::string cors_origins;
    // Observability and API description (docs/OPERATIONS.md).
    std::string log_format = "text";          // text | json (one JSON object per log line)
    bool openapi = true;                      // GET /openapi.json
    bool docs = true;                         // GET /docs (Swagger UI)
    bool metrics = true;                      // GET /metrics
    bool metrics_auth = false;                // /metrics requires Authorization: Bearer <admin_token>
    std::string swagger_ui_dir;               // swagger-ui-dist files; empty: the build's copy
    // The admin UI at /admin/ (docs/ADMIN_UI.md, docs/DECISIONS.md §7).
    bool admin_ui = true;                     // GET /admin/ and the browser redirect of GET /
    std::string admin_ui_dir;                 // the built app (scripts/build-ui.sh); empty: the build's copy
    // Logins (docs/AUTH.md, docs/DECISIONS.md §6), used when the schema has an authn service.
    bool cookie_secure = true;                // the sessionId cookie carries Secure
    int64_t session_idle_ttl_s = 3600;        // a session ends this long after its last use
    int64_t session_absolute_ttl_s = 8 * 3600;// and at the latest this long after its login
    int64_t session_purge_interval_s = 300;   // expired sessions are deleted this often
    int64_t session_cache_ms = 1000;          // a process trusts a session or role it read this long
                                              // (docs/DECISIONS.md §6.5); 0: reads both per request
    int login_max_failures = 5;               // failed logins per login before 429 (4x per client address)
    int64_t login_lockout_s = 60;             // how long a failure counts, and the wait after too many
    // Where sessions live: empty = the configured database; `redis://[[user]:password@]host[:port][/db]`
    // = that Redis (docs/OPERATIONS.md "Session stores", docs/DECISIONS.md §6.5).
    std::string session_store;

    // Loads a JSON config file (flat object); unknown keys are ignored with a log line.
    // Throws std::runtime_error naming the file and the bad key.
    static Config from_file(const std::string& path);
    // Applies EVENTS_<UPPER_KEY> environment variables over this config.
    void apply_environment();
    // Validates values (database kind, port range, validation mode); throws std::runtime_error.
    void validate() const;
    // The config as shown by /api/db/report: secrets (passwords in URIs, admin_token) masked.
    boost::json::object redacted_json() const;
};

// "postgresql://user:secret@host" -> "postgresql://user:***@host".
std::string mask_uri_password(const std::string& uri);

}  // namespace events
