// One storage backend as the end-to-end suite sees it: how to point a server at a fresh
// database of it, whether its server is reachable here, and a few operations done behind
// the server's back (to lay out states a client cannot create, such as a dangling FK).
//
// Every conformance test runs once per registered backend (E2E_INSTANTIATE). A backend
// whose server is not configured is skipped with its reason, never passed.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace events::e2e {

class TestBackend {
public:
    virtual ~TestBackend() = default;

    // Test-name suffix and registry key ("SQLite", "PostgreSQL", "FerretDB", ...).
    virtual std::string label() const = 0;
    // The config value of `database` ("sqlite", "postgresql", "mongodb", ...).
    virtual std::string database() const = 0;
    // "" when the tests can run; otherwise why they are skipped (e.g. an unset
    // EVENTS_TEST_*_URI variable, naming the command that starts a server).
    virtual std::string unavailable_reason() const = 0;
    // "" when the test `suite_and_name` ("Lifecycle.DeclaredIndexesAreReportedAndReconciled")
    // can run on this backend; otherwise why the server cannot support it (the test is
    // skipped with that reason, never passed; README and docs list these).
    virtual std::string skip_reason(const std::string& suite_and_name) const {
        (void)suite_and_name;
        return {};
    }
    // Sets db_uri and db_name (and any backend-specific key) of `config` for a fresh
    // database named `db_name`; `dir` is the test's own temporary directory.
    virtual void configure(boost::json::object& config, const std::string& db_name, const std::string& dir) const = 0;
    // `config` with a URI that carries `password` (to check /api/db/report masks it),
    // or nullopt when this backend's URI has no password.
    virtual std::optional<std::string> uri_with_password(const boost::json::object& config,
                                                         const std::string& password) const {
        (void)config;
        (void)password;
        return std::nullopt;
    }

    // ---- behind the server's back, on the database `config` points at ----------------
    // Sets `field` of the stored document `entity`/`id` to the string `value` (no checks,
    // no cascades, no comparison keys updated beyond what the raw store does).
    virtual ::testing::AssertionResult set_raw_field(const boost::json::object& config, const std::string& entity,
                                                     const std::string& id, const std::string& field,
                                                     const std::string& value) const = 0;
    // Whether the stored document `entity`/`id` holds in `field` a string starting with
    // `prefix`, read behind the server's back (a secret stored as a hash: "$argon2id$").
    virtual ::testing::AssertionResult raw_field_starts_with(const boost::json::object& config,
                                                             const std::string& entity, const std::string& id,
                                                             const std::string& field,
                                                             const std::string& prefix) const = 0;
    // Deletes the stored document `entity`/`id` (no cascades).
    virtual ::testing::AssertionResult delete_raw(const boost::json::object& config, const std::string& entity,
                                                  const std::string& id) const = 0;
    // Stores data that belongs to another application in the same database (a table,
    // collection or index the schema does not name) ...
    virtual ::testing::AssertionResult create_foreign_data(const boost::json::object& config) const = 0;
    // ... and checks that it is still there, unchanged.
    virtual ::testing::AssertionResult foreign_data_intact(const boost::json::object& config) const = 0;
    // The names of every table, index, collection or search index the database `config`
    // points at holds, sorted, each prefixed by its kind ("table User", "index ..."), read
    // with the backend's own client: what a command created or left alone shows here.
    // {"(no database)"} when the database does not exist; {"(error) ..."} when it cannot be read.
    virtual std::vector<std::string> list_storage(const boost::json::object& config) const = 0;
    // Removes the test's database (called after each test; best effort).
    virtual void drop_database(const boost::json::object& config) const { (void)config; }
};

// Every backend the suite knows, in test order.
const std::vector<std::unique_ptr<TestBackend>>& test_backends();
// The labels of test_backends(), for INSTANTIATE_TEST_SUITE_P.
std::vector<std::string> test_backend_labels();
// The backend with this label; throws std::out_of_range for an unknown one.
const TestBackend& test_backend(const std::string& label);

// One factory per backend (tests/e2e/backends/<name>_backend.cpp).
std::unique_ptr<TestBackend> make_sqlite_test_backend();
std::unique_ptr<TestBackend> make_postgres_test_backend();
std::unique_ptr<TestBackend> make_sqlserver_test_backend();
std::unique_ptr<TestBackend> make_opensearch_test_backend();       // EVENTS_TEST_ES_URI
std::unique_ptr<TestBackend> make_elasticsearch8_test_backend();   // EVENTS_TEST_ES8_URI
// MongoDB-compatible servers (mongo_test_backend.cpp): EVENTS_TEST_FERRETDB_URI,
// EVENTS_TEST_JONGODB_URI, EVENTS_TEST_MONGO_URI.
std::unique_ptr<TestBackend> make_ferretdb_test_backend();
std::unique_ptr<TestBackend> make_jongodb_test_backend();
std::unique_ptr<TestBackend> make_mongodb_test_backend();

}  // namespace events::e2e
