#include "storage/sqlite/sqlite_backup.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace events {

namespace {

struct Db {
    sqlite3* db = nullptr;
    ~Db() { sqlite3_close_v2(db); }
};

std::string message(sqlite3* db, int rc) { return db ? sqlite3_errmsg(db) : sqlite3_errstr(rc); }

}  // namespace

int64_t sqlite_online_backup(const std::string& source_path, const std::string& target_path) {
    if (!std::filesystem::exists(source_path)) throw std::runtime_error("no database at " + source_path);
    Db source, target;
    int rc = sqlite3_open_v2(source_path.c_str(), &source.db, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) throw std::runtime_error("cannot open " + source_path + ": " + message(source.db, rc));
    sqlite3_busy_timeout(source.db, 5000);
    const std::string partial = target_path + ".partial";
    std::error_code ec;
    std::filesystem::remove(partial, ec);
    rc = sqlite3_open_v2(partial.c_str(), &target.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) throw std::runtime_error("cannot write " + partial + ": " + message(target.db, rc));

    sqlite3_backup* backup = sqlite3_backup_init(target.db, "main", source.db, "main");
    if (!backup) throw std::runtime_error("cannot back up " + source_path + ": " + message(target.db, SQLITE_ERROR));
    // -1: every page in one step, under one read transaction (one snapshot). BUSY/LOCKED
    // only while another connection holds a lock that blocks readers; retried.
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    const int64_t pages = sqlite3_backup_pagecount(backup);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        const std::string why = message(target.db, rc);
        std::filesystem::remove(partial, ec);
        throw std::runtime_error("backup of " + source_path + " failed: " + why);
    }
    sqlite3_close_v2(target.db);
    target.db = nullptr;
    std::filesystem::rename(partial, target_path);
    return pages;
}

}  // namespace events
