// PostgreSQL in the e2e suite: one database per test on the cluster named by
// EVENTS_TEST_PG_URI (scripts/test-server.sh start postgresql).
#include "backends/sql_test_backend.h"

#include "test_server.h"

#include <cstdlib>

namespace events::e2e {

namespace {

std::string env_uri() {
    const char* uri = std::getenv("EVENTS_TEST_PG_URI");
    return uri ? uri : "";
}

class PostgresTestBackend : public SqlTestBackend {
public:
    std::string label() const override { return "PostgreSQL"; }
    std::string database() const override { return "postgresql"; }
    std::string unavailable_reason() const override {
        if (!env_uri().empty()) return {};
        return "EVENTS_TEST_PG_URI is not set (start one with: eval \"$(scripts/test-server.sh start postgresql)\")";
    }

    void configure(boost::json::object& config, const std::string& db_name, const std::string&) const override {
        config["db_uri"] = env_uri();
        config["db_name"] = db_name;
    }

    std::optional<std::string> uri_with_password(const boost::json::object& config,
                                                 const std::string& password) const override {
        std::string uri(config.at("db_uri").as_string());
        const size_t at = uri.find("postgres@");
        if (at == std::string::npos) return std::nullopt;
        uri.replace(at, 9, "postgres:" + password + "@");   // trust auth ignores it
        return uri;
    }

    ::testing::AssertionResult run_sql(const boost::json::object& config, const std::string& sql) const override {
        const std::string base = make_temp_dir();
        const std::string sql_path = base + "/external.sql";
        const std::string out_path = base + "/external.out";
        write_file(sql_path, "SET session_replication_role = replica;\n" + sql + "\n");
        std::string psql = "/usr/lib/postgresql/15/bin/psql";
        if (!file_exists(psql)) psql = "psql";
        auto result = run_command(psql + " -X -q -v ON_ERROR_STOP=1 '" + std::string(config.at("db_uri").as_string()) +
                                      "/" + std::string(config.at("db_name").as_string()) + "' -f '" + sql_path +
                                      "' >'" + out_path + "' 2>&1",
                                  out_path);
        remove_tree(base);
        return result;
    }

    std::vector<std::string> list_storage(const boost::json::object& config) const override {
        std::string psql = "/usr/lib/postgresql/15/bin/psql";
        if (!file_exists(psql)) psql = "psql";
        const std::string uri(config.at("db_uri").as_string());
        const std::string name(config.at("db_name").as_string());
        auto exists = output_lines(psql + " -X -At '" + uri + "/postgres' -c \"SELECT 1 FROM pg_database WHERE datname = '" +
                                   name + "'\"");
        if (!exists) return {"(error) psql failed"};
        if (exists->empty()) return {"(no database)"};
        auto lines = output_lines(psql + " -X -At '" + uri + "/" + name +
                                  "' -c \"SELECT c.relkind::text || ' ' || c.relname FROM pg_class c JOIN pg_namespace n ON "
                                  "n.oid = c.relnamespace WHERE n.nspname = current_schema() ORDER BY 1\"");
        if (!lines) return {"(error) psql failed"};
        return *lines;
    }

    ::testing::AssertionResult foreign_data_intact(const boost::json::object& config) const override {
        return run_sql(config,
                       "DO $$ BEGIN IF (SELECT count(*) FROM other_app_data) <> 1 THEN RAISE EXCEPTION 'gone'; END IF; "
                       "END $$;");
    }
};

}  // namespace

std::unique_ptr<TestBackend> make_postgres_test_backend() { return std::make_unique<PostgresTestBackend>(); }

}  // namespace events::e2e
