// The cache gating keeps sessions and roles in (service/expiring_cache.h): entries end at
// their time, the least recently used goes first when full, and an erase voids the insert of
// a read that began before it, also when threads race.
#include "service/expiring_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace events {
namespace {

TEST(ExpiringCache, AnEntryLivesItsLifetimeOrUntilItsOwnEnd) {
    ExpiringCache<int> c(10, 1000);
    c.insert("a", 1, /*now*/ 5000, /*not_after*/ INT64_MAX, c.epoch());
    EXPECT_EQ(c.find("a", 5000), 1);
    EXPECT_EQ(c.find("a", 5999), 1);
    EXPECT_EQ(c.find("a", 6000), std::nullopt) << "lifetime 1000 ms from the insert";
    EXPECT_EQ(c.size(), 0u) << "the expired entry is dropped";

    c.insert("b", 2, 5000, /*not_after: the session ends*/ 5300, c.epoch());
    EXPECT_EQ(c.find("b", 5299), 2);
    EXPECT_EQ(c.find("b", 5300), std::nullopt) << "never past what the value itself allows";
    c.insert("c", 3, 5000, 5000, c.epoch());
    EXPECT_EQ(c.find("c", 5000), std::nullopt) << "a value already over is not kept";
}

TEST(ExpiringCache, ReinsertingRenewsAndReplaces) {
    ExpiringCache<int> c(10, 1000);
    c.insert("a", 1, 0, INT64_MAX, c.epoch());
    c.insert("a", 2, 800, INT64_MAX, c.epoch());
    EXPECT_EQ(c.find("a", 1500), 2);
    EXPECT_EQ(c.size(), 1u);
}

TEST(ExpiringCache, WhenFullTheLeastRecentlyUsedGoes) {
    ExpiringCache<int> c(3, 1000);
    c.insert("a", 1, 0, INT64_MAX, c.epoch());
    c.insert("b", 2, 0, INT64_MAX, c.epoch());
    c.insert("c", 3, 0, INT64_MAX, c.epoch());
    EXPECT_EQ(c.find("a", 1), 1);   // a is now the most recently used; b the least
    c.insert("d", 4, 1, INT64_MAX, c.epoch());
    EXPECT_EQ(c.size(), 3u);
    EXPECT_EQ(c.find("b", 2), std::nullopt);
    EXPECT_EQ(c.find("a", 2), 1);
    EXPECT_EQ(c.find("c", 2), 3);
    EXPECT_EQ(c.find("d", 2), 4);
}

TEST(ExpiringCache, EraseAndClearForgetAtOnceAndVoidInsertsOfEarlierReads) {
    ExpiringCache<int> c(10, 1000);
    c.insert("a", 1, 0, INT64_MAX, c.epoch());
    c.insert("b", 2, 0, INT64_MAX, c.epoch());
    c.erase("a");
    EXPECT_EQ(c.find("a", 1), std::nullopt);
    EXPECT_EQ(c.find("b", 1), 2);

    // A read that began before the erase (a session read just before its logout) must not
    // put the stale value back.
    const uint64_t before = c.epoch();
    c.erase("a");
    c.insert("a", 1, 2, INT64_MAX, before);
    EXPECT_EQ(c.find("a", 3), std::nullopt);
    c.insert("a", 5, 2, INT64_MAX, c.epoch());
    EXPECT_EQ(c.find("a", 3), 5) << "a read begun after the erase is kept";

    const uint64_t before_clear = c.epoch();
    c.clear();
    EXPECT_EQ(c.size(), 0u);
    c.insert("b", 2, 4, INT64_MAX, before_clear);
    EXPECT_EQ(c.find("b", 5), std::nullopt);
}

TEST(ExpiringCache, NoLifetimeKeepsNothing) {
    ExpiringCache<int> off(10, 0);
    EXPECT_FALSE(off.enabled());
    off.insert("a", 1, 0, INT64_MAX, off.epoch());
    EXPECT_EQ(off.find("a", 0), std::nullopt);
    ExpiringCache<int> none(0, 1000);
    none.insert("a", 1, 0, INT64_MAX, none.epoch());
    EXPECT_EQ(none.find("a", 0), std::nullopt);
}

// Readers insert what they "read" (the value of a shared version counter taken after the
// epoch) while a writer bumps the version and erases, as a logout does. Once the writer's
// erase has returned, no reader may find a version older than the one erased: the window
// is a reader that read before the erase and inserts after it.
TEST(ExpiringCache, ConcurrentReadersNeverRestoreWhatAnEraseForgot) {
    ExpiringCache<int> c(4, 60000);
    std::atomic<int> version{0};
    std::atomic<bool> stop{false};
    std::atomic<int> stale{0};
    std::atomic<int64_t> inserts{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t)
        readers.emplace_back([&] {
            while (!stop.load()) {
                const uint64_t epoch = c.epoch();
                const int read = version.load();   // "the store"
                std::this_thread::yield();           // the read's reply travels
                c.insert("k", read, 0, INT64_MAX, epoch);
                inserts.fetch_add(1);
                // What any reader can see is at least the version current when its find
                // began, minus the one being replaced right now.
                const int floor = version.load() - 1;
                if (auto v = c.find("k", 1); v && *v < floor) stale.fetch_add(1);
            }
        });
    // Until the readers have made 50 000 inserts (or 10 s pass on a starved machine).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (inserts.load() < 50000 && std::chrono::steady_clock::now() < deadline) {
        version.fetch_add(1);   // the store changes (a logout, a role write) ...
        c.erase("k");           // ... then the cache forgets
    }
    stop = true;
    for (auto& r : readers) r.join();
    EXPECT_EQ(stale.load(), 0);
    EXPECT_GE(inserts.load(), 50000) << "the readers ran alongside the erases";
    EXPECT_GT(version.load(), 1000);
}

}  // namespace
}  // namespace events
