// Group commit: concurrent write() calls share one SQLite transaction, yet each
// work stays atomic and each caller gets its own outcome.
#include "sqlite_test_support.h"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace events {
namespace {

using namespace testing_sqlite;

constexpr const char* kNotes = R"(
_entities:
  Note:
    fields:
      title: {type: String, required: true}
      body: {type: String}
    unique: [[title]]
)";

struct WorkFailed : std::runtime_error {
    int index;
    explicit WorkFailed(int i) : std::runtime_error("work " + std::to_string(i)), index(i) {}
};

class SqliteGroupCommit : public ::testing::Test {
protected:
    void SetUp() override {
        schema_ = std::make_unique<Schema>(Schema::load_text(kNotes));
        driver_ = open_sqlite(*schema_, dir_.file("g.db"));
        note_ = schema_->find("Note");
    }
    Document note(const std::string& id, const std::string& title) {
        Document d;
        d["id"] = id;
        d["title"] = title;
        d["body"] = nullptr;
        return d;
    }
    std::vector<std::string> stored_ids() {
        return raw_query(dir_.file("g.db"), "SELECT id FROM Note ORDER BY id");
    }

    TempDir dir_;
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
    const Entity* note_ = nullptr;
};

// Thread i inserts two notes (i-a, i-b) and then fails when i % 3 == 0: either both
// of its rows are stored or neither, and only the failing callers see an exception,
// carrying their own index.
TEST_F(SqliteGroupCommit, ConcurrentWorksCommitOrFailEachOnItsOwn) {
    constexpr int kThreads = 16;
    constexpr int kRounds = 8;
    std::vector<std::thread> threads;
    std::vector<int> failures_seen(kThreads, 0), wrong_owner(kThreads, 0), successes(kThreads, 0);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int r = 0; r < kRounds; ++r) {
                const int i = t * 100 + r;
                const std::string key = fmt::format("{:05d}", i);
                try {
                    driver_->write({}, [&](WriteTxn& txn) {
                        txn.insert(*note_, note(key + "a", "title " + key + "a"));
                        // Give other threads time to queue behind this work.
                        if (r == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
                        txn.insert(*note_, note(key + "b", "title " + key + "b"));
                        if (i % 3 == 0) throw WorkFailed(i);
                    });
                    ++successes[t];
                } catch (const WorkFailed& e) {
                    if (e.index == i) ++failures_seen[t];
                    else ++wrong_owner[t];
                }
            }
        });
    }
    for (auto& th : threads) th.join();

    std::vector<std::string> expected;
    for (int t = 0; t < kThreads; ++t) {
        int failing = 0;
        for (int r = 0; r < kRounds; ++r) {
            const int i = t * 100 + r;
            if (i % 3 == 0) {
                ++failing;
                continue;
            }
            const std::string key = fmt::format("{:05d}", i);
            expected.push_back(key + "a");
            expected.push_back(key + "b");
        }
        EXPECT_EQ(failures_seen[t], failing) << "thread " << t;
        EXPECT_EQ(wrong_owner[t], 0) << "thread " << t;
        EXPECT_EQ(successes[t], kRounds - failing) << "thread " << t;
    }
    EXPECT_EQ(stored_ids(), expected);
}

// A native unique violation in one work rolls back that work's earlier insert
// only; the concurrent works commit.
TEST_F(SqliteGroupCommit, UniqueViolationFailsOnlyItsWork) {
    driver_->write({}, [&](WriteTxn& txn) { txn.insert(*note_, note("taken", "Taken")); });
    constexpr int kThreads = 12;
    std::vector<std::thread> threads;
    std::vector<int> outcome(kThreads, -1);   // 0 = ok, 1 = UniqueViolation on title, 2 = other
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string id = fmt::format("n{:02d}", t);
            try {
                driver_->write({}, [&](WriteTxn& txn) {
                    txn.insert(*note_, note(id + "x", "first " + id));
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    // Odd threads collide (case-insensitively) with the stored title.
                    txn.insert(*note_, note(id, t % 2 ? "TAKEN" : "free " + id));
                });
                outcome[t] = 0;
            } catch (const UniqueViolation& v) {
                outcome[t] = v.fields == std::vector<std::string>{"title"} ? 1 : 2;
            } catch (...) {
                outcome[t] = 2;
            }
        });
    }
    for (auto& th : threads) th.join();
    std::vector<std::string> expected;
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(outcome[t], t % 2 ? 1 : 0) << "thread " << t;
        if (t % 2 == 0) {
            expected.push_back(fmt::format("n{:02d}", t));
            expected.push_back(fmt::format("n{:02d}x", t));
        }
    }
    expected.push_back("taken");
    EXPECT_EQ(stored_ids(), expected);
}

// Reads inside a work see that work's own writes and the earlier works of the batch,
// never a rolled-back one.
TEST_F(SqliteGroupCommit, WorksSeeCommittedAndOwnWritesOnly) {
    constexpr int kThreads = 8;
    std::vector<std::thread> threads;
    std::vector<int> bad(kThreads, 0);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int r = 0; r < 5; ++r) {
                const std::string id = fmt::format("t{}r{}", t, r);
                try {
                    driver_->write({}, [&](WriteTxn& txn) {
                        txn.insert(*note_, note(id, "title " + id));
                        if (!txn.exists(*note_, id)) ++bad[t];
                        if (r % 2) throw std::runtime_error("undo " + id);
                    });
                } catch (const std::runtime_error& e) {
                    if (std::string(e.what()) != "undo " + id) ++bad[t];
                }
                // Every rolled-back id of this thread stays absent.
                if (r % 2 && driver_->get(*note_, id)) ++bad[t];
                if (!(r % 2) && !driver_->get(*note_, id)) ++bad[t];
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
    EXPECT_EQ(stored_ids().size(), static_cast<size_t>(kThreads * 3));
}

TEST_F(SqliteGroupCommit, SingleWorkFailureRollsBackAndRethrows) {
    EXPECT_THROW(driver_->write({}, [&](WriteTxn& txn) {
        txn.insert(*note_, note("x", "X"));
        throw WorkFailed(1);
    }),
                 WorkFailed);
    EXPECT_EQ(stored_ids(), std::vector<std::string>{});
    driver_->write({}, [&](WriteTxn& txn) { txn.insert(*note_, note("y", "Y")); });
    EXPECT_EQ(stored_ids(), std::vector<std::string>{"y"});
}

}  // namespace
}  // namespace events
