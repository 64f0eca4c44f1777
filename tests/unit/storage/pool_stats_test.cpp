// The connection counts behind the /metrics pool gauges (storage/pool_stats.h,
// docs/OPERATIONS.md): exact while leases are held, back to zero in use once they are returned.
#include "storage/pool_stats.h"
#include "storage/postgres/pg_connection_factory.h"
#include "storage/sql/connection_pool.h"
#include "storage/sqlite/sqlite_pool.h"

#include "postgres_test_support.h"
#include "sqlite_test_support.h"

#include <thread>
#include <vector>

namespace events {
namespace {

using testing_sqlite::TempDir;

TEST(SqlitePoolStats, CountsLeasedReadersAndTheWriter) {
    TempDir dir;
    SqlitePool pool(dir.file("stats.db"), /*pool_size=*/2);
    pool.open();
    ASSERT_TRUE(pool.stats().has_value());
    EXPECT_EQ(pool.stats()->in_use, 0);
    EXPECT_EQ(pool.stats()->open, 1);   // the write connection

    {
        std::vector<ConnectionLease> readers;
        for (int i = 0; i < 4; ++i) readers.push_back(pool.lease_read());
        EXPECT_EQ(pool.stats()->in_use, 4);
        EXPECT_EQ(pool.stats()->open, 5);
        {
            ConnectionLease writer = pool.lease_write();
            EXPECT_EQ(pool.stats()->in_use, 5);
            EXPECT_EQ(pool.stats()->open, 5);
        }
        EXPECT_EQ(pool.stats()->in_use, 4);
    }
    // Two idle readers are kept (pool_size), the other two closed.
    EXPECT_EQ(pool.stats()->in_use, 0);
    EXPECT_EQ(pool.stats()->open, 3);

    pool.close();
    EXPECT_EQ(pool.stats()->in_use, 0);
    EXPECT_EQ(pool.stats()->open, 0);
}

TEST(SqlitePoolStats, ConcurrentLeasesAllComeBack) {
    TempDir dir;
    SqlitePool pool(dir.file("stats.db"), /*pool_size=*/4);
    pool.open();
    std::vector<std::thread> workers;
    for (int t = 0; t < 8; ++t)
        workers.emplace_back([&pool, t] {
            for (int i = 0; i < 200; ++i) {
                ConnectionLease lease = (t % 4 == 0) ? pool.lease_write() : pool.lease_read();
                lease->exec("SELECT 1");
                const PoolStats s = *pool.stats();
                EXPECT_GE(s.in_use, 1);
                EXPECT_GE(s.open, s.in_use);
            }
        });
    for (auto& w : workers) w.join();
    EXPECT_EQ(pool.stats()->in_use, 0);
    EXPECT_LE(pool.stats()->open, 5);   // 4 idle readers + the writer
}

TEST(SqlitePoolStats, TheDriverReportsItsPool) {
    TempDir dir;
    const Schema schema = Schema::load_bundled();
    auto driver = testing_sqlite::open_sqlite(schema, dir.file("driver.db"));
    const auto stats = driver->pool_stats();
    ASSERT_TRUE(stats.has_value());
    EXPECT_EQ(stats->in_use, 0);
    EXPECT_GE(stats->open, 1);
}

class PgPoolStats : public ::testing::Test {
protected:
    void SetUp() override { EVENTS_SKIP_WITHOUT_PG(); }
    void TearDown() override {
        if (!pgtest::server_uri().empty()) pgtest::drop_database(database_);
    }
    const std::string database_ = pgtest::fresh_database_name();
};

TEST_F(PgPoolStats, CountsLeasesUpToThePoolSize) {
    {
        ConnectionPool pool(std::make_unique<PgConnectionFactory>(PgTarget(pgtest::server_uri(), database_)),
                            /*pool_size=*/3);
        pool.open();
        EXPECT_EQ(pool.stats()->in_use, 0);
        EXPECT_EQ(pool.stats()->open, 1);   // open() checks the database with one connection
        {
            std::vector<ConnectionLease> leases;
            for (int i = 0; i < 3; ++i) leases.push_back(pool.lease_read());
            EXPECT_EQ(pool.stats()->in_use, 3);
            EXPECT_EQ(pool.stats()->open, 3);
            leases.pop_back();
            EXPECT_EQ(pool.stats()->in_use, 2);
            EXPECT_EQ(pool.stats()->open, 3);
        }
        EXPECT_EQ(pool.stats()->in_use, 0);
        EXPECT_EQ(pool.stats()->open, 3);   // kept idle for the next requests
        pool.close();
        EXPECT_EQ(pool.stats()->open, 0);
    }
}

TEST_F(PgPoolStats, ConcurrentLeasesAllComeBack) {
    ConnectionPool pool(std::make_unique<PgConnectionFactory>(PgTarget(pgtest::server_uri(), database_)),
                        /*pool_size=*/4);
    pool.open();
    std::vector<std::thread> workers;
    for (int t = 0; t < 8; ++t)
        workers.emplace_back([&pool] {
            for (int i = 0; i < 50; ++i) {
                ConnectionLease lease = pool.lease_write();
                lease->exec("SELECT 1");
                const PoolStats s = *pool.stats();
                EXPECT_GE(s.in_use, 1);
                EXPECT_LE(s.open, 4);
                EXPECT_GE(s.open, s.in_use);
            }
        });
    for (auto& w : workers) w.join();
    EXPECT_EQ(pool.stats()->in_use, 0);
    EXPECT_LE(pool.stats()->open, 4);
    pool.close();
}

}  // namespace
}  // namespace events
