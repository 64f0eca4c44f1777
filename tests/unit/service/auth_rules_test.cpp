// The rules of logins beside the document service's (docs/DECISIONS.md §6.3-§6.5): role
// permissions, the secret hashing, throttling, and secrets kept out of every read.
#include "core/query_parser.h"
#include "service/document_service.h"
#include "service/login_throttle.h"
#include "service/password_hash.h"
#include "service/permissions.h"
#include "support/memory_driver.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <stdexcept>

namespace events {
namespace {

namespace json = boost::json;

constexpr const char* kSchema = R"(
_entities:
  Account:
    fields:
      name: {type: String, required: true}
  Event:
    fields:
      title: {type: String}
  Login:
    fields:
      name: {type: String, required: true}
      password: {type: String, required: true, min_length: 8}
      accountId: {type: ObjectId}
    unique: [[name]]
    services:
      authn: {route: signin, inputs: {login: name, password: password}}
)";

TEST(Permissions, ANamedEntityOverridesTheStar) {
    const Schema s = Schema::load_text(kSchema);
    const Permissions p = Permissions::from_role(s, json::parse(R"({"*": "rs", "event": "CRUDS", "Login": ""})"));
    EXPECT_TRUE(p.allows(*s.find("Account"), 'r'));
    EXPECT_TRUE(p.allows(*s.find("Account"), 's'));
    EXPECT_FALSE(p.allows(*s.find("Account"), 'c'));
    EXPECT_TRUE(p.allows(*s.find("Event"), 'd'));
    EXPECT_FALSE(p.allows(*s.find("Login"), 'r'));
    EXPECT_EQ(json::serialize(p.entity_letters()), R"({"Account":"rs","Event":"cruds"})");
    EXPECT_FALSE(p.superuser());
}

TEST(Permissions, JsonTextIsReadAsTheObject) {
    const Schema s = Schema::load_text(kSchema);
    const Permissions p = Permissions::from_role(s, json::value(R"({"Account": "dcx"})"));
    EXPECT_TRUE(p.allows(*s.find("Account"), 'c'));
    EXPECT_TRUE(p.allows(*s.find("Account"), 'd'));
    EXPECT_FALSE(p.allows(*s.find("Event"), 'r'));
    EXPECT_THROW(Permissions::from_role(s, json::value("{not json")), std::invalid_argument);
    EXPECT_THROW(Permissions::from_role(s, json::value(3)), std::invalid_argument);
    EXPECT_TRUE(Permissions::everything(s).superuser());
    EXPECT_TRUE(Permissions().entity_letters().empty());
}

TEST(SecretHash, HashesVerifyAndPlaintextsAreRecognised) {
    const std::string h = hash_secret("correct horse");
    EXPECT_TRUE(is_secret_hash(h));
    EXPECT_NE(h, hash_secret("correct horse")) << "salted";
    EXPECT_EQ(verify_secret("correct horse", h), SecretMatch::Yes);
    EXPECT_EQ(verify_secret("Correct horse", h), SecretMatch::No);
    EXPECT_EQ(verify_secret("plain", "plain"), SecretMatch::YesPlaintext);
    EXPECT_EQ(verify_secret("Plain", "plain"), SecretMatch::No);
    EXPECT_EQ(verify_secret("", ""), SecretMatch::No) << "an empty stored value never matches";
    EXPECT_EQ(random_hex(32).size(), 64u);
    EXPECT_NE(random_hex(32), random_hex(32));
}

TEST(LoginThrottle, LocksAfterTheLimitUntilTheWindowPasses) {
    LoginThrottle t(3, 1000);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(t.wait_ms("k", 100), 0);
        t.failure("k", 100);
    }
    EXPECT_EQ(t.wait_ms("k", 600), 500);
    EXPECT_EQ(t.wait_ms("other", 600), 0);
    EXPECT_EQ(t.wait_ms("k", 1100), 0);
    EXPECT_EQ(t.wait_ms("k", 600, 12), 0) << "a higher limit (client addresses)";
    t.success("k");
    EXPECT_EQ(t.wait_ms("k", 600), 0);
    t.failure("k", 0);
    t.failure("k", 5000);   // the old window is forgotten
    EXPECT_EQ(t.wait_ms("k", 5000), 0);
}

class SecretFields : public ::testing::Test {
protected:
    SecretFields() : schema_(Schema::load_text(kSchema)), driver_(schema_), service_(schema_, driver_, {}) {}
    RequestParams params(std::vector<std::pair<std::string, std::string>> q = {}) {
        return parse_request_params(schema_, *schema_.find("Login"), q);
    }
    Schema schema_;
    testing_support::MemoryDriver driver_;
    DocumentService service_;
};

TEST_F(SecretFields, WritesStoreHashesAndReadsNeverReturnThem) {
    const Entity& e = *schema_.find("Login");
    Notifications notes;
    Document created = service_.create(e, json::object{{"name", "ann"}, {"password", "secret-one"}}, params(), notes);
    EXPECT_FALSE(created.contains("password"));
    const std::string id(created.at("id").as_string());
    const std::string stored(driver_.get(e, id)->at("password").as_string());
    EXPECT_EQ(verify_secret("secret-one", stored), SecretMatch::Yes);

    EXPECT_FALSE(service_.get(e, id, params(), notes).contains("password"));
    EXPECT_FALSE(service_.get_json(e, id, params()).has_value()) << "stored JSON would carry the hash";
    EXPECT_FALSE(service_.list_json(e, params()).has_value());
    EXPECT_FALSE(service_.list(e, params(), notes).docs.front().contains("password"));

    // A PATCH without the secret keeps the stored hash; with it, stores a new one.
    service_.patch(e, id, json::object{{"name", "anne"}}, params(), notes);
    EXPECT_EQ(std::string(driver_.get(e, id)->at("password").as_string()), stored);
    service_.patch(e, id, json::object{{"password", "secret-two"}}, params(), notes);
    EXPECT_EQ(verify_secret("secret-two", std::string(driver_.get(e, id)->at("password").as_string())), SecretMatch::Yes);
    // The plaintext is validated before hashing.
    EXPECT_THROW(service_.patch(e, id, json::object{{"password", "short"}}, params(), notes), ApiError);
}

TEST_F(SecretFields, SecretsCannotBeFilteredSortedOrViewed) {
    try {
        params({{"filter", "password:x"}});
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.errors().front().second.field, "password");
    }
    try {
        params({{"sort", "password"}});
        FAIL();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.errors().front().second.field, "password");
    }
}

}  // namespace
}  // namespace events
