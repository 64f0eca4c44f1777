// The OpenAPI 3.1 document of this server (docs/API.md), built once at start-up from the
// loaded schema and the route table: one path per route (per entity for {entity}
// routes, only the methods the entity's `operations` allow), request bodies as JSON
// Schema from the field definitions (docs/SCHEMA.md "Field keys"), the envelope and pagination
// of docs/API.md, and every error response with its status.
//
// The helpers below are what the route groups use to describe their routes; the
// shared components they refer to are added by build_openapi().
#pragma once

#include "apis/route.h"
#include "apis/api_options.h"
#include "core/schema.h"

#include <boost/json/object.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace events::openapi {

// {"$ref": "#/components/schemas/<name>"}
boost::json::object schema_ref(std::string_view name);
// Component names of an entity's schemas: "" -> the stored document ("User"), "Input"
// (POST/PUT body), "Patch" (PATCH body), "Envelope" (one document), "ListEnvelope".
std::string entity_schema(const Entity& e, std::string_view suffix = "");

// {"description": ..., "content": {"<content_type>": {"schema": ...}}}
boost::json::object response(std::string_view description, boost::json::object schema,
                             std::string_view content_type = "application/json");
// Adds, for each status, a reference to the shared error response of that status
// (the error envelope; 401/403 of the admin routes use the plain shape of docs/API.md "Routes").
void add_errors(boost::json::object& responses, std::initializer_list<int> statuses);
// An Operation Object: operationId, summary, tags [tag], responses.
boost::json::object operation(std::string operation_id, std::string_view summary, std::string_view tag,
                              boost::json::object responses);
// A query parameter component reference: page, pageSize, full_match, no_consistency, count.
boost::json::object parameter_ref(std::string_view name);
// The list parameters that depend on the entity (their descriptions name its fields):
// sort, filter and view.
boost::json::object sort_parameter(const Entity& e);
boost::json::object filter_parameter(const Entity& e);
boost::json::object view_parameter(const Entity& e);
// The {id} path parameter.
boost::json::object id_parameter(const Entity& e);

// The whole document. Throws std::logic_error when a route has no describer.
boost::json::object build_openapi(const ApiOptions& options, const Schema& schema, const RouteTable& routes);

}  // namespace events::openapi
