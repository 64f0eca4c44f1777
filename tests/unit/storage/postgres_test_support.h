// Shared pieces of the PostgreSQL tests: the server comes from EVENTS_TEST_PG_URI
// (tests are skipped without it); every test works in a database of its own,
// created by the driver and dropped afterwards.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_target.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace events::pgtest {

// Owners (a unique name, an optional code) and their items: the schema of the start-up
// reconciliation and form-migration tests (its first version there).
inline constexpr const char* kOwnerItemSchema = R"(
_entities:
  Owner:
    fields:
      name: {type: String, required: true}
      code: {type: String}
    unique:
    - [name]
  Item:
    fields:
      label: {type: String}
      ownerId: {type: ObjectId, required: true}
)";

inline std::string server_uri() {
    const char* v = std::getenv("EVENTS_TEST_PG_URI");
    return v ? v : "";
}

#define EVENTS_SKIP_WITHOUT_PG()                                                             \
    do {                                                                                     \
        if (::events::pgtest::server_uri().empty())                                          \
            GTEST_SKIP() << "EVENTS_TEST_PG_URI is not set: no PostgreSQL server to test"; \
    } while (0)

inline std::string fresh_database_name() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    return "events_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
           std::to_string(rd() % 100000);
}

// A plain connection for looking behind the driver's back.
inline std::unique_ptr<PgConnection> connect_to(const std::string& database, const std::string& uri = server_uri()) {
    return std::make_unique<PgConnection>(PgTarget(uri, database).params_for(database));
}

inline bool database_exists(const std::string& name) {
    auto admin = connect_to("postgres");
    bool found = false;
    admin->query("SELECT 1 FROM pg_database WHERE datname = $1", {SqlParam(name)}, [&](const SqlRow&) { found = true; });
    return found;
}

inline void drop_database(const std::string& name) {
    auto admin = connect_to("postgres");
    admin->exec("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
}

inline std::vector<std::string> column_texts(SqlConnection& c, const std::string& sql,
                                             const std::vector<SqlParam>& params = {}) {
    std::vector<std::string> out;
    c.query(sql, params, [&](const SqlRow& row) { out.emplace_back(row.is_null(0) ? "<null>" : row.get_text(0)); });
    return out;
}

// Owns the schemas and drivers of one test and the database they use.
class PgFixture : public ::testing::Test {
protected:
    void SetUp() override {
        EVENTS_SKIP_WITHOUT_PG();
        database_ = fresh_database_name();
    }

    void TearDown() override {
        drivers_.clear();
        if (!database_.empty() && !server_uri().empty()) {
            try {
                drop_database(database_);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "cannot drop test database " << database_ << ": " << e.what();
            }
        }
    }

    const Schema& schema(const std::string& yaml) {
        schemas_.push_back(std::make_unique<Schema>(Schema::load_text(yaml)));
        return *schemas_.back();
    }

    DriverOptions options(const std::string& uri = server_uri()) const {
        DriverOptions o;
        o.uri = uri;
        o.db_name = database_;
        o.pool_size = 4;
        return o;
    }

    // A driver over `yaml`, not yet opened.
    StorageDriver& make(const std::string& yaml, const DriverOptions& o) {
        drivers_.push_back(make_driver("postgresql", schema(yaml), o));
        return *drivers_.back();
    }
    StorageDriver& make(const std::string& yaml) { return make(yaml, options()); }

    StorageDriver& open(const std::string& yaml, const DriverOptions& o) {
        StorageDriver& d = make(yaml, o);
        d.open();
        return d;
    }
    StorageDriver& open(const std::string& yaml) { return open(yaml, options()); }

    // Closes and forgets every driver (e.g. before reopening with another schema).
    void close_all() { drivers_.clear(); }

    std::unique_ptr<PgConnection> db() const { return connect_to(database_); }

    std::string database_;
    std::vector<std::unique_ptr<Schema>> schemas_;
    std::vector<std::unique_ptr<StorageDriver>> drivers_;
};


inline Document doc(const char* json) { return boost::json::parse(json).as_object(); }

inline std::vector<std::string> ids_of(const std::vector<Document>& docs) {
    std::vector<std::string> out;
    for (const Document& d : docs) out.emplace_back(d.at("id").as_string());
    return out;
}

inline void insert(StorageDriver& d, const Entity& e, const Document& doc) {
    d.write({}, [&](WriteTxn& t) { t.insert(e, doc); });
}

}  // namespace events::pgtest
