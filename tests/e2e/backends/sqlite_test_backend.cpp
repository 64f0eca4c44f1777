// SQLite in the e2e suite: a database file in the test's directory, always available.
#include "backends/sql_test_backend.h"

#include "test_server.h"

namespace events::e2e {

namespace {

class SqliteTestBackend : public SqlTestBackend {
public:
    std::string label() const override { return "SQLite"; }
    std::string database() const override { return "sqlite"; }
    std::string unavailable_reason() const override { return {}; }

    void configure(boost::json::object& config, const std::string&, const std::string& dir) const override {
        config["db_uri"] = dir + "/events-test.db";
        config["db_name"] = "events";
    }

    ::testing::AssertionResult run_sql(const boost::json::object& config, const std::string& sql) const override {
        const std::string path(config.at("db_uri").as_string());
        const std::string sql_path = path + ".external.sql";
        const std::string out_path = path + ".external.out";
        write_file(sql_path, ".timeout 10000\nPRAGMA foreign_keys=OFF;\n" + sql + "\n");
        return run_command("sqlite3 -bail '" + path + "' <'" + sql_path + "' >'" + out_path + "' 2>&1", out_path);
    }

    // SQLite answers NULL to a division by zero: an invalid json() fails instead.
    std::string assert_sql(const std::string& condition) const override {
        return "SELECT CASE WHEN " + condition + " THEN 1 ELSE json('differs{') END;";
    }
    std::vector<std::string> list_storage(const boost::json::object& config) const override {
        const std::string path(config.at("db_uri").as_string());
        if (!file_exists(path)) return {"(no database)"};
        // -readonly: the listing itself must not write.
        auto lines = output_lines("sqlite3 -readonly '" + path +
                                  "' \"SELECT type || ' ' || name FROM sqlite_master ORDER BY 1\" 2>&1");
        if (!lines) return {"(error) sqlite3 failed"};
        return *lines;
    }

    ::testing::AssertionResult foreign_data_intact(const boost::json::object& config) const override {
        return run_sql(config,
                       "SELECT CASE WHEN (SELECT count(*) FROM other_app_data) = 1 THEN 1 ELSE json('gone{') END;");
    }
};

}  // namespace

std::unique_ptr<TestBackend> make_sqlite_test_backend() { return std::make_unique<SqliteTestBackend>(); }

}  // namespace events::e2e
