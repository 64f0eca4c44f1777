// Entity CRUD (docs/API.md "Routes"): decode the request, call the DocumentService,
// encode the envelope.
#include "apis/openapi.h"
#include "apis/responses.h"
#include "apis/route_groups.h"
#include "core/query_parser.h"
#include "service/entity_tag.h"
#include "tools/json_text.h"

#include <fmt/format.h>

namespace events {

namespace json = boost::json;

namespace {

using openapi::add_errors;
using openapi::entity_schema;
using openapi::operation;
using openapi::parameter_ref;
using openapi::response;
using openapi::schema_ref;

json::object type_only(const char* type) { return json::object{{"type", type}}; }

json::object body_of(const Entity& e, std::string_view suffix) {
    return json::object{{"required", true},
                        {"content", json::object{{"application/json", json::object{{"schema", schema_ref(entity_schema(e, suffix))}}}}}};
}

// The ETag header of an answer carrying one stored document (docs/API.md "Optimistic concurrency").
json::object etag_header() {
    return json::object{{"ETag", json::object{{"description", "Strong entity tag of the stored version; send it in If-Match"},
                                              {"schema", type_only("string")}}}};
}

json::object describe_list(const Entity* e) {
    json::object responses{{"200", response(fmt::format("A page of {} documents", e->name),
                                            schema_ref(entity_schema(*e, "ListEnvelope")))}};
    add_errors(responses, {400, 500, 503});
    json::object op = operation("list" + e->name, fmt::format("List {} documents", e->name), "records", std::move(responses));
    op["parameters"] = json::array{parameter_ref("page"), parameter_ref("pageSize"), openapi::sort_parameter(*e),
                                   openapi::filter_parameter(*e), openapi::view_parameter(*e),
                                   parameter_ref("full_match"), parameter_ref("no_consistency"), parameter_ref("count")};
    return op;
}

json::object describe_get(const Entity* e) {
    json::object responses{{"200", response(fmt::format("The {}", e->name), schema_ref(entity_schema(*e, "Envelope")))}};
    responses["200"].as_object()["headers"] = etag_header();
    add_errors(responses, {400, 404, 500, 503});
    json::object op = operation("get" + e->name, fmt::format("Get one {}", e->name), "records", std::move(responses));
    op["parameters"] = json::array{openapi::id_parameter(*e), openapi::view_parameter(*e), parameter_ref("no_consistency")};
    return op;
}

json::object describe_write(const Entity* e, const char* verb, const char* summary, int status, bool with_id,
                            const char* body) {
    json::object responses{{std::to_string(status),
                            response(fmt::format("The {} as stored (status warning when body keys were ignored)", e->name),
                                     schema_ref(entity_schema(*e, "Envelope")))}};
    responses[std::to_string(status)].as_object()["headers"] = etag_header();
    if (with_id) add_errors(responses, {400, 404, 409, 412, 413, 422, 500, 503});
    else add_errors(responses, {400, 409, 413, 422, 500, 503});
    json::object op = operation(verb + e->name, fmt::format(fmt::runtime(summary), e->name), "records", std::move(responses));
    if (with_id) op["parameters"] = json::array{openapi::id_parameter(*e), parameter_ref("If-Match")};
    op["requestBody"] = body_of(*e, body);
    return op;
}

json::object describe_delete(const Entity* e) {
    json::object deleted{
        {"type", "object"},
        {"properties", json::object{{"data", json::object{{"anyOf", json::array{schema_ref(entity_schema(*e)),
                                                                                 json::object{{"type", "object"}, {"maxProperties", 0}}}}}},
                                    {"notifications", schema_ref("Notifications")},
                                    {"status", json::object{{"type", "string"}, {"enum", json::array{"success", "warning"}}}}}},
        {"required", json::array{"data", "notifications", "status"}}};
    json::object responses{{"200", response("The deleted document; `data: {}` when there was none (DELETE is idempotent)",
                                            std::move(deleted))}};
    add_errors(responses, {400, 409, 412, 500, 503});
    json::object op = operation("delete" + e->name, fmt::format("Delete one {}", e->name), "records", std::move(responses));
    op["parameters"] = json::array{openapi::id_parameter(*e), parameter_ref("If-Match")};
    return op;
}

// The answer with the stored version's entity tag (docs/API.md "Optimistic concurrency").
HttpResponse with_etag(HttpResponse r, std::string tag) {
    r.headers.emplace_back("ETag", std::move(tag));
    return r;
}

// A written document as answered, with its entity tag: the document is the stored version.
HttpResponse written(int status, Document doc, const Notifications& notes) {
    std::string tag = entity_tag(to_json_text(doc));
    return with_etag(json_response(status, make_envelope(json::value(std::move(doc)), notes)), std::move(tag));
}

}  // namespace

void add_record_routes(RouteTable& table, DocumentService& service, ServerMetrics& metrics) {
    // A `view` into an entity the caller may not read expands to {"exists"} only
    // (docs/DECISIONS.md §6.3).
    auto params_of = [&service](const HttpRequest& req, const RouteMatch& m) {
        RequestParams params = parse_request_params(service.schema(), *m.entity, req.query);
        if (m.permissions)
            for (ViewSpec& v : params.views) v.forbidden = !m.permissions->allows(*v.entity, 'r');
        if (req.if_match) params.if_match = parse_if_match(*req.if_match);
        return params;
    };
    auto envelope = [](int status, json::value data, const Notifications& notes) {
        return json_response(status, make_envelope(std::move(data), notes));
    };

    table.push_back({"GET", "/api/{entity}", 'r', "records",
                     [&service, &metrics, params_of](const HttpRequest& req, const RouteMatch& m, Notifications& notes) {
                         const RequestParams params = params_of(req, m);
                         ServerMetrics::StorageTimer timer(metrics, "list");
                         if (auto page = service.list_json(*m.entity, params)) {   // documents printed by the driver
                             const json::object pagination = pagination_of(params, page->total);
                             return text_response(200, envelope_text(page->docs, notes, &pagination));
                         }
                         ListResult r = service.list(*m.entity, params, notes);
                         json::array data;
                         data.reserve(r.docs.size());
                         for (auto& d : r.docs) data.emplace_back(std::move(d));
                         const json::object pagination = pagination_of(params, r.total);
                         return json_response(200, make_envelope(std::move(data), notes, &pagination));
                     },
                     describe_list});
    table.back().permission = 's';   // search: a list (docs/DECISIONS.md §6.3)
    table.push_back({"POST", "/api/{entity}", 'c', "records",
                     [&service, &metrics, params_of, envelope](const HttpRequest& req, const RouteMatch& m, Notifications& notes) {
                         const RequestParams params = params_of(req, m);
                         const json::value body = parse_object_body(req.body);
                         ServerMetrics::StorageTimer timer(metrics, "create");
                         return written(201, service.create(*m.entity, body, params, notes), notes);
                     },
                     [](const Entity* e) { return describe_write(e, "create", "Create a {}", 201, false, "Input"); }});
    table.push_back({"GET", "/api/{entity}/{id}", 'r', "records",
                     [&service, &metrics, params_of, envelope](const HttpRequest& req, const RouteMatch& m, Notifications& notes) {
                         const RequestParams params = params_of(req, m);
                         ServerMetrics::StorageTimer timer(metrics, "get");
                         if (auto doc = service.get_json(*m.entity, m.id, params))
                             return with_etag(text_response(200, envelope_text(*doc, notes)), entity_tag(*doc));
                         std::string tag;
                         Document doc = service.get(*m.entity, m.id, params, notes, &tag);
                         return with_etag(envelope(200, std::move(doc), notes), std::move(tag));
                     },
                     describe_get});
    table.push_back({"PUT", "/api/{entity}/{id}", 'u', "records",
                     [&service, &metrics, params_of, envelope](const HttpRequest& req, const RouteMatch& m, Notifications& notes) {
                         const RequestParams params = params_of(req, m);
                         const json::value body = parse_object_body(req.body);
                         ServerMetrics::StorageTimer timer(metrics, "replace");
                         return written(200, service.replace(*m.entity, m.id, body, params, notes), notes);
                     },
                     [](const Entity* e) { return describe_write(e, "replace", "Replace a {} (full replacement)", 200, true, "Input"); }});
    table.push_back({"PATCH", "/api/{entity}/{id}", 'u', "records",
                     [&service, &metrics, params_of, envelope](const HttpRequest& req, const RouteMatch& m, Notifications& notes) {
                         const RequestParams params = params_of(req, m);
                         const json::value body = parse_object_body(req.body);
                         ServerMetrics::StorageTimer timer(metrics, "patch");
                         return written(200, service.patch(*m.entity, m.id, body, params, notes), notes);
                     },
                     [](const Entity* e) { return describe_write(e, "update", "Update a {} (merge, then validated as a whole)", 200, true, "Patch"); }});
    table.push_back({"DELETE", "/api/{entity}/{id}", 'd', "records",
                     [&service, &metrics, params_of, envelope](const HttpRequest& req, const RouteMatch& m, Notifications& notes) {
                         const RequestParams params = params_of(req, m);
                         ServerMetrics::StorageTimer timer(metrics, "delete");
                         auto deleted = service.remove(*m.entity, m.id, params, notes);
                         return envelope(200, deleted ? json::value(std::move(*deleted)) : json::object(), notes);
                     },
                     describe_delete});
}

}  // namespace events
