// Authentication and role-based authorisation (docs/DECISIONS.md §6, docs/AUTH.md) on every
// backend, with schemas/events-auth.yaml: logins, sessions (cookie and Bearer), the
// permission letters on every entity route and method, secrets hashed and never returned,
// throttling, and sessions shared by two server processes on one database.
#include "e2e_fixture.h"

#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <thread>

namespace events::e2e {
namespace {

const std::string kAdminToken = "auth-test-admin-token";

std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

class Auth : public E2ETest {
protected:
    // Starts the server on the auth sample schema; `overrides` are config keys.
    void start_auth(json::object overrides = {}) {
        ServerSetup s = default_setup();
        json::object& c = *s.config;
        c["admin_token"] = kAdminToken;
        c["cookie_secure"] = false;
        c["login_max_failures"] = 3;
        for (auto& kv : overrides) c[kv.key()] = kv.value();
        s.schema_path = std::string(EVENTS_SOURCE_DIR) + "/schemas/events-auth.yaml";
        setup_ = s;
        start_server(s);
    }

    HttpResponse as(const std::string& token, const std::string& method, const std::string& target,
                    const std::string& body = "") {
        auto headers = bearer(token);
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return request(method, target, body, headers);
    }
    HttpResponse as_admin(const std::string& method, const std::string& target, const json::value& body = nullptr) {
        return as(kAdminToken, method, target, body.is_null() ? "" : json::serialize(body));
    }
    std::string admin_create(const std::string& entity, const json::object& body) {
        HttpResponse r = as_admin("POST", "/api/" + entity, body);
        if (r.status != 201) throw std::runtime_error("POST /api/" + entity + " failed: " + describe(r));
        return std::string(data(r).at("id").as_string());
    }
    std::string add_role(const std::string& name, const json::object& permissions) {
        return admin_create("role", json::object{{"role", name}, {"permissions", permissions}});
    }
    std::string add_login(const std::string& name, const std::string& password, const std::string& role_id) {
        return admin_create("auth", json::object{{"name", name}, {"password", password}, {"roleId", role_id}});
    }
    HttpResponse login(const std::string& name, const std::string& password) {
        return post("/api/login", json::object{{"login", name}, {"password", password}});
    }
    // Logs in and returns the session id (fails the test otherwise).
    std::string session_of(const std::string& name, const std::string& password) {
        HttpResponse r = login(name, password);
        EXPECT_EQ(r.status, 200) << describe(r);
        if (r.status != 200) return "";
        return std::string(data(r).at("sessionId").as_string());
    }

    ServerSetup setup_;
};

// The five entity routes of Account with each method, and the letter each needs.
struct Call {
    const char* method;
    bool with_id;
    char letter;
};
constexpr Call kCalls[] = {{"POST", false, 'c'}, {"GET", true, 'r'}, {"GET", false, 's'},
                           {"PUT", true, 'u'},   {"PATCH", true, 'u'}, {"DELETE", true, 'd'}};

TEST_P(Auth, WithoutSessionEveryEntityRouteAnswers401) {
    start_auth();
    const std::string account = admin_create("account", account_body());
    for (const char* entity : {"account", "user", "profile", "tagaffinity", "event", "userevent", "url", "crawl", "role",
                               "auth"})
        for (const Call& c : kCalls) {
            const std::string target = std::string("/api/") + entity + (c.with_id ? "/" + account : "");
            const std::string body = std::string(c.method) == "GET" || std::string(c.method) == "DELETE" ? "" : "{}";
            HttpResponse r = request(c.method, target, body, {{"Content-Type", "application/json"}});
            EXPECT_TRUE(HasError(r, 401, "general", "unauthorized", "Authentication required")) << c.method << " " << target;
            // A session id nobody issued is no session.
            r = as("0123456789abcdef", c.method, target, body);
            EXPECT_TRUE(HasError(r, 401, "general", "unauthorized", "Authentication required")) << c.method << " " << target;
        }
    EXPECT_EQ(list_ids(as_admin("GET", "/api/account")).size(), 1u) << "nothing was written";
}

TEST_P(Auth, PermissionMatrixOfThreeRoles) {
    start_auth();
    const std::string all = add_role("all", json::object{{"*", "cruds"}});
    const std::string cru = add_role("cru", json::object{{"*", "cru"}});
    const std::string ru = add_role("ru", json::object{{"*", "ru"}});
    add_login("alice", "alice-secret", all);
    add_login("bob", "bob-secret1", cru);
    add_login("carol", "carol-secret", ru);
    const struct {
        const char* login;
        const char* password;
        std::string letters;
    } kRoles[] = {{"alice", "alice-secret", "cruds"}, {"bob", "bob-secret1", "cru"}, {"carol", "carol-secret", "ru"}};

    int n = 0;
    for (const auto& role : kRoles) {
        HttpResponse lr = login(role.login, role.password);
        ASSERT_EQ(lr.status, 200) << describe(lr);
        const json::object& perms = data(lr).at("permissions").at("entity").as_object();
        EXPECT_EQ(perms.at("Account"), role.letters);
        EXPECT_EQ(perms.size(), 10u) << "every entity is listed with its letters";
        const std::string token(data(lr).at("sessionId").as_string());
        for (const Call& c : kCalls) {
            // Each call on its own document, made by the admin token, so that a refused call
            // is refused before the document is looked up and an allowed one finds it.
            const std::string id = admin_create("account", account_body("Account number " + std::to_string(++n)));
            const std::string target = std::string("/api/account") + (c.with_id ? "/" + id : "");
            std::string body;
            if (std::string(c.method) == "POST") body = json::serialize(account_body("Created by " + std::string(role.login)));
            if (std::string(c.method) == "PUT") body = json::serialize(account_body("Replaced account"));
            if (std::string(c.method) == "PATCH") body = R"({"credit": 5})";
            HttpResponse r = as(token, c.method, target, body);
            const bool allowed = role.letters.find(c.letter) != std::string::npos;
            if (allowed) {
                EXPECT_TRUE(r.status == 200 || r.status == 201) << role.login << " " << c.method << " " << target << ": "
                                                                << describe(r);
            } else {
                EXPECT_TRUE(HasError(r, 403, "general", "forbidden", "Unauthorized operation"))
                    << role.login << " " << c.method << " " << target;
                // Decided before the document is looked up: a missing one is refused the same way.
                HttpResponse missing = as(token, c.method, c.with_id ? "/api/account/no-such-id" : target, body);
                EXPECT_TRUE(HasError(missing, 403, "general", "forbidden", "Unauthorized operation")) << c.method;
            }
        }
    }
    // The refused writes changed nothing: bob and carol could not delete, carol could not create.
    HttpResponse list = as_admin("GET", "/api/account?filter=name:Created%20by&pageSize=100");
    EXPECT_EQ(list_ids(list).size(), 2u) << describe(list);
}

TEST_P(Auth, SpecificEntityOverridesTheStar) {
    start_auth();
    const std::string role = add_role("mixed", json::object{{"*", "rs"}, {"Account", ""}, {"Event", "crus"}});
    add_login("dave", "dave-secret", role);
    HttpResponse lr = login("dave", "dave-secret");
    ASSERT_EQ(lr.status, 200) << describe(lr);
    const json::object& perms = data(lr).at("permissions").at("entity").as_object();
    EXPECT_FALSE(perms.contains("Account")) << "empty letters are not listed";
    EXPECT_EQ(perms.at("Event"), "crus");
    EXPECT_EQ(perms.at("User"), "rs");
    const std::string token(data(lr).at("sessionId").as_string());
    EXPECT_TRUE(HasError(as(token, "GET", "/api/account"), 403, "general", "forbidden", "Unauthorized operation"));
    EXPECT_EQ(as(token, "GET", "/api/event").status, 200);
    EXPECT_EQ(as(token, "POST", "/api/event", json::serialize(event_body())).status, 201);
    EXPECT_TRUE(HasError(as(token, "POST", "/api/user", "{}"), 403, "general", "forbidden", "Unauthorized operation"));
}

TEST_P(Auth, ViewIntoAForbiddenEntityShowsOnlyExistence) {
    start_auth();
    const std::string role = add_role("users-only", json::object{{"User", "rs"}});
    add_login("erin", "erin-secret", role);
    const std::string account = admin_create("account", account_body());
    const std::string user = admin_create("user", user_body(account));
    const std::string token = session_of("erin", "erin-secret");

    HttpResponse r = as(token, "GET", "/api/user/" + user + "?view=account(name,credit)");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(json::serialize(data(r).at("account")), R"({"exists":true})");
    EXPECT_TRUE(HasWarning(r, user, "forbidden", "Unauthorized operation: read Account", "accountId"));
    r = as(token, "GET", "/api/user?view=account(name)");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_EQ(json::serialize(data(r).as_array().at(0).at("account")), R"({"exists":true})");
    // The admin token reads through.
    r = as_admin("GET", "/api/user/" + user + "?view=account(name)");
    EXPECT_EQ(data(r).at("account").at("name"), "Acme Corporation") << describe(r);
}

TEST_P(Auth, SecretsAreHashedAtRestAndNeverReturned) {
    start_auth();
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    HttpResponse created = as_admin("POST", "/api/auth",
                                    json::object{{"name", "frank"}, {"password", "frank-secret"}, {"roleId", role}});
    ASSERT_EQ(created.status, 201) << describe(created);
    EXPECT_FALSE(data(created).as_object().contains("password")) << describe(created);
    const std::string id(data(created).at("id").as_string());
    EXPECT_TRUE(test_backend().raw_field_starts_with(base_config(), "Auth", id, "password", "$argon2id$"));

    const std::string token = session_of("frank", "frank-secret");
    for (const std::string& target : std::vector<std::string>{"/api/auth/" + id, "/api/auth", "/api/auth?view=role(role)",
                                      "/api/auth/" + id + "?view=role(role,permissions)", "/api/auth?filter=id:" + id}) {
        HttpResponse r = as(token, "GET", target);
        ASSERT_EQ(r.status, 200) << target << ": " << describe(r);
        EXPECT_EQ(r.body.find("password"), std::string::npos) << target << ": " << r.body;
        EXPECT_EQ(r.body.find("argon2"), std::string::npos) << target << ": " << r.body;
    }
    // Never filtered or sorted: a 400 naming the field.
    EXPECT_TRUE(HasError(as(token, "GET", "/api/auth?filter=password:frank"), 400, "general", "bad_request",
                         "Field password cannot be filtered", "password"));
    EXPECT_TRUE(HasError(as(token, "GET", "/api/auth?sort=password"), 400, "general", "bad_request",
                         "Field password cannot be sorted", "password"));

    // PATCH of another field keeps the hash; PATCH of the password replaces it.
    HttpResponse r = as(token, "PATCH", "/api/auth/" + id, R"({"name": "frank2"})");
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_FALSE(data(r).as_object().contains("password"));
    EXPECT_EQ(login("frank2", "frank-secret").status, 200);
    r = as(token, "PUT", "/api/auth/" + id,
           json::serialize(json::object{{"name", "frank"}, {"password", "new-secret-1"}, {"roleId", role}}));
    ASSERT_EQ(r.status, 200) << describe(r);
    EXPECT_TRUE(test_backend().raw_field_starts_with(base_config(), "Auth", id, "password", "$argon2id$"));
    EXPECT_EQ(login("frank", "frank-secret").status, 401);
    EXPECT_EQ(login("frank", "new-secret-1").status, 200);

    // Export keeps the hash (data moves between backends), never the plaintext.
    const std::string out = dir() + "/export.jsonl";
    const std::string cmd = std::string(EVENTS_BINARY) + " export --config '" + dir() + "/config.json' --schema '" +
                            EVENTS_SOURCE_DIR + "/schemas/events-auth.yaml' > '" + out + "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const std::string dump = read_file(out);
    EXPECT_NE(dump.find("$argon2id$"), std::string::npos);
    EXPECT_EQ(dump.find("new-secret-1"), std::string::npos);
}

TEST_P(Auth, AnAdoptedPlaintextIsAcceptedOnceAndRehashed) {
    start_auth();
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    const std::string id = add_login("gina", "gina-secret", role);
    ASSERT_TRUE(set_raw_field("Auth", id, "password", "Plain-Text-1"));
    EXPECT_EQ(login("gina", "plain-text-1").status, 401) << "passwords compare exactly, case included";
    EXPECT_EQ(login("gina", "Plain-Text-1").status, 200);
    EXPECT_TRUE(test_backend().raw_field_starts_with(base_config(), "Auth", id, "password", "$argon2id$"));
    EXPECT_EQ(login("gina", "Plain-Text-1").status, 200);
}

TEST_P(Auth, WrongPasswordAndUnknownLoginGetTheSameAnswer) {
    start_auth();
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("hank", "hank-secret", role);
    HttpResponse wrong = login("hank", "not-his-secret");
    HttpResponse unknown = login("nobody", "not-his-secret");
    EXPECT_TRUE(HasError(wrong, 401, "general", "unauthorized", "Invalid credentials"));
    EXPECT_EQ(wrong.body, unknown.body);
    EXPECT_TRUE(HasError(post("/api/login", json::object{{"login", "hank"}}), 401, "general", "unauthorized",
                         "Invalid credentials"));
    // Wildcards are not wildcards: the login matches as a whole value.
    EXPECT_EQ(login("h%", "hank-secret").status, 401);
    EXPECT_EQ(login("HANK", "hank-secret").status, 200) << "logins match by the matching rule (case-insensitive)";
}

TEST_P(Auth, CookieAndBearerSessionsLogoutAndRefresh) {
    start_auth();
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("ivan", "ivan-secret", role);
    HttpResponse lr = login("ivan", "ivan-secret");
    ASSERT_EQ(lr.status, 200);
    const std::string cookie = lr.header("set-cookie");
    const std::string id(data(lr).at("sessionId").as_string());
    EXPECT_EQ(cookie, "sessionId=" + id + "; HttpOnly; SameSite=Lax; Path=/");
    EXPECT_NE(session_of("ivan", "ivan-secret"), id) << "every login gets a new session id";

    const std::map<std::string, std::string> with_cookie{{"Cookie", "theme=dark; sessionId=" + id}};
    EXPECT_EQ(request("GET", "/api/account", "", with_cookie).status, 200);
    EXPECT_EQ(as(id, "GET", "/api/account").status, 200);
    HttpResponse s = request("GET", "/api/session", "", with_cookie);
    ASSERT_EQ(s.status, 200) << describe(s);
    EXPECT_EQ(data(s).at("login"), "ivan");
    EXPECT_EQ(data(s).at("roleId"), role);
    EXPECT_EQ(request("POST", "/api/refresh", "", with_cookie).status, 200);

    HttpResponse out = request("POST", "/api/logout", "", with_cookie);
    ASSERT_EQ(out.status, 200) << describe(out);
    EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_TRUE(HasError(request("GET", "/api/account", "", with_cookie), 401, "general", "unauthorized",
                         "Authentication required"));
    EXPECT_TRUE(HasError(as(id, "GET", "/api/account"), 401, "general", "unauthorized", "Authentication required"));
    EXPECT_TRUE(HasError(request("GET", "/api/session", "", with_cookie), 401, "general", "unauthorized",
                         "No active session"));
    EXPECT_TRUE(HasError(request("POST", "/api/logout", ""), 401, "general", "unauthorized", "No active session"));
}

TEST_P(Auth, SessionsExpireWhenIdleAndAtTheirAbsoluteEnd) {
    start_auth(json::object{{"session_idle_ttl_s", 2}, {"session_absolute_ttl_s", 4}});
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("jane", "jane-secret", role);
    std::string token = session_of("jane", "jane-secret");
    EXPECT_EQ(as(token, "GET", "/api/account").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2600));
    EXPECT_TRUE(HasError(as(token, "GET", "/api/account"), 401, "general", "unauthorized", "Authentication required"))
        << "idle for longer than session_idle_ttl_s";

    // Used every 500 ms the session lives on, until its absolute end.
    token = session_of("jane", "jane-secret");
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(3000)) {
        ASSERT_EQ(as(token, "GET", "/api/account").status, 200) << "renewed on use";
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(as(token, "GET", "/api/account").status, 401) << "past session_absolute_ttl_s";
}

TEST_P(Auth, RepeatedFailuresAreThrottled) {
    start_auth();
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("kim", "kim-secret1", role);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(login("kim", "wrong-one").status, 401);
    HttpResponse r = login("kim", "kim-secret1");
    EXPECT_TRUE(HasError(r, 429, "general", "too_many_requests", "Too many failed logins; try again later"));
    const std::string retry = r.header("retry-after");
    ASSERT_FALSE(retry.empty());
    EXPECT_GT(std::stoi(retry), 0);
    EXPECT_LE(std::stoi(retry), 60);
    // Another login from the same address is not locked yet (the address allows 4x).
    add_login("lee", "lee-secret1", role);
    EXPECT_EQ(login("lee", "lee-secret1").status, 200);
}

// How long each process trusts a session or role it read in these tests (config
// `session_cache_ms`), and the most a request may add to it on a loaded machine.
constexpr auto kCacheLifetime = std::chrono::milliseconds(500);
constexpr auto kRequestSlack = std::chrono::milliseconds(1000);

// Repeats `request` until it answers `status`, for at most kCacheLifetime + kRequestSlack;
// the time it took, or nullopt when it never did.
std::optional<std::chrono::milliseconds> time_until(int status, const std::function<int()>& request) {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        const int got = request();
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (got == status) return took;
        if (took > kCacheLifetime + kRequestSlack) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

TEST_P(Auth, TwoServerProcessesShareSessionsAndARestartKeepsThem) {
    start_auth(json::object{{"session_cache_ms", kCacheLifetime.count()}});
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("mia", "mia-secret1", role);
    const std::string token = session_of("mia", "mia-secret1");
    EXPECT_EQ(as(token, "GET", "/api/account").status, 200) << "the first process now holds the session in its cache";

    TestServer second(setup_, dir());
    std::string error;
    ASSERT_TRUE(second.start(error)) << error;
    EXPECT_EQ(second.http().request("GET", "/api/account", "", bearer(token)).status, 200)
        << "a session of the first process works on the second";
    EXPECT_EQ(second.http().request("POST", "/api/logout", "", bearer(token)).status, 200);
    EXPECT_EQ(second.http().request("GET", "/api/account", "", bearer(token)).status, 401)
        << "the process that took the logout refuses the session at once";
    // docs/DECISIONS.md §6.5: a logout made through another process holds here within
    // session_cache_ms.
    const auto took = time_until(401, [&] { return as(token, "GET", "/api/account").status; });
    ASSERT_TRUE(took.has_value()) << "a logout on the second ends the session on the first";
    EXPECT_LE(*took, kCacheLifetime + kRequestSlack);
    second.stop();

    const std::string kept = session_of("mia", "mia-secret1");
    restart_server();
    EXPECT_EQ(as(kept, "GET", "/api/account").status, 200) << "a restart keeps sessions";
}

TEST_P(Auth, WithoutTheSessionCacheALogoutElsewhereHoldsAtOnce) {
    start_auth(json::object{{"session_cache_ms", 0}});
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("nia", "nia-secret1", role);
    const std::string token = session_of("nia", "nia-secret1");
    EXPECT_EQ(as(token, "GET", "/api/account").status, 200);

    TestServer second(setup_, dir());
    std::string error;
    ASSERT_TRUE(second.start(error)) << error;
    EXPECT_EQ(second.http().request("POST", "/api/logout", "", bearer(token)).status, 200);
    EXPECT_EQ(as(token, "GET", "/api/account").status, 401) << "session_cache_ms 0: every request reads the session";
    second.stop();
}

TEST_P(Auth, ARoleChangeHoldsAtOnceHereAndWithinTheCacheLifetimeElsewhere) {
    start_auth(json::object{{"session_cache_ms", kCacheLifetime.count()}});
    const std::string role = add_role("readers", json::object{{"*", "rs"}});
    add_login("olga", "olga-secret", role);
    const std::string token = session_of("olga", "olga-secret");
    // DELETE of a document that does not exist: 200 with the letter d, 403 without it,
    // decided before any lookup; it changes nothing, so it can be repeated.
    const auto delete_status = [&] { return as(token, "DELETE", "/api/account/no-such-account").status; };
    EXPECT_EQ(delete_status(), 403);

    // Written through this process: at once.
    ASSERT_EQ(as_admin("PATCH", "/api/role/" + role, json::object{{"permissions", json::object{{"*", "rsd"}}}}).status, 200);
    EXPECT_EQ(delete_status(), 200) << "a role written through this process holds at once";

    // Written through another process: within session_cache_ms.
    TestServer second(setup_, dir());
    std::string error;
    ASSERT_TRUE(second.start(error)) << error;
    HttpResponse patched = second.http().request("PATCH", "/api/role/" + role, R"({"permissions": {"*": "rs"}})",
                                                 {{"Authorization", "Bearer " + kAdminToken},
                                                  {"Content-Type", "application/json"}});
    ASSERT_EQ(patched.status, 200) << describe(patched);
    second.stop();
    const auto took = time_until(403, delete_status);
    ASSERT_TRUE(took.has_value()) << "a role written through another process holds within session_cache_ms";
    EXPECT_LE(*took, kCacheLifetime + kRequestSlack);

    // Deleted through this process: no role, no session, at once.
    EXPECT_EQ(as(token, "GET", "/api/account").status, 200);
    ASSERT_EQ(as_admin("DELETE", "/api/role/" + role).status, 200);
    EXPECT_TRUE(HasError(as(token, "GET", "/api/account"), 401, "general", "unauthorized", "Authentication required"));
}

TEST_P(Auth, RedisSessionStoreIsSharedKeptAcrossRestartsAndNotInTheDatabase) {
    const char* redis = std::getenv("EVENTS_TEST_REDIS_URI");
    if (!redis || !*redis) GTEST_SKIP() << "EVENTS_TEST_REDIS_URI is not set (scripts/test-server.sh start redis)";
    start_auth(json::object{{"session_store", redis}, {"session_cache_ms", kCacheLifetime.count()}});
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("ray", "ray-secret1", role);
    const std::string token = session_of("ray", "ray-secret1");
    EXPECT_EQ(as(token, "GET", "/api/account").status, 200);

    TestServer second(setup_, dir());
    std::string error;
    ASSERT_TRUE(second.start(error)) << error;
    EXPECT_EQ(second.http().request("GET", "/api/account", "", bearer(token)).status, 200)
        << "a session of the first process works on the second through Redis";
    // A logout through the second process: there at once, here within session_cache_ms.
    const std::string ended = session_of("ray", "ray-secret1");
    EXPECT_EQ(as(ended, "GET", "/api/account").status, 200);
    EXPECT_EQ(second.http().request("POST", "/api/logout", "", bearer(ended)).status, 200);
    EXPECT_EQ(second.http().request("GET", "/api/account", "", bearer(ended)).status, 401);
    const auto took = time_until(401, [&] { return as(ended, "GET", "/api/account").status; });
    ASSERT_TRUE(took.has_value()) << "a logout through the second process ends the Redis session here";
    EXPECT_LE(*took, kCacheLifetime + kRequestSlack);
    second.stop();

    ServerSetup database_store = setup_;
    (*database_store.config).erase("session_store");
    TestServer third(database_store, dir());
    ASSERT_TRUE(third.start(error)) << error;
    EXPECT_EQ(third.http().request("GET", "/api/account", "", bearer(token)).status, 401)
        << "the session lives in Redis, not in the database";
    third.stop();

    restart_server();
    EXPECT_EQ(as(token, "GET", "/api/account").status, 200) << "a restart keeps Redis sessions";
    EXPECT_EQ(as(token, "POST", "/api/logout").status, 200);
    EXPECT_EQ(as(token, "GET", "/api/account").status, 401) << "logout removes the session from Redis";
}

TEST_P(Auth, AdminRoutesNeedTheTokenOrASuperuser) {
    start_auth();
    const std::string role = add_role("all", json::object{{"*", "cruds"}});
    add_login("ned", "ned-secret1", role);
    const std::string token = session_of("ned", "ned-secret1");
    for (const char* target : {"/api/db/report", "/metrics", "/api/db/init"}) {
        EXPECT_EQ(get(target).status, 401) << target;
        EXPECT_EQ(as(token, "GET", target).status, 403) << target << ": a role is no superuser";
        EXPECT_EQ(as_admin("GET", target).status, 200) << target;
    }
    EXPECT_EQ(get("/api/health").status, 200) << "health stays open";
    EXPECT_EQ(get("/api/metadata").status, 200) << "metadata stays open";
}

TEST_P(Auth, MetadataAndOpenApiDescribeTheServices) {
    start_auth();
    HttpResponse m = get("/api/metadata");
    ASSERT_EQ(m.status, 200);
    const json::value& services = m.json.at("entities").at("Auth").at("services");
    EXPECT_EQ(services.at("authn").at("route"), "login");
    EXPECT_EQ(m.json.at("entities").at("Auth").at("fields").at("password").at("secret"), json::value(true));
    HttpResponse o = get("/openapi.json");
    ASSERT_EQ(o.status, 200);
    const json::value& schemes = o.json.at("components").at("securitySchemes");
    EXPECT_TRUE(schemes.as_object().contains("sessionCookie"));
    EXPECT_TRUE(schemes.as_object().contains("sessionBearer"));
    EXPECT_TRUE(o.json.at("paths").at("/api/login").as_object().contains("post"));
    EXPECT_TRUE(o.json.at("paths").at("/api/account").at("get").at("responses").as_object().contains("403"));
    EXPECT_FALSE(o.json.at("components").at("schemas").at("Auth").at("properties").as_object().contains("password"));
    EXPECT_EQ(o.json.at("components").at("schemas").at("AuthInput").at("properties").at("password").at("writeOnly"),
              json::value(true));
}

TEST_P(Auth, LoginsTurnedOnForAnExistingDatabaseAndTheFirstLoginFromTheCommandLine) {
    create_account("Before the logins");   // the sample schema, no authn service: open
    stop_server();
    start_auth();
    HttpResponse r = as_admin("POST", "/api/account", account_body("After the logins"));
    EXPECT_EQ(r.status, 201) << "the existing tables stay writable: " << describe(r);
    EXPECT_EQ(list_ids(as_admin("GET", "/api/account")).size(), 2u);
    add_role("admin", json::object{{"*", "cruds"}});
    ASSERT_EQ(stop_server(), 0);

    // events user add: the password from stdin, the role by its name, no server running.
    const std::string cmd = "echo 'cli-secret-1' | " + std::string(EVENTS_BINARY) + " user add --config '" + dir() +
                            "/config.json' --schema '" + EVENTS_SOURCE_DIR +
                            "/schemas/events-auth.yaml' --entity Auth --login root --role admin 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const std::string bad = "echo 'cli-secret-1' | " + std::string(EVENTS_BINARY) + " user add --config '" + dir() +
                            "/config.json' --schema '" + EVENTS_SOURCE_DIR +
                            "/schemas/events-auth.yaml' --entity Auth --login other --role nobody 2>/dev/null";
    EXPECT_NE(std::system(bad.c_str()), 0) << "an unknown role is refused";
    restart_server();
    HttpResponse lr = login("root", "cli-secret-1");
    ASSERT_EQ(lr.status, 200) << describe(lr);
    EXPECT_EQ(data(lr).at("permissions").at("entity").at("Account"), "cruds");
}

TEST_P(Auth, EveryInterfaceWithoutLoginsIsWarnedAbout) {
    start_server_with(json::object{{"host", "0.0.0.0"}});
    EXPECT_NE(server().output().find("with no authn service in the schema"), std::string::npos) << server().output();
    start_auth(json::object{{"host", "0.0.0.0"}});
    EXPECT_EQ(server().output().find("with no authn service in the schema"), std::string::npos);
    EXPECT_NE(server().output().find("authentication  on"), std::string::npos) << server().output();
}

E2E_INSTANTIATE(Auth);

}  // namespace
}  // namespace events::e2e
