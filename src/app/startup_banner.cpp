#include "app/startup_banner.h"

#include "storage/backends.h"

#include <algorithm>
#include <utility>

namespace events {

std::string browse_url(const std::string& host, int port) {
    std::string shown = host;
    if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") shown = "localhost";
    else if (host.find(':') != std::string::npos && host.front() != '[') shown = "[" + host + "]";
    return "http://" + shown + ":" + std::to_string(port);
}

std::string authentication_state(const Config&, const Schema& schema) {
    if (schema.authn_services().empty())
        return "off (every route is open to whoever reaches the port; POST /api/db/init needs admin_token)";
    std::string routes;
    for (const AuthnService& s : schema.authn_services()) routes += (routes.empty() ? "" : ", ") + ("POST /api/" + s.route);
    return "on (sessions in the database; log in with " + routes + ", docs/AUTH.md)";
}

std::string database_description(const Config& config) {
    std::string out = mask_uri_password(config.db_uri);
    if (backend_is_embedded(config.database)) return out;
    std::string name = config.db_name;
    if (name.empty()) {
        // The URI's path names the database when db_name does not (docs/OPERATIONS.md).
        const size_t scheme = config.db_uri.find("://");
        const size_t slash = scheme == std::string::npos ? std::string::npos : config.db_uri.find('/', scheme + 3);
        if (slash != std::string::npos) {
            name = config.db_uri.substr(slash + 1);
            name = name.substr(0, name.find_first_of("?#"));
        }
        if (name.empty()) name = "events";
    }
    return out + ", database " + name;
}

std::vector<std::string> startup_banner(const StartupFacts& f) {
    const std::string base = browse_url(f.host, f.port);
    std::vector<std::string> lines;
    lines.push_back("events is serving on " + base +
                    (f.host == "0.0.0.0" || f.host == "::" ? " (every interface)" : ""));
    lines.push_back("  API             " + base + "/api/<entity>" +
                    (f.example_entity.empty() ? "" : ", e.g. " + base + "/api/" + f.example_entity));
    static const std::pair<const char*, const char*> kPages[] = {
        {"/docs", "API docs      "},   {"/admin/", "admin UI      "},      {"/metrics", "metrics       "},
        {"/openapi.json", "OpenAPI       "}, {"/api/metadata", "metadata      "}};
    for (const auto& [path, label] : kPages)
        if (std::find(f.get_paths.begin(), f.get_paths.end(), path) != f.get_paths.end())
            lines.push_back(std::string("  ") + label + "  " + base + path);
    lines.push_back("  schema          " + f.schema + " (" + std::to_string(f.entities) + " entities)");
    lines.push_back("  database        " + f.backend + " " + f.database);
    lines.push_back("  authentication  " + f.authentication);
    return lines;
}

}  // namespace events
