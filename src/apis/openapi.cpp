#include "apis/openapi.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace events::openapi {

namespace json = boost::json;

namespace {

struct ErrorResponse {
    int status;
    const char* component;
    const char* description;
};

// The statuses of docs/API.md "Envelope"; every error answer is the error envelope.
constexpr ErrorResponse kErrors[] = {
    {400, "BadRequest", "Bad request: a query parameter, the URL or the body cannot be read (notice type bad_request)"},
    {401, "Unauthorized", "No valid session or admin token: `Authentication required`, `Invalid credentials` (type unauthorized)"},
    {403, "Forbidden", "The session's role lacks the operation's letter: `Unauthorized operation` (type forbidden)"},
    {404, "NotFound", "No such document or route (type not_found)"},
    {405, "MethodNotAllowed", "The entity's `operations` do not allow this operation (type method_not_allowed)"},
    {409, "Conflict", "A unique constraint or a reference blocks the write (type conflict)"},
    {412, "PreconditionFailed",
     "If-Match names no current version: the document changed since that ETag, or does not exist (type precondition_failed)"},
    {413, "PayloadTooLarge", "The body exceeds body_limit (type payload_too_large)"},
    {422, "ValidationFailed", "The body breaks the schema: one notice per failing field (type validation_failed)"},
    {429, "TooManyRequests", "Too many failed logins; Retry-After says when to try again (type too_many_requests)"},
    {500, "InternalError", "Unexpected server error (type internal_error)"},
    {503, "Unavailable", "The database is unreachable (type unavailable)"},
};

json::object type_only(const char* type) { return json::object{{"type", type}}; }

json::value number_value(double v) {
    if (std::floor(v) == v && std::fabs(v) < 9e15) return static_cast<int64_t>(v);
    return v;
}

// JSON Schema of one field's value. `request`: the constraints a client must meet
// (lengths, pattern, enum, bounds); documents returned carry only types and formats,
// because rows stored before a schema change may predate a constraint.
json::object field_schema(const Field& f, bool request, bool nullable) {
    json::object s;
    const char* type = "string";
    switch (f.type) {
        case FieldType::String: type = "string"; break;
        case FieldType::Integer: type = "integer"; break;
        case FieldType::Number:
        case FieldType::Currency: type = "number"; break;
        case FieldType::Boolean: type = "boolean"; break;
        case FieldType::Date: type = "string"; s["format"] = "date"; break;
        case FieldType::Datetime: type = "string"; s["format"] = "date-time"; break;
        case FieldType::ObjectId: type = "string"; break;
        // A JSON field takes an object only ("Input should be a valid dictionary", docs/API.md
        // "Writes"); documents returned say no type, as for the other constraints below.
        case FieldType::Json: type = request ? "object" : nullptr; break;
        case FieldType::StringArray: type = "array"; s["items"] = type_only("string"); break;
    }
    if (type) {
        if (nullable) s["type"] = json::array{type, "null"};
        else s["type"] = type;
    }
    if (f.is_fk()) s["description"] = fmt::format("Id of a {} (foreign key)", f.fk_target->name);
    if (f.type == FieldType::Currency) s["description"] = "Currency amount";
    if (f.auto_generate || f.auto_update) {
        s["readOnly"] = true;
        s["description"] = f.auto_generate ? "Set by the server when the document is created (autoGenerate)"
                                           : "Set by the server on every write (autoUpdate)";
    }
    if (f.default_value) s["default"] = *f.default_value;
    if (!request) return s;
    if (f.type == FieldType::Date || f.type == FieldType::Datetime) {
        // What value_format.h parses: a date, optionally a time (naive = UTC) and an offset.
        // `format` alone asserts nothing in JSON Schema 2020-12, so the pattern says it.
        s["pattern"] = R"(^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$)";
        std::string text = std::string(f.type == FieldType::Date ? "A date" : "A date and time (UTC when no offset)") +
                           "; a number is read as Unix time in seconds";
        if (const json::value* before = s.if_contains("description")) text = std::string(before->as_string()) + ". " + text;
        s["description"] = text;
    }
    if (f.min_length) s["minLength"] = *f.min_length;
    if (f.max_length) s["maxLength"] = *f.max_length;
    if (!f.pattern.empty()) s["pattern"] = f.pattern;
    if (f.ge) s["minimum"] = number_value(*f.ge);
    if (f.le) s["maximum"] = number_value(*f.le);
    if (f.is_enum()) {
        json::array values;
        for (const auto& v : f.enum_values) values.emplace_back(v);
        if (nullable) values.emplace_back(nullptr);
        s["enum"] = std::move(values);
    }
    return s;
}

// The document as the server returns it: every field present (null when unset), `id`
// first, plus `<fk>` objects when `view` asks for them.
json::object document_schema(const Entity& e) {
    json::object props;
    json::array required;
    props["id"] = json::object{{"type", "string"}, {"readOnly", true}, {"description", "Lower-case document id"}};
    required.emplace_back("id");
    for (const Field& f : e.fields) {
        if (f.is_id() || f.secret) continue;   // secrets are never returned (docs/DECISIONS.md §6.4)
        props[f.name] = field_schema(f, false, !(f.required || f.auto_generate || f.auto_update));
        required.emplace_back(f.name);
    }
    return json::object{{"type", "object"},
                        {"properties", std::move(props)},
                        {"required", std::move(required)},
                        {"description", fmt::format("A {} document. `view` adds one object per expanded reference "
                                                    "(`{{\"exists\": bool, <fields>}}`).", e.name)}};
}

// A POST/PUT body (`patch`: a PATCH body, where nothing is required). Unknown keys are
// ignored with a warning, so they are allowed here.
json::object input_schema(const Entity& e, bool patch) {
    json::object props;
    json::array required;
    props["id"] = json::object{
        {"type", json::array{"string", "null"}},
        {"description", "POST: trimmed and lower-cased; a new id is generated when absent, null or empty. "
                        "PUT/PATCH: ignored (the id of the URL wins)"}};
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        // An optional field may be sent as null (stored as null), like an absent one.
        props[f.name] = field_schema(f, true, !f.required);
        if (f.secret) {   // stored as a hash, never returned (docs/DECISIONS.md §6.4)
            props[f.name].as_object()["writeOnly"] = true;
            props[f.name].as_object()["format"] = "password";
        }
        if (!patch && f.required && !f.default_value && !f.auto_generate && !f.auto_update)
            required.emplace_back(f.name);
    }
    json::object s{{"type", "object"}, {"properties", std::move(props)}};
    if (!required.empty()) s["required"] = std::move(required);
    return s;
}

json::object envelope_schema(json::value data_schema, bool list) {
    json::object props{{"data", std::move(data_schema)},
                       {"notifications", schema_ref("Notifications")},
                       {"status", json::object{{"type", "string"}, {"enum", json::array{"success", "warning"}}}}};
    json::array required{"data", "notifications", "status"};
    if (list) {
        props["pagination"] = schema_ref("Pagination");
        required.emplace_back("pagination");
    }
    return json::object{{"type", "object"}, {"properties", std::move(props)}, {"required", std::move(required)}};
}

json::object shared_schemas() {
    json::object schemas;
    json::object notice_props{{"type", type_only("string")},    {"message", type_only("string")},
                              {"field", type_only("string")},   {"value", json::object{}},
                              {"parameter", type_only("string")}, {"entity", type_only("string")},
                              {"entity_id", type_only("string")}};
    schemas["Notice"] = json::object{{"type", "object"},
                                     {"properties", std::move(notice_props)},
                                     {"required", json::array{"type", "message"}}};
    schemas["NotificationGroup"] = json::object{
        {"type", "object"},
        {"properties", json::object{{"errors", json::object{{"type", "array"}, {"items", schema_ref("Notice")}}},
                                    {"warnings", json::object{{"type", "array"}, {"items", schema_ref("Notice")}}}}},
        {"required", json::array{"errors", "warnings"}}};
    schemas["Notifications"] = json::object{
        {"type", "object"},
        {"description", "Notices grouped by document id, or \"general\""},
        {"additionalProperties", schema_ref("NotificationGroup")}};
    json::object int_min0{{"type", "integer"}, {"minimum", 0}};
    schemas["Pagination"] = json::object{
        {"type", "object"},
        {"description", "total and totalPages are left out with count=none (nothing was counted)"},
        {"properties", json::object{{"page", json::object{{"type", "integer"}, {"minimum", 1}}},
                                    {"pageSize", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
                                    {"total", int_min0},
                                    {"totalPages", json::object{{"type", "integer"}, {"minimum", 0},
                                                                {"description", "ceil(total / pageSize); 0 when total is 0"}}}}},
        {"required", json::array{"page", "pageSize"}}};
    schemas["ErrorEnvelope"] = json::object{
        {"type", "object"},
        {"properties", json::object{{"data", type_only("null")},
                                    {"notifications", schema_ref("Notifications")},
                                    {"status", json::object{{"const", "error"}}}}},
        {"required", json::array{"data", "notifications", "status"}}};
    schemas["PlainStatus"] = json::object{
        {"type", "object"},
        {"description", "The plain answer of the admin routes"},
        {"properties", json::object{{"status", json::object{{"type", "string"}, {"enum", json::array{"success", "error"}}}},
                                    {"message", type_only("string")}}},
        {"required", json::array{"status", "message"}}};
    return schemas;
}

json::object shared_parameters() {
    auto query = [](const char* name, json::object schema, const char* description) {
        return json::object{{"name", name}, {"in", "query"}, {"required", false},
                            {"schema", std::move(schema)}, {"description", description}};
    };
    json::object p;
    p["page"] = query("page", json::object{{"type", "integer"}, {"minimum", 1}, {"default", 1}},
                      "Page number, from 1. A page beyond the data is empty.");
    p["pageSize"] = query("pageSize", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 25}},
                          "Documents per page, 1 to 1000.");
    p["full_match"] = query("full_match", json::object{{"type", "boolean"}},
                            "When present (any value), `field:value` filters on text fields match the whole value "
                            "(case-insensitive unless case_sensitive) instead of a substring.");
    p["no_consistency"] = query("no_consistency",
                                json::object{{"type", "string"},
                                             {"enum", json::array{"true", "false", "1", "0", "yes", "no"}}},
                                "Skip the read-time validation of documents (config `validation`). true|1|yes; "
                                "any other value (case-insensitive) means false.");
    p["If-Match"] = json::object{
        {"name", "If-Match"}, {"in", "header"}, {"required", false}, {"schema", type_only("string")},
        {"description", "Entity tags (the ETag of a GET or write answer), comma-separated, or `*`: the write happens only "
                        "when the stored document is one of these versions (`*`: any), else 412. Checked inside the write."}};
    p["count"] = query("count", json::object{{"type", "string"}, {"enum", json::array{"exact", "none"}}},
                       "exact (when absent): pagination.total is the exact number of matching documents; none: the total is not "
                       "computed (faster on large tables).");
    return p;
}

json::object shared_responses() {
    json::object r;
    for (const auto& e : kErrors) r[e.component] = response(e.description, schema_ref("ErrorEnvelope"));
    return r;
}

const ErrorResponse& error_named(int status) {
    for (const auto& e : kErrors)
        if (e.status == status) return e;
    throw std::logic_error(fmt::format("no error response {} in the OpenAPI document", status));
}

// "/api/{entity}/{id}" -> "/api/user/{id}".
std::string expand(const std::string& path, const Entity* e) {
    std::string out = path;
    const size_t at = out.find("{entity}");
    if (at != std::string::npos && e) out.replace(at, 8, e->lower);
    return out;
}

std::string field_list(const Entity& e, bool (*keep)(const Field&)) {
    std::string out;
    for (const Field& f : e.fields)
        if (keep(f)) out += (out.empty() ? "" : ", ") + f.name;
    return out;
}

}  // namespace

json::object schema_ref(std::string_view name) {
    return json::object{{"$ref", fmt::format("#/components/schemas/{}", name)}};
}

std::string entity_schema(const Entity& e, std::string_view suffix) { return e.name + std::string(suffix); }

json::object response(std::string_view description, json::object schema, std::string_view content_type) {
    json::object content;
    content[content_type] = json::object{{"schema", std::move(schema)}};
    return json::object{{"description", description}, {"content", std::move(content)}};
}

void add_errors(json::object& responses, std::initializer_list<int> statuses) {
    for (int status : statuses)
        responses[std::to_string(status)] =
            json::object{{"$ref", fmt::format("#/components/responses/{}", error_named(status).component)}};
}

json::object operation(std::string operation_id, std::string_view summary, std::string_view tag, json::object responses) {
    return json::object{{"operationId", std::move(operation_id)},
                        {"summary", summary},
                        {"tags", json::array{json::string(tag)}},
                        {"responses", std::move(responses)}};
}

json::object parameter_ref(std::string_view name) {
    return json::object{{"$ref", fmt::format("#/components/parameters/{}", name)}};
}

json::object sort_parameter(const Entity& e) {
    return json::object{
        {"name", "sort"}, {"in", "query"}, {"required", false}, {"schema", type_only("string")},
        {"description",
         fmt::format("Comma-separated `field[:asc|desc]` (names case-insensitive); the id always breaks ties; "
                     "NULLs sort last. Sortable fields: {}.",
                     field_list(e, [](const Field& f) { return f.type != FieldType::Json && f.type != FieldType::StringArray && !f.secret; }))}};
}

json::object filter_parameter(const Entity& e) {
    return json::object{
        {"name", "filter"}, {"in", "query"}, {"required", false}, {"schema", type_only("string")},
        {"description",
         fmt::format("Comma-separated conditions, AND-ed: `field:value` or `field:op:value`, op one of eq, ne, gt, "
                     "gte (ge), lt, lte (le); a value with a colon or comma is quoted (\"...\" or '...'). "
                     "On text fields `field:value` is a case-insensitive substring match (whole value with "
                     "full_match). Values are converted to the field's type (a bad value is a 400). "
                     "Filterable fields: {}.",
                     field_list(e, [](const Field& f) { return f.type != FieldType::Json && f.type != FieldType::StringArray && !f.secret; }))}};
}

json::object view_parameter(const Entity& e) {
    std::string refs;
    for (const Field* fk : e.foreign_keys)
        refs += (refs.empty() ? "" : ", ") + fk->fk_view_name() + " (" + fk->fk_target->name + ")";
    return json::object{
        {"name", "view"}, {"in", "query"}, {"required", false}, {"schema", type_only("string")},
        {"description", fmt::format("`name(field1,field2)...`: expands a reference into an object "
                                    "`{{\"exists\": bool, field1, field2}}` named after it. References: {}.",
                                    refs.empty() ? "none" : refs)}};
}

json::object id_parameter(const Entity& e) {
    return json::object{{"name", "id"}, {"in", "path"}, {"required", true},
                        {"schema", json::object{{"type", "string"}, {"minLength", 1}}},
                        {"description", fmt::format("Id of the {} (case-insensitive)", e.name)}};
}

json::object build_openapi(const ApiOptions& options, const Schema& schema, const RouteTable& routes) {
    json::object schemas = shared_schemas();
    for (const auto& ep : schema.entities()) {
        const Entity& e = *ep;
        schemas[entity_schema(e)] = document_schema(e);
        schemas[entity_schema(e, "Input")] = input_schema(e, false);
        schemas[entity_schema(e, "Patch")] = input_schema(e, true);
        schemas[entity_schema(e, "Envelope")] = envelope_schema(schema_ref(entity_schema(e)), false);
        schemas[entity_schema(e, "ListEnvelope")] =
            envelope_schema(json::object{{"type", "array"}, {"items", schema_ref(entity_schema(e))}}, true);
    }

    json::object paths;
    json::array tags;
    for (const Route& route : routes) {
        if (!route.describe) throw std::logic_error("route " + route.method + " " + route.path + " has no OpenAPI description");
        const bool per_entity = route.path.find("{entity}") != std::string::npos;
        const bool gated = !schema.authn_services().empty() && (route.operation || route.superuser_only);
        auto add = [&](const Entity* e) {
            json::object op = route.describe(e);
            if (gated) {   // docs/DECISIONS.md §6.3: a session (cookie or Bearer) or the admin token
                op["security"] = json::array{json::object{{"sessionCookie", json::array()}},
                                             json::object{{"sessionBearer", json::array()}},
                                             json::object{{"adminToken", json::array()}}};
                add_errors(op["responses"].as_object(), {401, 403});
            }
            std::string method = route.method;
            std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
            json::value& item = paths[expand(route.path, e)];
            if (!item.is_object()) item = json::object{};
            item.as_object()[method] = std::move(op);
        };
        if (!per_entity) add(nullptr);
        else
            for (const auto& e : schema.entities())
                if (route.operation == 0 || e->allows(route.operation)) add(e.get());
        if (std::none_of(tags.begin(), tags.end(), [&](const json::value& t) { return t.at("name") == route.tag.c_str(); }))
            tags.emplace_back(json::object{{"name", route.tag}});
    }

    json::object components{{"schemas", std::move(schemas)},
                            {"parameters", shared_parameters()},
                            {"responses", shared_responses()},
                            {"securitySchemes", json::object{{"adminToken", json::object{{"type", "http"}, {"scheme", "bearer"},
                                                               {"description", "The config `admin_token`"}}}}}};
    if (!schema.authn_services().empty()) {
        json::object& schemes = components["securitySchemes"].as_object();
        schemes["sessionCookie"] = json::object{{"type", "apiKey"}, {"in", "cookie"}, {"name", "sessionId"},
                                                {"description", "Set by the login route (POST /api/login)"}};
        schemes["sessionBearer"] = json::object{{"type", "http"}, {"scheme", "bearer"},
                                                {"description", "The sessionId of the login answer as a Bearer token"}};
    }
    json::object info{{"title", options.project_name},
                      {"version", "1.0.0"},
                      {"description",
                       "Generated at start-up from the loaded schema and the server's route table. Every entity "
                       "route answers the envelope {data, notifications, status} (plus pagination on lists); "
                       "see docs/API.md. Paths and entity names are case-insensitive. Errors the HTTP layer "
                       "answers itself on any route: 400 (malformed request), 413 (body over body_limit)."}};
    return json::object{{"openapi", "3.1.0"},
                        {"info", std::move(info)},
                        {"servers", json::array{json::object{{"url", "/"}}}},
                        {"tags", std::move(tags)},
                        {"paths", std::move(paths)},
                        {"components", std::move(components)}};
}

}  // namespace events::openapi
