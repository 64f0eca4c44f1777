// In-process route tests: a request goes in, the router's response comes out, through the
// same route table the server dispatches from (apis/api_router.h), with no socket and no
// database (the store is the in-memory driver, memory_driver.h). Modelled on PocketBase's
// `tests.ApiScenario`: a scenario names a request and what its answer must be.
//
//   ApiTestApp app(kSchemaYaml);
//   app.run({.name = "unknown id", .url = "/api/user/nope", .expected_status = 404,
//            .expected_content = {"\"User nope not found\""}});
//
// What the HTTP layer does before the router (http/server.cpp) is done here too: the
// target is split and %-decoded (http/request_target.h), HEAD goes to the GET route with
// `head` set and its body is dropped.
#pragma once

#include "apis/api_options.h"
#include "apis/api_router.h"
#include "core/schema.h"
#include "http/message.h"
#include "service/document_service.h"
#include "support/memory_driver.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace events::testing_support {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request and the checks on its answer.
struct ApiScenario {
    std::string name;              // printed with every failed check
    std::string method = "GET";    // upper case; HEAD as the server handles it
    std::string url;               // path and optional query, %-encoded as on the wire
    std::string body;              // sent as is ("" = no body)
    // Request headers the router reads: "Authorization" and "X-Request-Id" (names are
    // case-insensitive). Any other name throws std::invalid_argument, because the router
    // would never see it and the scenario would test nothing.
    HeaderList headers;
    int expected_status = 200;
    std::vector<std::string> expected_content;       // substrings the body must contain
    std::vector<std::string> not_expected_content;   // substrings it must not contain
    HeaderList expected_headers;   // response headers that must be present with exactly this value
    // Further checks on the response (run after the ones above); may use gtest asserts.
    std::function<void(const HttpResponse&)> after;
};

// A whole API over an in-memory store: the schema, a MemoryDriver, the DocumentService
// and the ApiRouter, as app/application.cpp wires them for the server.
class ApiTestApp {
public:
    // Options of a test API: project "test", database "memory", Swagger UI off (no files
    // to load), everything else as ApiOptions' defaults.
    static ApiOptions default_api_options();

    // Throws SchemaError for an invalid schema text.
    explicit ApiTestApp(std::string_view schema_yaml, ServiceOptions service_options = {},
                        ApiOptions api_options = default_api_options());

    // Sends one request through ApiRouter::handle(). Throws std::invalid_argument for a
    // malformed %-escape in `url` or a header the router does not read (see ApiScenario).
    HttpResponse send(std::string_view method, std::string_view url, std::string body = "",
                      const HeaderList& headers = {});
    // Sends the scenario's request and checks the answer with gtest EXPECTs (a failure
    // names the scenario). Returns the response for further checks.
    HttpResponse run(const ApiScenario& scenario);

    // Creates a document through the document service (no route involved) and returns
    // its id; for setting up a scenario. Throws ApiError as DocumentService::create().
    std::string create(std::string_view entity, boost::json::object body);

    const Schema& schema() const { return schema_; }
    MemoryDriver& driver() { return *driver_; }
    DocumentService& service() { return *service_; }
    ApiRouter& router() { return *router_; }

private:
    Schema schema_;
    std::unique_ptr<MemoryDriver> driver_;
    std::unique_ptr<DocumentService> service_;
    std::unique_ptr<ApiRouter> router_;
};

// The response body parsed as JSON. Throws std::system_error (boost::json) when it is not.
boost::json::value json_of(const HttpResponse& response);

// The value of response header `name` (case-insensitive), "" when absent.
std::string header_of(const HttpResponse& response, std::string_view name);

}  // namespace events::testing_support
