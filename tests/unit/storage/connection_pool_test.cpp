// The shared pool of the server SQL backends (storage/sql/connection_pool.h), on a fake
// connection factory: lending and taking back, dead connections replaced, the waiting
// and the timeout when every connection is leased, and the dead-connection rule (closed
// outside the pool's lock, still counted until closed).
#include "storage/sql/connection_pool.h"

#include "storage/driver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace events {
namespace {

using namespace std::chrono_literals;

// What the fake server sees: sessions opened and closed, and the most open at once.
struct FakeServer {
    std::atomic<int> opened{0};
    std::atomic<int> closed{0};
    std::atomic<int> open_now{0};
    std::atomic<int> most_open{0};
    std::atomic<bool> refuse{false};   // connect() throws StorageUnavailable
    size_t room = SIZE_MAX;            // what fit_pool_size() allows
    // Runs inside the close of a connection (its destructor), before it is gone.
    std::function<void()> on_close;
};

class FakeConnection : public PooledConnection {
public:
    explicit FakeConnection(FakeServer& server) : server_(server) {
        ++server_.opened;
        const int now = ++server_.open_now;
        int most = server_.most_open.load();
        while (now > most && !server_.most_open.compare_exchange_weak(most, now)) {
        }
    }
    ~FakeConnection() override {
        if (server_.on_close) server_.on_close();
        --server_.open_now;
        ++server_.closed;
    }

    void exec(const std::string& sql) override {
        if (sql == "BEGIN") in_transaction_ = true;
    }
    int64_t execute(const std::string&, const std::vector<SqlParam>&) override { return 0; }
    void query(const std::string&, const std::vector<SqlParam>&, const SqlRowCallback&) override {}
    bool healthy() const override { return healthy_; }
    bool looks_alive() const override { return alive_ && healthy_ && !in_transaction_; }
    bool in_transaction() const override { return in_transaction_; }
    void roll_back_open_transaction() override {
        ++rollbacks;
        if (rollback_fails) throw SqlError("rollback failed", 0, "XX000");
        in_transaction_ = false;
    }

    bool alive_ = true;     // false: the server closed it while it sat idle
    bool healthy_ = true;   // false: a statement saw the connection die
    bool in_transaction_ = false;
    bool rollback_fails = false;
    int rollbacks = 0;

private:
    FakeServer& server_;
};

class FakeFactory : public ConnectionFactory {
public:
    explicit FakeFactory(FakeServer& server) : server_(server) {}
    std::string backend_name() const override { return "Fake"; }
    std::unique_ptr<PooledConnection> open_first() override { return connect(); }
    std::unique_ptr<PooledConnection> connect() override {
        if (server_.refuse) throw StorageUnavailable("fake server unreachable");
        return std::make_unique<FakeConnection>(server_);
    }
    size_t fit_pool_size(PooledConnection&, size_t configured) override { return std::min(configured, server_.room); }
    boost::json::object describe() const override { return {{"host", "fake"}}; }

private:
    FakeServer& server_;
};

FakeConnection& fake(ConnectionLease& lease) { return dynamic_cast<FakeConnection&>(*lease); }

class ConnectionPoolTest : public ::testing::Test {
protected:
    std::unique_ptr<ConnectionPool> make_pool(int size, std::chrono::milliseconds timeout = 10s) {
        auto pool = std::make_unique<ConnectionPool>(std::make_unique<FakeFactory>(server_), size, timeout);
        pool->open();
        return pool;
    }
    PoolStats stats(const ConnectionPool& pool) const { return pool.stats().value(); }

    FakeServer server_;
};

TEST_F(ConnectionPoolTest, LendsTheSameConnectionAgainOnceItComesBack) {
    auto pool = make_pool(2);
    EXPECT_EQ(server_.opened, 1);   // open() checks the database with one connection
    const SqlConnection* first = nullptr;
    {
        ConnectionLease lease = pool->lease_read();
        first = &*lease;
        EXPECT_EQ(stats(*pool).in_use, 1);
        EXPECT_EQ(stats(*pool).open, 1);
    }
    EXPECT_EQ(stats(*pool).in_use, 0);
    ConnectionLease again = pool->lease_write();
    EXPECT_EQ(&*again, first);
    EXPECT_EQ(server_.opened, 1);
}

TEST_F(ConnectionPoolTest, OpensNewConnectionsUpToTheSize) {
    auto pool = make_pool(3);
    std::vector<ConnectionLease> leases;
    for (int i = 0; i < 3; ++i) leases.push_back(pool->lease_read());
    EXPECT_EQ(server_.opened, 3);
    EXPECT_EQ(stats(*pool).in_use, 3);
    EXPECT_EQ(stats(*pool).open, 3);
    leases.clear();
    EXPECT_EQ(stats(*pool).in_use, 0);
    EXPECT_EQ(stats(*pool).open, 3);   // kept idle for the next requests
    EXPECT_EQ(pool->db_info().at("pool_size").as_int64(), 3);
    EXPECT_EQ(pool->db_info().at("host").as_string(), "fake");
}

TEST_F(ConnectionPoolTest, ReplacesAConnectionFoundDeadOnTheShelf) {
    auto pool = make_pool(2);
    const SqlConnection* dead = nullptr;
    {
        ConnectionLease lease = pool->lease_read();
        dead = &*lease;
    }
    // The server closes the idle session (a restart): the next lease must not get it.
    {
        ConnectionLease peek = pool->lease_read();
        ASSERT_EQ(&*peek, dead);
        fake(peek).alive_ = false;   // returned healthy, found dead on the shelf next time
    }
    ConnectionLease fresh = pool->lease_read();
    EXPECT_EQ(server_.closed, 1);
    EXPECT_EQ(server_.opened, 2);
    EXPECT_TRUE(fake(fresh).looks_alive());
    EXPECT_EQ(stats(*pool).open, 1);
    EXPECT_EQ(stats(*pool).in_use, 1);
}

TEST_F(ConnectionPoolTest, ABrokenConnectionTakesTheIdleOnesWithIt) {
    auto pool = make_pool(3);
    {
        std::vector<ConnectionLease> leases;
        for (int i = 0; i < 3; ++i) leases.push_back(pool->lease_read());
        fake(leases[0]).healthy_ = false;
        leases.pop_back();   // two idle ones on the shelf ...
        leases.pop_back();
        EXPECT_EQ(stats(*pool).open, 3);
    }   // ... then the broken one comes back: sessions tend to die together
    EXPECT_EQ(server_.closed, 3);
    EXPECT_EQ(stats(*pool).open, 0);
    EXPECT_EQ(stats(*pool).in_use, 0);
    ConnectionLease fresh = pool->lease_read();   // recovers by opening a new one
    EXPECT_EQ(server_.opened, 4);
}

TEST_F(ConnectionPoolTest, RollsBackATransactionLeftOpenAndKeepsTheConnection) {
    auto pool = make_pool(1);
    const SqlConnection* conn = nullptr;
    {
        ConnectionLease lease = pool->lease_write();
        conn = &*lease;
        lease->exec("BEGIN");   // the work failed before COMMIT
    }
    ConnectionLease again = pool->lease_write();
    EXPECT_EQ(&*again, conn);
    EXPECT_EQ(fake(again).rollbacks, 1);
    EXPECT_FALSE(fake(again).in_transaction());
    EXPECT_EQ(server_.opened, 1);
}

TEST_F(ConnectionPoolTest, DropsAConnectionWhoseTransactionCannotBeEnded) {
    auto pool = make_pool(1);
    {
        ConnectionLease lease = pool->lease_write();
        lease->exec("BEGIN");
        fake(lease).rollback_fails = true;
    }
    EXPECT_EQ(server_.closed, 1);
    EXPECT_EQ(stats(*pool).open, 0);
    ConnectionLease fresh = pool->lease_write();
    EXPECT_FALSE(fake(fresh).in_transaction());
}

TEST_F(ConnectionPoolTest, AnExhaustedPoolMakesTheCallerWaitForAReturn) {
    auto pool = make_pool(1);
    auto held = std::make_unique<ConnectionLease>(pool->lease_read());
    const SqlConnection* conn = &**held;
    std::atomic<bool> got{false};
    std::thread waiter([&] {
        ConnectionLease lease = pool->lease_read();
        EXPECT_EQ(&*lease, conn);
        got = true;
    });
    std::this_thread::sleep_for(200ms);
    EXPECT_FALSE(got);   // it cannot have a connection: the only one is held here
    held.reset();
    waiter.join();
    EXPECT_TRUE(got);
    EXPECT_EQ(server_.opened, 1);
}

TEST_F(ConnectionPoolTest, AnExhaustedPoolAnswersUnavailableAfterTheLeaseTimeout) {
    auto pool = make_pool(1, /*timeout=*/300ms);
    ConnectionLease held = pool->lease_read();
    const auto start = std::chrono::steady_clock::now();
    try {
        (void)pool->lease_read();
        FAIL() << "a lease beyond the pool size succeeded";
    } catch (const StorageUnavailable& err) {
        EXPECT_NE(std::string(err.what()).find("all 1 Fake connections are busy"), std::string::npos) << err.what();
    }
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST_F(ConnectionPoolTest, AFailedConnectGivesItsPlaceBack) {
    auto pool = make_pool(1, /*timeout=*/300ms);
    { ConnectionLease lease = pool->lease_read(); fake(lease).healthy_ = false; }   // the shelf is empty
    server_.refuse = true;
    EXPECT_THROW((void)pool->lease_read(), StorageUnavailable);
    EXPECT_EQ(stats(*pool).open, 0);
    server_.refuse = false;
    ConnectionLease lease = pool->lease_read();   // would wait and time out, had the place leaked
    EXPECT_EQ(stats(*pool).open, 1);
}

TEST_F(ConnectionPoolTest, AClosedPoolLendsNothingAndClosesWhatComesBack) {
    auto pool = make_pool(2);
    ConnectionLease out = pool->lease_read();
    ConnectionLease idle = pool->lease_read();
    idle.reset();
    pool->close();
    EXPECT_EQ(server_.closed, 1);   // the idle one
    EXPECT_THROW((void)pool->lease_read(), StorageUnavailable);
    out.reset();
    EXPECT_EQ(server_.closed, 2);
    EXPECT_EQ(stats(*pool).open, 0);
}

TEST_F(ConnectionPoolTest, TheSizeIsFittedToWhatTheServerAccepts) {
    server_.room = 1;
    auto pool = make_pool(4, /*timeout=*/200ms);
    EXPECT_EQ(pool->db_info().at("pool_size").as_int64(), 1);
    ConnectionLease held = pool->lease_read();
    EXPECT_THROW((void)pool->lease_read(), StorageUnavailable);
}

// The dead-connection rule: a slow close holds no lock (a scrape or a lease of another
// thread goes on meanwhile), and the connection being closed still counts as open.
TEST_F(ConnectionPoolTest, ADeadConnectionIsClosedOutsideTheLockAndCountedUntilClosed) {
    auto pool = make_pool(2);
    std::optional<PoolStats> seen;
    bool other_thread_went_on = false;
    std::once_flag first_close;
    std::promise<std::optional<PoolStats>> scraped;
    std::thread scraper;
    server_.on_close = [&] {
        std::call_once(first_close, [&] {
            // Another thread: were the pool's mutex held here, it could not go on.
            auto result = scraped.get_future();
            scraper = std::thread([&] { scraped.set_value(pool->stats()); });
            other_thread_went_on = result.wait_for(10s) == std::future_status::ready;
            if (other_thread_went_on) seen = result.get();
        });
    };
    {
        ConnectionLease a = pool->lease_read();
        ConnectionLease b = pool->lease_read();
        fake(a).healthy_ = false;
        b.reset();   // idle on the shelf
    }   // a comes back broken: a and the idle b are closed
    server_.on_close = nullptr;
    if (scraper.joinable()) scraper.join();
    ASSERT_TRUE(other_thread_went_on);
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->open, 2);     // both still open on the server while the first closes
    EXPECT_EQ(seen->in_use, 0);   // neither is lent to anyone
    EXPECT_EQ(stats(*pool).open, 0);
    EXPECT_EQ(server_.closed, 2);
}

// Under concurrent leases with connections dying at random, the server never sees
// more sessions than the pool size, and every lease comes back.
TEST_F(ConnectionPoolTest, NeverMoreSessionsThanThePoolSize) {
    auto pool = make_pool(3);
    server_.on_close = [] { std::this_thread::sleep_for(1ms); };   // a close takes time
    std::vector<std::thread> workers;
    for (int t = 0; t < 6; ++t)
        workers.emplace_back([&pool, t] {
            for (int i = 0; i < 100; ++i) {
                ConnectionLease lease = pool->lease_write();
                if ((i + t) % 7 == 0) fake(lease).healthy_ = false;
                if ((i + t) % 5 == 0) fake(lease).alive_ = false;
                const PoolStats s = pool->stats().value();
                EXPECT_GE(s.in_use, 1);
                EXPECT_LE(s.open, 3);
                EXPECT_GE(s.open, s.in_use);
            }
        });
    for (auto& w : workers) w.join();
    server_.on_close = nullptr;
    EXPECT_LE(server_.most_open, 3);
    EXPECT_GT(server_.closed, 0);
    EXPECT_EQ(stats(*pool).in_use, 0);
    EXPECT_EQ(stats(*pool).open, server_.open_now);
}

}  // namespace
}  // namespace events
