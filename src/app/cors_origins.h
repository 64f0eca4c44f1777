// The origins CORS allows, from the config (docs/OPERATIONS.md "CORS"): exact origins,
// which the browser may send credentials to, and `*`, every other origin without them.
#pragma once

#include "app/config.h"

#include <string>
#include <vector>

namespace events {

// The origins allowed with credentials: http://localhost:<ui_port> (unless ui_port is 0),
// http://localhost:<server_port>, then the comma-separated exact origins of config
// `cors_origins`, trimmed, without repeats and without "*" (see cors_any_origin).
std::vector<std::string> cors_origins_of(const Config& config);

// True when `cors_origins` lists "*" (alone or among others): every origin not listed is
// answered `Access-Control-Allow-Origin: *`, without credentials, since the Fetch standard
// refuses credentials with `*`.
bool cors_any_origin(const Config& config);

}  // namespace events
