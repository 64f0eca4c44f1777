// Connection loss and outages on PostgreSQL: terminated backends are replaced
// transparently, an unreachable server gives StorageUnavailable (503) and a
// false ping, and the pool recovers by itself when the server is back.
#include "postgres_test_proxy.h"
#include "postgres_test_support.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

namespace events {
namespace {

using namespace pgtest;

constexpr const char* kSchema = R"(
_entities:
  Owner:
    fields:
      name: {type: String, required: true}
    unique:
    - [name]
)";

class PostgresConnection : public PgFixture {
protected:
    const Entity& owner() { return *schemas_.back()->find("Owner"); }

    // Terminates every session of the test database except the admin's own;
    // with `wait` each termination is complete when this returns.
    int64_t terminate_sessions(bool wait) {
        auto admin = connect_to("postgres");
        int64_t n = 0;
        admin->query(std::string("SELECT count(*) FROM (SELECT pg_terminate_backend(pid") + (wait ? ", 10000" : "") +
                         ") FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) t",
                     {SqlParam(database_)}, [&](const SqlRow& row) { n = row.get_int64(0); });
        return n;
    }

    ListQuery all() {
        ListQuery q;
        q.sort.push_back({owner().find_field("id"), false});
        q.limit = 1000;
        return q;
    }
};

TEST(PostgresSession, PreparesEachStatementOnceAndPassesValuesVerbatim) {
    EVENTS_SKIP_WITHOUT_PG();
    auto c = connect_to("postgres");
    const std::string tricky = "it's a \"quote\", a \\ backslash, $1, %_ and ünïcode " + std::string(100000, 'x');
    for (int i = 0; i < 3; ++i) {
        std::string echoed;
        c->query("SELECT $1::text", {SqlParam(tricky)}, [&](const SqlRow& row) { echoed = row.get_text(0); });
        EXPECT_EQ(echoed, tricky);
    }
    EXPECT_EQ(column_texts(*c, "SELECT count(*)::text FROM pg_prepared_statements WHERE statement = 'SELECT $1::text'"),
              std::vector<std::string>{"1"});
    // The session speaks UTC and ISO dates whatever the server's defaults are.
    EXPECT_EQ(column_texts(*c, "SELECT '2025-11-12T20:11:17.123Z'::timestamptz::text"),
              std::vector<std::string>{"2025-11-12 20:11:17.123+00"});
    // PostgreSQL text cannot hold NUL: refused, never silently cut short.
    try {
        c->execute("SELECT $1::text", {SqlParam(std::string("a\0b", 3))});
        FAIL() << "expected SqlError";
    } catch (const SqlError& e) {
        EXPECT_EQ(e.state, "22021");
    }
    EXPECT_TRUE(c->healthy());
}

// plan_once() switches the session's plan_cache_mode, and only a change costs a round trip.
TEST(PostgresSession, PlanOnceSwitchesPlanCacheModeOnlyWhenItChanges) {
    EVENTS_SKIP_WITHOUT_PG();
    auto c = connect_to("postgres");
    const std::vector<std::string> generic{"force_generic_plan"}, automatic{"auto"};
    EXPECT_EQ(column_texts(*c, "SHOW plan_cache_mode"), automatic) << "a new session plans per values";
    c->plan_once(false);
    uint64_t before = PgConnection::round_trips();
    c->plan_once(true);
    EXPECT_EQ(PgConnection::round_trips() - before, 1u);
    EXPECT_EQ(column_texts(*c, "SHOW plan_cache_mode"), generic);
    before = PgConnection::round_trips();
    c->plan_once(true);
    EXPECT_EQ(PgConnection::round_trips() - before, 0u) << "no change, no round trip";
    c->plan_once(false);
    EXPECT_EQ(column_texts(*c, "SHOW plan_cache_mode"), automatic);
}

TEST_F(PostgresConnection, TerminatedSessionsAreReplacedTransparently) {
    StorageDriver& d = open(kSchema);
    insert(d, owner(), doc(R"({"id":"o1","name":"one"})"));
    ASSERT_GE(terminate_sessions(true), 1);
    EXPECT_TRUE(d.get(owner(), "o1"));   // a dead idle connection is replaced
    insert(d, owner(), doc(R"({"id":"o2","name":"two"})"));
    ASSERT_GE(terminate_sessions(true), 1);
    insert(d, owner(), doc(R"({"id":"o3","name":"three"})"));   // so is the one a write picks
    EXPECT_TRUE(d.ping());
    EXPECT_EQ(d.list(owner(), all()).total, 3);
}

TEST_F(PostgresConnection, OperationsRightAfterTerminationSucceed) {
    // Without waiting, a session may still look alive when it is leased and die
    // under the first statement: the driver retries on a fresh connection.
    DriverOptions o = options();
    o.pool_size = 3;
    StorageDriver& d = open(kSchema, o);
    for (int round = 0; round < 6; ++round) {
        terminate_sessions(false);
        if (round % 2 == 0)
            EXPECT_NO_THROW(EXPECT_TRUE(d.get(owner(), "none") == std::nullopt)) << "round " << round;
        else
            EXPECT_NO_THROW(insert(d, owner(), doc(("{\"id\":\"r" + std::to_string(round) + "\",\"name\":\"n" +
                                                    std::to_string(round) + "\"}")
                                                       .c_str())))
                << "round " << round;
    }
    EXPECT_EQ(d.list(owner(), all()).total, 3);
}

TEST_F(PostgresConnection, LossInsideATransactionIsUnavailableAndRolledBack) {
    StorageDriver& d = open(kSchema);
    EXPECT_THROW(d.write({}, [&](WriteTxn& t) {
        t.insert(owner(), doc(R"({"id":"o1","name":"one"})"));
        terminate_sessions(true);
        t.insert(owner(), doc(R"({"id":"o2","name":"two"})"));
    }),
                 StorageUnavailable);
    EXPECT_FALSE(d.get(owner(), "o1"));   // never committed
    insert(d, owner(), doc(R"({"id":"o1","name":"one"})"));
    EXPECT_TRUE(d.get(owner(), "o1"));
}

TEST_F(PostgresConnection, UnreachableServerIsUnavailableUntilItReturns) {
    PgTarget target(server_uri(), "postgres");
    std::string host, port = "5432", user, password;
    for (const auto& [k, v] : target.params_for("postgres")) {
        if (k == "host") host = v;
        if (k == "port") port = v;
        if (k == "user") user = v;
        if (k == "password") password = v;
    }
    if (host.empty() || host.starts_with("/")) GTEST_SKIP() << "the outage test needs a TCP server address";
    TcpProxy proxy(host, port);
    proxy.start();
    const std::string uri = "postgresql://" + user + (password.empty() ? "" : ":" + password) + "@127.0.0.1:" +
                            std::to_string(proxy.port());
    DriverOptions o = options(uri);
    StorageDriver& d = open(kSchema, o);
    insert(d, owner(), doc(R"({"id":"o1","name":"one"})"));
    EXPECT_TRUE(d.ping());

    proxy.stop();   // the server goes away; every open connection is cut
    EXPECT_FALSE(d.ping());
    EXPECT_THROW(d.get(owner(), "o1"), StorageUnavailable);
    EXPECT_THROW(d.list(owner(), all()), StorageUnavailable);
    EXPECT_THROW(insert(d, owner(), doc(R"({"id":"o2","name":"two"})")), StorageUnavailable);
    EXPECT_THROW(d.entity_counts(), StorageUnavailable);
    StorageDriver& late = make(kSchema, o);
    EXPECT_THROW(late.open(), StorageUnavailable);

    proxy.start();   // back on the same address
    EXPECT_TRUE(d.ping());
    EXPECT_TRUE(d.get(owner(), "o1"));
    insert(d, owner(), doc(R"({"id":"o2","name":"two"})"));
    EXPECT_EQ(d.list(owner(), all()).total, 2);
    close_all();
    proxy.stop();
}

TEST_F(PostgresConnection, MoreWorkersThanConnectionsWaitTheirTurn) {
    DriverOptions o = options();
    o.pool_size = 2;
    StorageDriver& d = open(kSchema, o);
    constexpr int kThreads = 6, kPerThread = 15;
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const std::string id = fmt::format("w{}_{}", t, i);
                try {
                    insert(d, owner(), doc(("{\"id\":\"" + id + "\",\"name\":\"" + id + "\"}").c_str()));
                    if (!d.get(owner(), id)) ++failures;
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(d.list(owner(), all()).total, kThreads * kPerThread);
    auto c = db();
    // Never more sessions than the pool allows (plus this one). A session the client has
    // closed leaves pg_stat_activity only when its backend process has exited, which the
    // server does on its own time (under load, later than our query): wait for those to
    // go, so that what is counted is the sessions still open. Sessions the pool holds
    // never go, so a pool over its size still fails.
    const std::string sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()";
    int seen = std::stoi(column_texts(*c, sessions).at(0));
    for (int i = 0; i < 50 && seen > 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        seen = std::stoi(column_texts(*c, sessions).at(0));
    }
    EXPECT_LE(seen, 3);
    // The pool keeps what it opened: two sessions, both usable.
    EXPECT_GE(seen, 2);
}

}  // namespace
}  // namespace events
