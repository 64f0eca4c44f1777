// The lines `events serve` prints once it listens: the URLs a person opens next, the
// schema and the database in use, and whether authentication is on (README "Two
// commands"). Built from facts only, so it is tested without a server.
#pragma once

#include "app/config.h"
#include "core/schema.h"

#include <string>
#include <vector>

namespace events {

struct StartupFacts {
    std::string host;                     // the listen address of the config
    int port = 0;                         // the bound port (not 0)
    std::vector<std::string> get_paths;   // the literal GET routes served ("/docs", "/metrics", "/admin/", ...)
    std::string example_entity;           // a route segment of /api/<entity> ("account"); empty: none
    std::string schema;                   // "bundled sample schema" or the schema file's path
    size_t entities = 0;
    std::string backend;                  // the driver's name ("sqlite")
    std::string database;                 // where: the masked URI or file, and the database name
    std::string authentication;           // authentication_state()
};

// The base URL a browser on this machine opens: `http://<host>:<port>`, with `localhost`
// for the wildcard addresses (0.0.0.0, ::) and brackets around other IPv6 addresses.
std::string browse_url(const std::string& host, int port);

// Whether requests must authenticate, as the banner says it: "off" when the schema has no
// authn service (every route is open to whoever reaches the port; POST /api/db/init alone
// asks for admin_token), else "on" with the login routes (docs/DECISIONS.md §6).
std::string authentication_state(const Config& config, const Schema& schema);

// "<location>" for the banner: the masked db_uri, plus ", database <name>" for the
// backends that have one (db_name, else the URI's path, else "events").
std::string database_description(const Config& config);

// The banner, one string per line, in this order: the base URL; the API (with an entity
// example); /docs, /admin/, /metrics, /openapi.json and /api/metadata when get_paths holds
// them; the schema; the database; authentication.
std::vector<std::string> startup_banner(const StartupFacts& facts);

}  // namespace events
