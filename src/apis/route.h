// One row of the route table (docs/API.md): method, path template, the operation letter
// the schema's `operations` must allow, the handler, and the OpenAPI description of the
// route. The router dispatches from the table and /openapi.json is built from the same
// table, so a route cannot exist without being described.
#pragma once

#include "core/notifications.h"
#include "core/schema.h"
#include "http/message.h"
#include "service/permissions.h"

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <vector>

namespace events {

// What the placeholders of a path template matched.
struct RouteMatch {
    const Entity* entity = nullptr;   // {entity}: a served entity, matched case-insensitively
    std::string id;                   // {id}: one path segment, lower-cased (stored ids are lower case)
    std::string file;                 // {file}: one path segment, as sent
    // The caller's permissions when authentication is on (docs/DECISIONS.md §6.3); null:
    // nothing is gated.
    const Permissions* permissions = nullptr;
};

// Answers one request. May throw ApiError (turned into the error envelope by the
// router) and StorageUnavailable (503); warnings go to `notes`.
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const RouteMatch&, Notifications&)>;

// The OpenAPI 3.1 Operation Object of the route. `entity` is the entity of an
// {entity} route (the document has one path per entity), nullptr otherwise.
using RouteDescriber = std::function<boost::json::object(const Entity* entity)>;

struct Route {
    std::string method;       // upper case: GET, POST, PUT, PATCH, DELETE
    // "/api/{entity}/{id}": literal segments in lower case (paths match case-insensitively),
    // placeholders {entity}, {id} and {file}, each exactly one segment.
    std::string path;
    char operation = 0;       // 'c', 'r', 'u' or 'd' on {entity} routes (Entity::operations); 0: none
    std::string tag;          // the route group, also the OpenAPI tag
    RouteHandler handler;
    RouteDescriber describe;
    // With authentication on (docs/DECISIONS.md §6.3): the role's letter this route needs
    // on {entity} routes, `operation` when 0 ('s' for lists); superuser_only routes (the
    // database report and init, /metrics) need the admin token or a superuser session.
    char permission = 0;
    bool superuser_only = false;
};

using RouteTable = std::vector<Route>;

}  // namespace events
