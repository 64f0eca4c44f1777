// The background checkpointer: the writer's commits only report the WAL size; the
// copying into the database file happens on the checkpointer's own thread.
#include "storage/sqlite/sqlite_checkpointer.h"

#include "sqlite_test_support.h"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

namespace events {
namespace {

using namespace testing_sqlite;

class SqliteCheckpointerTest : public ::testing::Test {
protected:
    std::string path() const { return dir_.file("ckpt.db"); }
    std::uintmax_t db_bytes() const { return std::filesystem::file_size(path()); }
    // ~5 MB of rows (~1 300 pages, more than SQLite's own autocheckpoint of 1 000) in 40
    // commits, each under the write lock, as the pool's writer does.
    void write_rows(SqliteConnection& w) {
        w.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
        for (int tx = 0; tx < 40; ++tx) {
            std::lock_guard lock(write_mutex_);
            w.exec("BEGIN IMMEDIATE");
            for (int i = 0; i < 200; ++i)
                w.execute("INSERT INTO t (v) VALUES (?)", {SqlParam(std::string(600, static_cast<char>('a' + i % 26)))});
            w.exec("COMMIT");
        }
    }
    SqliteCheckpointer::HoldWrites hold() {
        return [this] { return std::unique_lock(write_mutex_); };
    }
    TempDir dir_;
    std::mutex write_mutex_;
};

TEST_F(SqliteCheckpointerTest, CommitsPastTheThresholdAreCopiedInTheBackground) {
    SqliteConnection writer(path());
    ASSERT_EQ(writer.query_text("PRAGMA journal_mode = WAL"), "wal");
    SqliteCheckpointer checkpointer(path(), /*threshold_pages=*/50, hold());
    writer.on_commit([&](int pages) { checkpointer.wal_grew(pages); });
    const auto before = db_bytes();
    write_rows(writer);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (checkpointer.checkpoints() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GT(checkpointer.checkpoints(), 0);
    EXPECT_GT(db_bytes(), before + 500'000) << "pages were copied into the database file";
    EXPECT_EQ(writer.query_text("SELECT count(*) FROM t"), "8000");
}

TEST_F(SqliteCheckpointerTest, TheWriterNoLongerCheckpointsItself) {
    SqliteConnection writer(path());
    ASSERT_EQ(writer.query_text("PRAGMA journal_mode = WAL"), "wal");
    SqliteCheckpointer checkpointer(path(), /*threshold_pages=*/1'000'000, hold());
    writer.on_commit([&](int pages) { checkpointer.wal_grew(pages); });
    write_rows(writer);   // past SQLite's own threshold: its automatic checkpoint would have run
    EXPECT_EQ(checkpointer.checkpoints(), 0);
    EXPECT_LT(db_bytes(), 100'000u) << "nothing was copied into the database file";
    EXPECT_GT(std::filesystem::file_size(path() + "-wal"), 4'000'000u);
}

// Writes that keep coming must not make the WAL grow without bound: each round's
// last pass (writes held) lets the next write start the WAL over from the top.
TEST_F(SqliteCheckpointerTest, TheWalStartsOverUnderContinuousWrites) {
    SqliteConnection writer(path());
    ASSERT_EQ(writer.query_text("PRAGMA journal_mode = WAL"), "wal");
    SqliteCheckpointer checkpointer(path(), /*threshold_pages=*/100, hold());
    writer.on_commit([&](int pages) { checkpointer.wal_grew(pages); });
    writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    for (int tx = 0; tx < 400; ++tx) {   // ~24 MB in all, a commit every ~1 ms
        {
            std::lock_guard lock(write_mutex_);
            writer.exec("BEGIN IMMEDIATE");
            for (int i = 0; i < 100; ++i) writer.execute("INSERT INTO t (v) VALUES (?)", {SqlParam(std::string(600, 'x'))});
            writer.exec("COMMIT");
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    EXPECT_GT(checkpointer.checkpoints(), 2);
    EXPECT_LT(std::filesystem::file_size(path() + "-wal"), 12'000'000u) << "the WAL was never started over";
    EXPECT_EQ(writer.query_text("SELECT count(*) FROM t"), "40000");
}

}  // namespace
}  // namespace events
