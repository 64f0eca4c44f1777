// What the document service's rule tests share: a schema with every relationship the
// rules distinguish (a required FK chain Account <- User <- Profile for recursive
// cascades, an optional FK Badge.userId to be cleared, uniques on User, an entity whose
// `operations` forbid update and delete), the service over the in-memory driver, and
// helpers that call the service the way the routes do.
#pragma once

#include "core/notifications.h"
#include "core/query_parser.h"
#include "service/document_service.h"
#include "support/memory_driver.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace events::testing_service {

inline constexpr const char* kServiceSchema = R"(
_entities:
  Account:
    fields:
      name: {type: String, required: true, max_length: 20}
  User:
    fields:
      username: {type: String, required: true}
      email: {type: String}
      age: {type: Integer, ge: 0}
      accountId: {type: ObjectId, required: true}
      createdAt: {type: Datetime, autoGenerate: true}
      updatedAt: {type: Datetime, autoUpdate: true}
    unique:
    - [username]
    - [email]
  Profile:
    fields:
      bio: {type: String}
      userId: {type: ObjectId, required: true}
  Badge:
    fields:
      label: {type: String}
      userId: {type: ObjectId, required: false}
  Log:
    fields:
      text: {type: String}
    operations: cr
)";

class ServiceTest : public ::testing::Test {
protected:
    explicit ServiceTest(ServiceOptions options = {})
        : schema_(Schema::load_text(kServiceSchema)), driver_(schema_), service_(schema_, driver_, options) {}

    const Entity& entity(const char* name) const { return *schema_.find(name); }

    // The request parameters a query string gives (core/query_parser.h), as the routes parse them.
    RequestParams params(QueryPairs query = {}, const char* entity_name = "User") const {
        return parse_request_params(schema_, entity(entity_name), query);
    }

    Document create(const char* entity_name, boost::json::object body, const RequestParams& p = {}) {
        Notifications notes;
        return service_.create(entity(entity_name), body, p, notes);
    }
    std::string create_id(const char* entity_name, boost::json::object body) {
        return std::string(create(entity_name, std::move(body)).at("id").as_string());
    }
    // An Account and a User in it; returns {account id, user id}.
    std::pair<std::string, std::string> account_with_user(const char* username = "ann") {
        const std::string account = create_id("Account", {{"name", "acme"}});
        return {account, create_id("User", {{"username", username}, {"accountId", account}})};
    }
    std::optional<Document> stored(const char* entity_name, const std::string& id) {
        return driver_.get(entity(entity_name), id);
    }

    Schema schema_;
    testing_support::MemoryDriver driver_;
    DocumentService service_;
};

// Runs `call`, which must throw ApiError, and returns the error (a test failure, and a
// default 0-status error, when it throws nothing).
inline ApiError api_error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const ApiError& e) {
        return e;
    }
    ADD_FAILURE() << "no ApiError thrown";
    return ApiError(0, {});
}

// The error envelope the API layer answers for `e` (docs/API.md "Envelope").
inline boost::json::object envelope_of(const ApiError& e) { return make_error_envelope(e, Notifications{}); }

// The error notices of the envelope of `e` under `key`.
inline boost::json::array errors_under(const ApiError& e, const std::string& key) {
    const boost::json::object env = envelope_of(e);
    const boost::json::value* group = env.at("notifications").as_object().if_contains(key);
    if (!group) {
        ADD_FAILURE() << "no notifications under " << key << ": " << boost::json::serialize(env);
        return {};
    }
    return group->at("errors").as_array();
}

// The `field` of each error notice of `e` under `key`, in order.
inline std::vector<std::string> error_fields(const ApiError& e, const std::string& key) {
    std::vector<std::string> fields;
    for (const boost::json::value& n : errors_under(e, key)) {
        const boost::json::value* f = n.as_object().if_contains("field");
        fields.emplace_back(f ? std::string(f->as_string()) : std::string());
    }
    return fields;
}

}  // namespace events::testing_service
