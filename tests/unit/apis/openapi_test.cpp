// The OpenAPI builder and the access-log line, without a server (docs/API.md, docs/OPERATIONS.md).
#include "apis/access_log.h"
#include "apis/openapi.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <boost/json.hpp>

namespace events {
namespace {

namespace json = boost::json;

Route route(std::string method, std::string path, char op, bool described = true) {
    Route r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.operation = op;
    r.tag = "test";
    r.handler = [](const HttpRequest&, const RouteMatch&, Notifications&) { return HttpResponse{}; };
    if (described)
        r.describe = [method = r.method](const Entity* e) {
            return openapi::operation(method + (e ? e->name : std::string("x")), "s", "test", json::object{});
        };
    return r;
}

TEST(OpenApi, ARouteWithoutDescriptionIsRefused) {
    const Schema schema = Schema::load_bundled();
    RouteTable table{route("GET", "/ok", 0), route("GET", "/secret", 0, /*described=*/false)};
    EXPECT_THROW(openapi::build_openapi(ApiOptions{}, schema, table), std::logic_error);
}

TEST(OpenApi, EntityRoutesExpandPerEntityForTheOperationsAllowed) {
    Schema schema = Schema::load_text(R"(
_entities:
  Note:
    operations: r
    fields:
      text: {type: String, required: true, min_length: 2}
      due: {type: Date}
  Tag:
    fields:
      label: {type: String, enum: {values: [a, b]}}
)");
    RouteTable table{route("GET", "/api/{entity}", 'r'), route("POST", "/api/{entity}", 'c'),
                     route("DELETE", "/api/{entity}/{id}", 'd')};
    json::object doc = openapi::build_openapi(ApiOptions{}, schema, table);
    const json::object& paths = doc.at("paths").as_object();
    EXPECT_TRUE(paths.at("/api/note").as_object().contains("get"));
    EXPECT_FALSE(paths.at("/api/note").as_object().contains("post"));
    EXPECT_FALSE(paths.contains("/api/note/{id}"));
    EXPECT_TRUE(paths.at("/api/tag").as_object().contains("post"));
    EXPECT_TRUE(paths.at("/api/tag/{id}").as_object().contains("delete"));

    const json::value& note = doc.at("components").at("schemas").at("NoteInput");
    EXPECT_EQ(note.at("required"), json::array{"text"});
    EXPECT_EQ(note.at("properties").at("text").at("minLength"), 2);
    EXPECT_EQ(note.at("properties").at("due").at("format"), "date");
    // Found by schemathesis: `format` asserts nothing, so "" looked valid; the pattern says what is read.
    const std::string pattern(note.at("properties").at("due").at("pattern").as_string());
    EXPECT_TRUE(RE2::PartialMatch("2025-06-01", pattern));
    EXPECT_TRUE(RE2::PartialMatch("2025-06-01T19:00:00.5+02:00", pattern));
    EXPECT_FALSE(RE2::PartialMatch("", pattern));
    EXPECT_FALSE(RE2::PartialMatch("June 1", pattern));
    // Found by schemathesis (positive/negative data checks): optional fields accept null.
    EXPECT_EQ(note.at("properties").at("due").at("type"), (json::array{"string", "null"}));
    EXPECT_EQ(note.at("properties").at("text").at("type"), "string");
    const json::value& tag = doc.at("components").at("schemas").at("TagInput").at("properties").at("label");
    EXPECT_EQ(tag.at("enum"), (json::array{"a", "b", nullptr}));
    // The returned document: every field present; optional ones nullable.
    const json::value& doc_schema = doc.at("components").at("schemas").at("Note");
    EXPECT_EQ(doc_schema.at("required"), (json::array{"id", "text", "due"}));
    EXPECT_EQ(doc_schema.at("properties").at("due").at("type"), (json::array{"string", "null"}));
    EXPECT_EQ(doc_schema.at("properties").at("text").at("type"), "string");
    EXPECT_FALSE(doc_schema.at("properties").at("text").as_object().contains("minLength"));
}

// Found by schemathesis with a session (openapi_schemathesis_auth): Role.permissions was
// described as any value, and the server refused most of them ("Input should be a valid
// dictionary"). The input says object; the returned document still says no type.
TEST(OpenApi, JsonFieldsTakeAnObject) {
    Schema schema = Schema::load_text(R"(
_entities:
  Setting:
    fields:
      rules: {type: JSON, required: true}
      extra: {type: JSON}
)");
    RouteTable table{route("POST", "/api/{entity}", 'c')};
    json::object doc = openapi::build_openapi(ApiOptions{}, schema, table);
    const json::value& input = doc.at("components").at("schemas").at("SettingInput").at("properties");
    EXPECT_EQ(input.at("rules").at("type"), "object");
    EXPECT_EQ(input.at("extra").at("type"), (json::array{"object", "null"}));
    const json::value& stored = doc.at("components").at("schemas").at("Setting").at("properties");
    EXPECT_FALSE(stored.at("rules").as_object().contains("type"));
}

TEST(OpenApi, ErrorResponsesReferToTheSharedComponents) {
    json::object responses;
    openapi::add_errors(responses, {404, 422});
    EXPECT_EQ(responses.at("404").at("$ref"), "#/components/responses/NotFound");
    EXPECT_EQ(responses.at("422").at("$ref"), "#/components/responses/ValidationFailed");
    EXPECT_THROW(openapi::add_errors(responses, {418}), std::logic_error);
}

TEST(AccessLog, JsonLineEscapesEveryField) {
    AccessRecord r;
    r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795989516719));
    r.request_id = "a\"b\\c";
    r.method = "GET";
    r.route = "/api/user/{id}";
    r.status = 200;
    r.ms = 1.5;
    r.bytes = 42;
    const std::string line = access_json(r);
    json::value v = json::parse(line);
    EXPECT_EQ(v.at("time"), "2026-11-29T21:58:36.719Z");
    EXPECT_EQ(v.at("request_id"), "a\"b\\c");
    EXPECT_EQ(v.at("route"), "/api/user/{id}");
    EXPECT_EQ(v.at("status"), 200);
    EXPECT_EQ(v.at("ms").to_number<double>(), 1.5);
    EXPECT_EQ(v.at("bytes"), 42);
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace events
