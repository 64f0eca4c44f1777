// The authn and authz services of a schema (docs/DECISIONS.md §6.1): resolved against the
// fields, every mistake named with its entity and field.
#include "core/schema.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace events {
namespace {

std::string auth_sample() {
    std::ifstream in(std::string(EVENTS_SOURCE_DIR) + "/schemas/events-auth.yaml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

constexpr const char* kBase = R"(
_entities:
  Role:
    fields:
      role: {type: String, required: true}
      permissions: {type: JSON}
    unique: [[role]]
    services:
      authz: {provider: rbac}
  Login:
    fields:
      name: {type: String, required: true}
      password: {type: String, required: true}
      roleId: {type: ObjectId}
    unique: [[name]]
    services:
      authn: {route: signin, inputs: {login: name, password: password}, delegates: [{authz: Role}]}
)";

std::string problems_of(const std::string& text) {
    try {
        Schema::load_text(text);
    } catch (const SchemaError& e) {
        return e.what();
    }
    return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

TEST(AuthSchema, TheSampleWithLoginsDeclaresBothServices) {
    const Schema s = Schema::load_text(auth_sample());
    ASSERT_EQ(s.authn_services().size(), 1u);
    const AuthnService& a = s.authn_services().front();
    EXPECT_EQ(a.entity->name, "Auth");
    EXPECT_EQ(a.route, "login");
    EXPECT_EQ(a.login->name, "name");
    EXPECT_EQ(a.password->name, "password");
    EXPECT_TRUE(a.password->secret);
    EXPECT_EQ(a.authz->name, "Role");
    EXPECT_EQ(a.role->name, "roleId");
    ASSERT_EQ(s.authz_services().size(), 1u);
    EXPECT_EQ(s.authz_services().front().permissions->name, "permissions");
    EXPECT_EQ(s.authn_for_route("LOGIN"), &a);
    EXPECT_EQ(s.metadata_entities().at("Auth").at("fields").at("password").at("secret"), boost::json::value(true));
}

TEST(AuthSchema, TheSampleWithoutLoginsHasNoServices) {
    const Schema s = Schema::load_bundled();
    EXPECT_TRUE(s.authn_services().empty());
    EXPECT_TRUE(s.authz_services().empty());
    for (const auto& e : s.entities())
        for (const Field& f : e->fields) EXPECT_FALSE(f.secret) << e->name << "." << f.name;
}

TEST(AuthSchema, MistakesAreNamed) {
    EXPECT_EQ(problems_of(kBase), "");
    EXPECT_NE(problems_of(replaced(kBase, "login: name,", "login: nickname,")).find("Login.services.authn: inputs.login: unknown field \"nickname\""),
              std::string::npos);
    EXPECT_NE(problems_of(replaced(kBase, "    unique: [[name]]\n", ""))
                  .find("Login.services.authn.name: the login field must be unique on its own"),
              std::string::npos);
    EXPECT_NE(problems_of(replaced(kBase, "[{authz: Role}]", "[{authz: Nobody}]")).find("delegates: unknown entity \"Nobody\""),
              std::string::npos);
    EXPECT_NE(problems_of(replaced(kBase, "provider: rbac", "provider: acl")).find("Role.services.authz: provider must be 'rbac'"),
              std::string::npos);
    EXPECT_NE(problems_of(replaced(kBase, "route: signin,", "")).find("route is missing"), std::string::npos);
    EXPECT_NE(problems_of(replaced(kBase, "route: signin,", "route: role,")).find("collides"), std::string::npos);
    EXPECT_NE(problems_of(replaced(kBase, "roleId: {type: ObjectId}", "roleId: {type: String}"))
                  .find("Login has no ObjectId field referencing Role"),
              std::string::npos);
    EXPECT_NE(problems_of(replaced(kBase, "permissions: {type: JSON}", "permissions: {type: JSON, secret: true}"))
                  .find("Role.permissions: secret applies to String fields only"),
              std::string::npos);
}

TEST(AuthSchema, SecretTrueMarksAField) {
    const Schema s = Schema::load_text(replaced(kBase, "role: {type: String, required: true}",
                                                "role: {type: String, required: true}\n      apiKey: {type: String, secret: true}"));
    EXPECT_TRUE(s.find("Role")->find_field("apiKey")->secret);
    EXPECT_FALSE(s.find("Role")->find_field("role")->secret);
}

}  // namespace
}  // namespace events
