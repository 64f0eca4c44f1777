#include "support/api_scenario.h"

#include "core/notifications.h"
#include "http/request_target.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace events::testing_support {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

ApiOptions ApiTestApp::default_api_options() {
    ApiOptions o;
    o.project_name = "test";
    o.database = "memory";
    o.db_name = "test";
    o.docs = false;
    return o;
}

ApiTestApp::ApiTestApp(std::string_view schema_yaml, ServiceOptions service_options, ApiOptions api_options)
    : schema_(Schema::load_text(schema_yaml, "test schema")),
      driver_(std::make_unique<MemoryDriver>(schema_)),
      service_(std::make_unique<DocumentService>(schema_, *driver_, service_options)),
      router_(std::make_unique<ApiRouter>(api_options, *service_)) {}

HttpResponse ApiTestApp::send(std::string_view method, std::string_view url, std::string body,
                              const HeaderList& headers) {
    std::optional<RequestTarget> target = parse_request_target(url);
    if (!target) throw std::invalid_argument("malformed %-escape in " + std::string(url));
    HttpRequest req;
    req.head = method == "HEAD";
    req.method = req.head ? std::string("GET") : std::string(method);   // as http/server.cpp does
    req.path = std::move(target->path);
    req.query = std::move(target->query);
    req.body = std::move(body);
    for (const auto& [name, value] : headers) {
        if (iequals(name, "Authorization")) req.authorization = value;
        else if (iequals(name, "X-Request-Id")) req.request_id = value;
        else throw std::invalid_argument("the router does not read request header " + name);
    }
    HttpResponse response = router_->handle(req);
    if (req.head) response.body.clear();   // the HTTP layer sends the headers only
    return response;
}

HttpResponse ApiTestApp::run(const ApiScenario& s) {
    SCOPED_TRACE("scenario: " + s.name + " (" + s.method + " " + s.url + ")");
    HttpResponse response = send(s.method, s.url, s.body, s.headers);
    EXPECT_EQ(response.status, s.expected_status) << response.body;
    for (const std::string& part : s.expected_content)
        EXPECT_NE(response.body.find(part), std::string::npos) << "missing " << part << " in " << response.body;
    for (const std::string& part : s.not_expected_content)
        EXPECT_EQ(response.body.find(part), std::string::npos) << "unexpected " << part << " in " << response.body;
    for (const auto& [name, value] : s.expected_headers) EXPECT_EQ(header_of(response, name), value) << name;
    if (s.after) s.after(response);
    return response;
}

std::string ApiTestApp::create(std::string_view entity, boost::json::object body) {
    const Entity* e = schema_.find(entity);
    if (!e) throw std::invalid_argument("no entity " + std::string(entity));
    Notifications notes;
    return std::string(service_->create(*e, body, RequestParams{}, notes).at("id").as_string());
}

boost::json::value json_of(const HttpResponse& response) { return boost::json::parse(response.body); }

std::string header_of(const HttpResponse& response, std::string_view name) {
    for (const auto& [n, v] : response.headers)
        if (iequals(n, name)) return v;
    if (iequals(name, "Content-Type")) return response.content_type;
    return "";
}

}  // namespace events::testing_support
