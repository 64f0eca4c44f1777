// The Elasticsearch driver's pieces that need no server (URI parsing, query building), and
// the ones a client cannot reach through the API, on a real node (EVENTS_TEST_ES_URI,
// scripts/test-server.sh start opensearch; skipped when unset): start-up repair of unique
// claims after a crash, duplicates found at start-up, and no_consistency writes.
#include "core/schema.h"
#include "storage/driver.h"
#include "storage/elasticsearch/es_client.h"
#include "storage/elasticsearch/es_driver.h"
#include "storage/elasticsearch/es_mapping.h"
#include "storage/elasticsearch/es_query.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <thread>

namespace events {
namespace {

namespace json = boost::json;

TEST(EsEndpoint, ParsesSchemesCredentialsPortsAndPrefixes) {
    EsEndpoint plain = EsEndpoint::parse("http://127.0.0.1:9201");
    EXPECT_FALSE(plain.tls);
    EXPECT_EQ(plain.host, "127.0.0.1");
    EXPECT_EQ(plain.port, "9201");
    EXPECT_EQ(plain.authorization, "");

    EsEndpoint secure = EsEndpoint::parse("https://elastic:p%40ss:w@search.example.com/proxy/");
    EXPECT_TRUE(secure.tls);
    EXPECT_EQ(secure.host, "search.example.com");
    EXPECT_EQ(secure.port, "443");
    EXPECT_EQ(secure.path_prefix, "/proxy");
    EXPECT_EQ(secure.authorization, "Basic ZWxhc3RpYzpwQHNzOnc=");   // base64("elastic:p@ss:w")

    EXPECT_EQ(EsEndpoint::parse("http://localhost").port, "9200");
    EXPECT_EQ(EsEndpoint::parse("http://[::1]:9300").host, "::1");
    EXPECT_THROW(EsEndpoint::parse("localhost:9200"), std::invalid_argument);
    EXPECT_THROW(EsEndpoint::parse("http://:9200"), std::invalid_argument);
}

TEST(EsQuery, UserTextIsNeverAPattern) {
    EXPECT_EQ(es_escape_wildcard(R"(a*b?c\d)"), R"(a\*b\?c\\d)");
    const Schema schema = Schema::load_bundled();
    const Entity& user = *schema.find("User");
    const Field* last = user.find_field("lastName");
    ListQuery q;
    q.filters.push_back({last, FilterOp::Contains, json::string("SM*TH?")});
    EXPECT_EQ(to_json_text(es_query(q.filters, false)),
              R"({"bool":{"filter":[{"wildcard":{"@cmp.lastName":{"value":"*sm\\*th\\?*"}}}]}})");
    // Equality on text compares the comparison form; on other types the typed value.
    q.filters = {{last, FilterOp::Eq, json::string("Smith")}, {user.find_field("netWorth"), FilterOp::Gte, 1000.5}};
    EXPECT_EQ(to_json_text(es_query(q.filters, false)),
              R"({"bool":{"filter":[{"term":{"@cmp.lastName":{"value":"smith"}}},{"range":{"netWorth":{"gte":1000.5}}}]}})");
    // Null: "is null" / "is not null"; ne never matches a null.
    q.filters = {{last, FilterOp::Eq, nullptr}};
    EXPECT_EQ(to_json_text(es_query(q.filters, false)), R"({"bool":{"must_not":[{"exists":{"field":"@cmp.lastName"}}]}})");
}

TEST(EsQuery, SortsPutNullsLastAndEndWithId) {
    const Schema schema = Schema::load_bundled();
    const Entity& user = *schema.find("User");
    ListQuery q;
    q.sort = {{user.find_field("lastName"), true}};
    EXPECT_EQ(to_json_text(es_sort(q)),
              R"([{"@cmp.lastName":{"order":"desc","missing":"_last"}},{"id":{"order":"asc"}}])");
}

TEST(EsMapping, StrictWithComparisonFormsAndUnindexedJson) {
    const Schema schema = Schema::load_bundled();
    const Entity& user = *schema.find("User");
    const json::object m = es_entity_mapping(user);
    EXPECT_EQ(m.at("dynamic"), "strict");
    const json::object& props = m.at("properties").as_object();
    EXPECT_EQ(props.at("netWorth").at("type"), "double");
    EXPECT_EQ(props.at("@cmp").at("properties").at("lastName").at("type"), "keyword");
    EXPECT_EQ(es_index_name("Events", user), "events_user");

    const json::object doc{{"id", "u1"}, {"lastName", "STRASSE"}, {"netWorth", 1500.0}, {"firstName", nullptr}};
    const json::object src = es_to_source(user, doc, false);
    EXPECT_EQ(src.at("@cmp").at("lastName"), "strasse");
    EXPECT_FALSE(src.contains("firstName"));   // null = absent
    // Back: response form, Number as a double even when the JSON text was "1500".
    const json::object back = es_from_source(user, json::parse(R"({"id":"u1","lastName":"STRASSE","netWorth":1500})").as_object());
    EXPECT_TRUE(back.at("netWorth").is_double());
    EXPECT_TRUE(back.at("firstName").is_null());
    EXPECT_EQ(back.begin()->key(), "id");
}

// https:// checks the server's certificate: a self-signed one (a TLS server of Python's
// standard library on loopback) is refused, never talked to.
TEST(EsClientTls, SelfSignedCertificateIsRefused) {
    if (std::system("command -v openssl >/dev/null && command -v python3 >/dev/null") != 0)
        GTEST_SKIP() << "openssl or python3 not installed";
    const std::string dir = "/tmp/events-es-tls-" + std::to_string(::getpid());
    const std::string make = "mkdir -p " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                             "-keyout " + dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
    ASSERT_EQ(std::system(make.c_str()), 0);
    const int port = 20000 + static_cast<int>(::getpid() % 20000);
    const std::string server =
        "cd " + dir + " && python3 -c \"import http.server, ssl; "
        "s = http.server.HTTPServer(('127.0.0.1', " + std::to_string(port) + "), http.server.SimpleHTTPRequestHandler); "
        "c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain('cert.pem', 'key.pem'); "
        "s.socket = c.wrap_socket(s.socket, server_side=True); s.handle_request(); s.handle_request()\" "
        ">/dev/null 2>&1 & echo $! > " + dir + "/pid";
    ASSERT_EQ(std::system(server.c_str()), 0);
    std::string error;
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        EsClient client(EsEndpoint::parse("https://127.0.0.1:" + std::to_string(port)), 1, 5);
        try {
            client.request("GET", "/");
            error = "answered";
            break;
        } catch (const StorageUnavailable& e) {
            error = e.what();
            if (error.find("connect") == std::string::npos || error.find("TLS") != std::string::npos) break;
        }
    }
    std::system(("kill $(cat " + dir + "/pid) 2>/dev/null; rm -rf " + dir).c_str());
    EXPECT_NE(error.find("TLS handshake"), std::string::npos) << error;
    EXPECT_NE(error.find("certificate"), std::string::npos) << error;
}

// ---- on a real node ----------------------------------------------------------------------

class EsDriverTest : public ::testing::Test {
protected:
    void SetUp() override {
        const char* uri = std::getenv("EVENTS_TEST_ES_URI");
        if (!uri || !*uri) GTEST_SKIP() << "EVENTS_TEST_ES_URI is not set (scripts/test-server.sh start opensearch)";
        static std::atomic<int> counter{0};
        options_.uri = uri;
        options_.db_name = "unit_" + std::to_string(::getpid()) + "_" + std::to_string(std::time(nullptr)) + "_" +
                           std::to_string(counter++);
        options_.pool_size = 2;
        client_ = std::make_unique<EsClient>(EsEndpoint::parse(uri), 2);
    }
    void TearDown() override {
        if (client_) client_->request("DELETE", "/" + options_.db_name + "_*");
    }

    std::unique_ptr<StorageDriver> open() {
        auto d = make_driver("elasticsearch", schema_, options_);
        d->open();
        return d;
    }
    const Entity& user() { return *schema_.find("User"); }
    static Document user_doc(const std::string& id, const std::string& username, const std::string& email) {
        return Document{{"id", id}, {"username", username}, {"email", email}};
    }
    EsResponse raw(std::string_view method, const std::string& target, const std::string& body = {}) {
        return client_->request(method, target, body);
    }
    std::string claims() { return options_.db_name + "__uniques"; }

    Schema schema_ = Schema::load_bundled();
    DriverOptions options_;
    std::unique_ptr<EsClient> client_;
};

// A second driver on the same database with a schema of its own (the login sessions', the
// cascades' intent records') leaves the served schema's claims alone at its start.
TEST_F(EsDriverTest, ASecondDriversStartUpKeepsTheOtherSchemasClaims) {
    auto d = open();
    d->write({}, [&](WriteTxn& t) { t.insert(user(), user_doc("u1", "alice", "alice@example.com")); });
    const Schema other = Schema::load_text("_entities:\n  EventsCascadeIntent:\n    fields:\n      owner: {type: String}\n");
    auto second = make_driver("elasticsearch", other, options_);
    second->open();
    try {
        d->write({}, [&](WriteTxn& t) { t.insert(user(), user_doc("u2", "ALICE", "other@example.com")); });
        ADD_FAILURE() << "expected a unique violation";
    } catch (const UniqueViolation& u) {
        EXPECT_EQ(u.fields, std::vector<std::string>{"username"});
    }
    second->close();
}

TEST_F(EsDriverTest, StartUpRepairsClaimsLeftByACrash) {
    {
        auto d = open();
        d->write({}, [&](WriteTxn& t) { t.insert(user(), user_doc("u1", "alice", "alice@example.com")); });
    }
    // A crash between a claim and its document: a claim whose owner does not exist.
    const std::string ghost = "/" + claims() + "/_doc/" + "ghostclaim?refresh=true";
    ASSERT_EQ(raw("PUT", ghost,
                  R"({"cid":"User\u001fusername\u001fbob","entity":"User","constraint":"username","owner":"nobody","key":"bob"})")
                  .status,
              201);
    // And a lost claim: alice's email is no longer claimed.
    // (One by one: _delete_by_query lives in a module the test node does not load.)
    EsResponse r = raw("POST", "/" + claims() + "/_search", R"({"query":{"term":{"constraint":"email"}}})");
    ASSERT_EQ(r.status, 200) << r.body;
    const json::array hits = json::parse(r.body).at("hits").at("hits").as_array();
    ASSERT_EQ(hits.size(), 1u);
    const std::string cid(hits[0].at("_id").as_string());
    std::string encoded;
    for (unsigned char c : cid) encoded += std::isalnum(c) ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
    ASSERT_EQ(raw("DELETE", "/" + claims() + "/_doc/" + encoded + "?refresh=true").status, 200);

    auto d = open();   // reconciles
    // The stale claim is gone ...
    EXPECT_EQ(raw("GET", "/" + claims() + "/_doc/ghostclaim").status, 404);
    // ... and the lost one is back: a second alice@example.com is refused.
    try {
        d->write({}, [&](WriteTxn& t) { t.insert(user(), user_doc("u2", "other", "ALICE@example.com")); });
        ADD_FAILURE() << "expected a unique violation";
    } catch (const UniqueViolation& u) {
        EXPECT_EQ(u.fields, std::vector<std::string>{"email"});
    }
    // A failed insert leaves no claim behind: "other" is free.
    d->write({}, [&](WriteTxn& t) { t.insert(user(), user_doc("u3", "other", "other@example.com")); });
    EXPECT_EQ(d->entity_counts().at("User"), 2);
}

// A claim left by a write an outage or crash cut (its owner never got the value) is
// released by a write that meets it once it stayed so for the grace period, without a
// restart (docs/DECISIONS.md §4.4); a claim whose owner holds the value never is.
TEST_F(EsDriverTest, AnOrphanedClaimIsReleasedOnlineAfterTheGrace) {
    auto d = open();
    static_cast<EsDriver&>(*d).set_orphan_claim_grace(std::chrono::milliseconds(300));
    d->write({}, [&](WriteTxn& t) { t.insert(user(), user_doc("u1", "alice", "alice@example.com")); });
    // The claim of username "bob" by a document "cut" that was never written.
    ASSERT_EQ(raw("PUT", "/" + claims() + "/_doc/User%1Fusername%1Fbob?refresh=true",
                  R"({"cid":"User\u001fusername\u001fbob","entity":"User","constraint":"username","owner":"cut","key":"bob"})")
                  .status,
              201);
    auto insert = [&](const std::string& id, const std::string& username, const std::string& email) {
        try {
            d->write({}, [&](WriteTxn& t) { t.insert(user(), user_doc(id, username, email)); });
            return true;
        } catch (const UniqueViolation&) {
            return false;
        }
    };
    EXPECT_FALSE(insert("u2", "bob", "bob@example.com")) << "first seen: it may be a write in flight";
    EXPECT_FALSE(insert("u3", "alice", "alice2@example.com"));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_TRUE(insert("u2", "bob", "bob@example.com")) << "still orphaned after the grace: released";
    EXPECT_FALSE(insert("u3", "alice", "alice2@example.com")) << "alice holds her value: a real duplicate";
    EXPECT_EQ(d->entity_counts().at("User"), 2);
}

TEST_F(EsDriverTest, DuplicatesWrittenBehindItsBackStopTheStart) {
    { open(); }
    const std::string idx = "/" + options_.db_name + "_user/_doc/";
    ASSERT_EQ(raw("PUT", idx + "d1?refresh=true", R"({"id":"d1","username":"Twin","email":"a@x.org"})").status, 201);
    ASSERT_EQ(raw("PUT", idx + "d2?refresh=true", R"({"id":"d2","username":"TWIN","email":"b@x.org"})").status, 201);
    try {
        open();
        FAIL() << "expected ReconcileError";
    } catch (const ReconcileError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("d1"), std::string::npos) << m;
        EXPECT_NE(m.find("d2"), std::string::npos) << m;
        EXPECT_NE(m.find("twin"), std::string::npos) << m;
    }
}

// A unique value is claimed before its document is written, moved on update and released
// on delete (case-insensitively, through the comparison form).
TEST_F(EsDriverTest, ClaimsMoveOnUpdateAndGoOnDelete) {
    auto d = open();
    const Entity& u = user();
    auto insert = [&](const std::string& id, const std::string& name) {
        d->write({}, [&](WriteTxn& t) { t.insert(u, user_doc(id, name, id + "@x.org")); });
    };
    auto refused = [&](const std::string& id, const std::string& name) {
        try {
            insert(id, name);
        } catch (const UniqueViolation& v) {
            return v.fields == std::vector<std::string>{"username"};
        }
        return false;
    };
    insert("u1", "Alice");
    EXPECT_TRUE(refused("u2", "ALICE"));
    d->write({}, [&](WriteTxn& t) { ASSERT_TRUE(t.update(u, user_doc("u1", "Alicia", "u1@x.org"))); });
    insert("u2", "alice");                 // the old value is free again
    EXPECT_TRUE(refused("u3", "alicia"));  // the new one is taken
    d->write({}, [&](WriteTxn& t) { ASSERT_TRUE(t.remove(u, "u1")); });
    insert("u3", "alicia");                // released by the delete
    EXPECT_EQ(d->entity_counts().at("User"), 2);
}

// A PATCH reads, merges and writes back; another write landing in between must not be
// lost (if_seq_no): the PATCH's own changes are applied onto the newer version.
TEST_F(EsDriverTest, PatchBasedOnAnOlderVersionKeepsTheOtherWrite) {
    auto d = open();
    const Entity& u = user();
    d->write({}, [&](WriteTxn& t) {
        t.insert(u, Document{{"id", "p1"}, {"username", "pat"}, {"email", "pat@x.org"}, {"firstName", "Pat"},
                             {"city", "Oslo"}});
    });
    d->write({}, [&](WriteTxn& t) {
        Document merged = *t.get(u, "p1");   // what the PATCH read inside its write ...
        Document changed = *d->get(u, "p1");   // ... another request changes city meanwhile ...
        changed["city"] = "Bergen";
        d->write({}, [&](WriteTxn& other) { ASSERT_TRUE(other.update(u, changed)); });
        merged["firstName"] = "Patricia";      // ... and the PATCH writes its firstName
        ASSERT_TRUE(t.update(u, merged));
    });
    const Document now = *d->get(u, "p1");
    EXPECT_EQ(now.at("firstName"), "Patricia");
    EXPECT_EQ(now.at("city"), "Bergen");
    // A full replacement based on nothing read in its write replaces everything.
    d->write({}, [&](WriteTxn& t) {
        ASSERT_TRUE(t.update(u, Document{{"id", "p1"}, {"username", "pat"}, {"email", "pat@x.org"}}));
    });
    EXPECT_TRUE(d->get(u, "p1")->at("city").is_null());
}

TEST_F(EsDriverTest, NoConsistencyWritesDoNotWaitForRefresh) {
    auto d = open();
    // Refreshes every 30 s from now on: a write that waits for one would take that long.
    ASSERT_EQ(raw("PUT", "/" + options_.db_name + "_account/_settings", R"({"index":{"refresh_interval":"30s"}})").status,
              200);
    const Entity& account = *schema_.find("Account");
    const auto started = std::chrono::steady_clock::now();
    d->write(WriteOptions{.no_consistency = true},
             [&](WriteTxn& t) { t.insert(account, Document{{"id", "a1"}, {"name", "Quick Account"}}); });
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    EXPECT_TRUE(d->get(account, "a1"));                       // reads by id are real-time
    EXPECT_EQ(d->list(account, ListQuery{}).total, 0);        // lists see it at the next refresh
    ASSERT_EQ(raw("POST", "/" + options_.db_name + "_account/_refresh").status, 200);
    EXPECT_EQ(d->list(account, ListQuery{}).total, 1);
}

}  // namespace
}  // namespace events
