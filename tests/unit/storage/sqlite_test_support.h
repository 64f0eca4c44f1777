// Shared helpers for the SQLite driver tests: a temp directory per test, a
// driver factory, and raw sqlite3 access for looking at what was stored.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"
#include "tools/json_text.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace events::testing_sqlite {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("events-sqlite-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

inline std::unique_ptr<StorageDriver> open_sqlite(const Schema& schema, const std::string& path,
                                                  DriverOptions options = {}) {
    options.uri = path;
    options.db_name = "test";
    auto driver = make_driver("sqlite", schema, options);
    driver->open();
    return driver;
}

// Column 0 of every row of `sql`, as text, through a separate raw connection.
inline std::vector<std::string> raw_query(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::vector<std::string> out;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        ADD_FAILURE() << "cannot open " << path;
        return out;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
    } else {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const unsigned char* t = sqlite3_column_text(stmt, 0);
            out.emplace_back(t ? reinterpret_cast<const char*>(t) : "<null>");
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

inline std::vector<std::string> index_names(const std::string& path, const std::string& table) {
    return raw_query(path, "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='" + table +
                               "' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name");
}

inline Document doc(const char* json) { return boost::json::parse(json).as_object(); }

inline std::string text(const boost::json::value& v) { return to_json_text(v); }

inline std::vector<std::string> ids_of(const std::vector<Document>& docs) {
    std::vector<std::string> out;
    for (const Document& d : docs) out.emplace_back(d.at("id").as_string());
    return out;
}

}  // namespace events::testing_sqlite
