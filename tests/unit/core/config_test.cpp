#include "app/config.h"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace events {
namespace {

namespace fs = std::filesystem;

const char* const kAllVariables[] = {
    "EVENTS_PROJECT_NAME", "EVENTS_DATABASE", "EVENTS_DB_URI", "EVENTS_DB_NAME", "EVENTS_HOST",
    "EVENTS_SERVER_PORT", "EVENTS_UI_PORT", "EVENTS_VALIDATION", "EVENTS_CASE_SENSITIVE",
    "EVENTS_CASCADE_DELETE", "EVENTS_ELASTICSEARCH_STRICT_CONSISTENCY", "EVENTS_LOG_LEVEL",
    "EVENTS_ADMIN_TOKEN", "EVENTS_SCHEMA_PATH", "EVENTS_THREADS", "EVENTS_POOL_SIZE", "EVENTS_BODY_LIMIT",
    "EVENTS_READ_TIMEOUT_S", "EVENTS_IDLE_TIMEOUT_S", "EVENTS_CORS_ORIGINS",
};

// Every test starts with no EVENTS_* variables and leaves the process environment as found.
class ConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* name : kAllVariables) {
            const char* v = std::getenv(name);
            saved_.push_back({name, v ? std::optional<std::string>(v) : std::nullopt});
            unsetenv(name);
        }
        dir_ = fs::temp_directory_path() /
               ("events_config_test_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override {
        for (const auto& [name, value] : saved_) {
            if (value) setenv(name.c_str(), value->c_str(), 1);
            else unsetenv(name.c_str());
        }
        fs::remove_all(dir_);
    }

    std::string write(const std::string& text) {
        const fs::path path = dir_ / "config.json";
        std::ofstream(path) << text;
        return path.string();
    }

    // The message of the runtime_error `f` throws ("" plus a failure when it does not).
    template <class F>
    static std::string error_of(F f) {
        try {
            f();
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        ADD_FAILURE() << "expected std::runtime_error";
        return "";
    }

    fs::path dir_;
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(ConfigTest, EmptyObjectGivesTheDefaults) {
    Config c = Config::from_file(write("{}"));
    Config d;
    EXPECT_EQ(c.database, "sqlite");
    EXPECT_EQ(c.db_uri, d.db_uri);
    EXPECT_EQ(c.server_port, 5500);
    EXPECT_EQ(c.project_name, "events");   // README "Configuration": not "Project Name Here"
    EXPECT_EQ(c.db_name, "");              // the URI's database, else "events" (docs/OPERATIONS.md)
    EXPECT_EQ(c.validation, "");
    EXPECT_FALSE(c.case_sensitive);
    EXPECT_TRUE(c.cascade_delete);
    EXPECT_EQ(c.body_limit, int64_t(1) << 20);
    EXPECT_NO_THROW(c.validate());
}

TEST_F(ConfigTest, FileSetsEveryKind) {
    Config c = Config::from_file(write(R"({
        "project_name": "Demo", "database": "PostgreSQL", "db_uri": "postgresql://u:p@db:5432",
        "db_name": "demo", "host": "127.0.0.1", "server_port": 8080, "ui_port": 4300,
        "validation": "Multiple", "case_sensitive": true, "cascade_delete": false,
        "elasticsearch_strict_consistency": false, "log_level": "debug", "admin_token": "tok",
        "schema_path": "s.yaml", "threads": 4, "write_threads": 16, "pool_size": 8, "body_limit": 5000000000,
        "read_timeout_s": 5, "idle_timeout_s": 7, "cors_origins": "http://a,http://b"
    })"));
    EXPECT_EQ(c.project_name, "Demo");
    EXPECT_EQ(c.database, "postgresql");
    EXPECT_EQ(c.db_uri, "postgresql://u:p@db:5432");
    EXPECT_EQ(c.db_name, "demo");
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.server_port, 8080);
    EXPECT_EQ(c.ui_port, 4300);
    EXPECT_EQ(c.validation, "multiple");
    EXPECT_TRUE(c.case_sensitive);
    EXPECT_FALSE(c.cascade_delete);
    EXPECT_FALSE(c.elasticsearch_strict_consistency);
    EXPECT_EQ(c.log_level, "debug");
    EXPECT_EQ(c.admin_token, "tok");
    EXPECT_EQ(c.schema_path, "s.yaml");
    EXPECT_EQ(c.threads, 4);
    EXPECT_EQ(c.write_threads, 16);
    EXPECT_EQ(c.pool_size, 8);
    EXPECT_EQ(c.body_limit, 5000000000);
    EXPECT_EQ(c.read_timeout_s, 5);
    EXPECT_EQ(c.idle_timeout_s, 7);
    EXPECT_EQ(c.cors_origins, "http://a,http://b");
    EXPECT_NO_THROW(c.validate());
}

TEST_F(ConfigTest, DatabaseSpellings) {
    EXPECT_EQ(Config::from_file(write(R"({"database": "SQLite"})")).database, "sqlite");
    EXPECT_EQ(Config::from_file(write(R"({"database": "postgres"})")).database, "postgresql");
    EXPECT_EQ(Config::from_file(write(R"({"database": "SQLServer"})")).database, "sqlserver");
    EXPECT_EQ(Config::from_file(write(R"({"database": "mssql"})")).database, "sqlserver");
    EXPECT_EQ(Config::from_file(write(R"({"database": "Elasticsearch"})")).database, "elasticsearch");
    EXPECT_EQ(Config::from_file(write(R"({"database": "MongoDB"})")).database, "mongodb");
    for (const char* kind : {"oracle", "mysql"}) {
        const std::string path = write(std::string(R"({"database": ")") + kind + "\"}");
        const std::string message = error_of([&] { Config::from_file(path); });
        EXPECT_NE(message.find(std::string("unknown database '") + kind + "'"), std::string::npos) << message;
        EXPECT_NE(message.find(path), std::string::npos) << message;
        EXPECT_NE(message.find("sqlite, postgresql, mongodb, elasticsearch, sqlserver"), std::string::npos) << message;
    }
}

TEST_F(ConfigTest, UnknownKeysAndNullsAreIgnored) {
    Config c = Config::from_file(write(R"({"environment": "production", "colour": "blue",
                                           "auth.cookies.redis": {"host": "x"}, "server_port": null})"));
    EXPECT_EQ(c.server_port, 5500);
}

TEST_F(ConfigTest, WrongTypesNameTheFileAndKey) {
    struct Case { const char* json; const char* key; };
    for (const Case& k : {Case{R"({"server_port": "5500"})", "server_port"},
                          Case{R"({"server_port": 1.5})", "server_port"},
                          Case{R"({"server_port": 99999999999})", "server_port"},
                          Case{R"({"case_sensitive": "yes"})", "case_sensitive"},
                          Case{R"({"db_uri": 5})", "db_uri"},
                          Case{R"({"threads": [1]})", "threads"}}) {
        const std::string path = write(k.json);
        const std::string message = error_of([&] { Config::from_file(path); });
        EXPECT_NE(message.find(path), std::string::npos) << message;
        EXPECT_NE(message.find(k.key), std::string::npos) << message;
    }
}

TEST_F(ConfigTest, UnreadableOrMalformedFiles) {
    const std::string missing = (dir_ / "missing.json").string();
    EXPECT_NE(error_of([&] { Config::from_file(missing); }).find(missing), std::string::npos);
    const std::string bad = write("{\"server_port\": ");
    EXPECT_NE(error_of([&] { Config::from_file(bad); }).find(bad), std::string::npos);
    const std::string array = write("[1, 2]");
    EXPECT_NE(error_of([&] { Config::from_file(array); }).find("object"), std::string::npos);
}

TEST_F(ConfigTest, EnvironmentOverridesTheFile) {
    Config c = Config::from_file(write(R"({"server_port": 7000, "database": "sqlite", "threads": 2})"));
    setenv("EVENTS_SERVER_PORT", "6000", 1);
    setenv("EVENTS_DATABASE", "Postgres", 1);
    setenv("EVENTS_DB_URI", "postgresql://localhost:5432", 1);
    setenv("EVENTS_DB_NAME", "envdb", 1);
    setenv("EVENTS_ADMIN_TOKEN", "s3cret", 1);
    setenv("EVENTS_VALIDATION", "Single", 1);
    setenv("EVENTS_CASE_SENSITIVE", "yes", 1);
    setenv("EVENTS_CASCADE_DELETE", "0", 1);
    setenv("EVENTS_THREADS", "", 1);   // empty: not set
    setenv("EVENTS_BODY_LIMIT", "2048", 1);
    setenv("EVENTS_CORS_ORIGINS", "http://x", 1);
    c.apply_environment();
    EXPECT_EQ(c.server_port, 6000);
    EXPECT_EQ(c.database, "postgresql");
    EXPECT_EQ(c.db_uri, "postgresql://localhost:5432");
    EXPECT_EQ(c.db_name, "envdb");
    EXPECT_EQ(c.admin_token, "s3cret");
    EXPECT_EQ(c.validation, "single");
    EXPECT_TRUE(c.case_sensitive);
    EXPECT_FALSE(c.cascade_delete);
    EXPECT_EQ(c.threads, 2);
    EXPECT_EQ(c.body_limit, 2048);
    EXPECT_EQ(c.cors_origins, "http://x");
    EXPECT_NO_THROW(c.validate());
}

TEST_F(ConfigTest, EnvironmentBooleansAndEmptyStrings) {
    Config c;
    for (const char* t : {"true", "1", "yes", "TRUE"}) {
        setenv("EVENTS_CASE_SENSITIVE", t, 1);
        c.case_sensitive = false;
        c.apply_environment();
        EXPECT_TRUE(c.case_sensitive) << t;
    }
    for (const char* f : {"false", "0", "no", "No"}) {
        setenv("EVENTS_CASE_SENSITIVE", f, 1);
        c.case_sensitive = true;
        c.apply_environment();
        EXPECT_FALSE(c.case_sensitive) << f;
    }
    c.validation = "multiple";
    setenv("EVENTS_VALIDATION", "", 1);
    c.apply_environment();
    EXPECT_EQ(c.validation, "");
}

TEST_F(ConfigTest, BadEnvironmentValuesNameTheVariable) {
    Config c;
    setenv("EVENTS_CASCADE_DELETE", "maybe", 1);
    std::string message = error_of([&] { c.apply_environment(); });
    EXPECT_NE(message.find("EVENTS_CASCADE_DELETE"), std::string::npos) << message;
    unsetenv("EVENTS_CASCADE_DELETE");

    setenv("EVENTS_THREADS", "four", 1);
    message = error_of([&] { c.apply_environment(); });
    EXPECT_NE(message.find("EVENTS_THREADS"), std::string::npos) << message;
    unsetenv("EVENTS_THREADS");

    setenv("EVENTS_DATABASE", "oracle", 1);
    message = error_of([&] { c.apply_environment(); });
    EXPECT_NE(message.find("EVENTS_DATABASE"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown database 'oracle'"), std::string::npos) << message;
}

TEST_F(ConfigTest, ValidateChecksRanges) {
    const auto invalid = [](auto mutate) {
        Config c;
        mutate(c);
        EXPECT_THROW(c.validate(), std::runtime_error);
    };
    invalid([](Config& c) { c.server_port = 65536; });
    invalid([](Config& c) { c.server_port = -1; });
    invalid([](Config& c) { c.validation = "both"; });
    invalid([](Config& c) { c.threads = -1; });
    invalid([](Config& c) { c.write_threads = 0; });
    invalid([](Config& c) { c.body_limit = 0; });
    invalid([](Config& c) { c.database = "oracle"; });
    invalid([](Config& c) { c.database = "mysql"; });
    invalid([](Config& c) { c.log_level = "loud"; });

    Config ok;
    ok.server_port = 0;   // ephemeral port, used by tests
    ok.validation = "single";
    ok.threads = 0;
    ok.log_level = "WARNING";
    EXPECT_NO_THROW(ok.validate());
    ok.server_port = 65535;
    ok.validation = "multiple";
    EXPECT_NO_THROW(ok.validate());
}

TEST_F(ConfigTest, ObservabilityKeys) {
    Config c = Config::from_file(write(R"({"log_format": "JSON", "openapi": false, "docs": false, "metrics": true,
        "metrics_auth": true, "admin_token": "tok", "swagger_ui_dir": "/opt/swagger"})"));
    EXPECT_EQ(c.log_format, "json");
    EXPECT_FALSE(c.openapi);
    EXPECT_FALSE(c.docs);
    EXPECT_TRUE(c.metrics);
    EXPECT_TRUE(c.metrics_auth);
    EXPECT_EQ(c.swagger_ui_dir, "/opt/swagger");
    EXPECT_NO_THROW(c.validate());
    Config d;
    EXPECT_EQ(d.log_format, "text");
    EXPECT_TRUE(d.openapi && d.docs && d.metrics);
    EXPECT_FALSE(d.metrics_auth);
    d.log_format = "xml";
    EXPECT_NE(error_of([&] { d.validate(); }).find("log_format"), std::string::npos);
    d.log_format = "text";
    d.metrics_auth = true;   // a token is needed to protect /metrics
    EXPECT_NE(error_of([&] { d.validate(); }).find("metrics_auth"), std::string::npos);
}

TEST_F(ConfigTest, AdminUiKeys) {
    Config d;
    EXPECT_TRUE(d.admin_ui);   // on by default (docs/ADMIN_UI.md)
    EXPECT_EQ(d.admin_ui_dir, "");
    Config c = Config::from_file(write(R"({"admin_ui": false, "admin_ui_dir": "/opt/admin"})"));
    EXPECT_FALSE(c.admin_ui);
    EXPECT_EQ(c.admin_ui_dir, "/opt/admin");
    EXPECT_NE(error_of([&] { Config::from_file(write(R"({"admin_ui": "no"})")); }).find("admin_ui"), std::string::npos);
}

TEST_F(ConfigTest, SessionStoreIsTheDatabaseOrARedisUri) {
    EXPECT_EQ(Config{}.session_store, "");
    Config c = Config::from_file(write(R"({"session_store": "redis://127.0.0.1:6379"})"));
    EXPECT_EQ(c.session_store, "redis://127.0.0.1:6379");
    c.validate();
    c.session_store = "memcached://127.0.0.1";
    EXPECT_NE(error_of([&] { c.validate(); }).find("session_store"), std::string::npos);
}

TEST_F(ConfigTest, SessionCacheIsAtMostAMinute) {
    EXPECT_EQ(Config{}.session_cache_ms, 1000);
    Config c = Config::from_file(write(R"({"session_cache_ms": 0})"));
    EXPECT_EQ(c.session_cache_ms, 0);
    c.validate();
    c.session_cache_ms = 60001;
    EXPECT_NE(error_of([&] { c.validate(); }).find("session_cache_ms"), std::string::npos);
    c.session_cache_ms = -1;
    EXPECT_NE(error_of([&] { c.validate(); }).find("session_cache_ms"), std::string::npos);
}

TEST_F(ConfigTest, RedactedJsonShowsEveryKeyWithSecretsMasked) {
    Config c;
    c.database = "postgresql";
    c.db_uri = "postgresql://events:hunter2@db.example:5432/events";
    c.admin_token = "top-secret";
    c.session_store = "redis://:sesame@cache.example:6379/2";
    boost::json::object o = c.redacted_json();
    for (const char* key : {"project_name", "database", "db_uri", "db_name", "host", "server_port", "ui_port",
                            "validation", "case_sensitive", "cascade_delete", "cascade_check_interval_s",
                            "elasticsearch_strict_consistency",
                            "log_level", "admin_token", "schema_path", "threads", "write_threads", "pool_size", "body_limit",
                            "read_timeout_s", "idle_timeout_s", "cors_origins", "log_format", "openapi", "docs",
                            "metrics", "metrics_auth", "swagger_ui_dir", "admin_ui", "admin_ui_dir", "cookie_secure",
                            "session_idle_ttl_s", "session_absolute_ttl_s", "session_purge_interval_s",
                            "session_cache_ms", "login_max_failures", "login_lockout_s", "session_store"})
        EXPECT_TRUE(o.contains(key)) << key;
    EXPECT_EQ(o.size(), 38u);
    EXPECT_EQ(o.at("session_store"), "redis://:***@cache.example:6379/2");
    EXPECT_EQ(boost::json::serialize(o).find("sesame"), std::string::npos);
    EXPECT_EQ(o.at("db_uri"), "postgresql://events:***@db.example:5432/events");
    EXPECT_EQ(o.at("admin_token"), "***");
    EXPECT_EQ(o.at("server_port"), 5500);
    EXPECT_EQ(o.at("cascade_delete"), true);
    EXPECT_EQ(o.at("database"), "postgresql");
    EXPECT_EQ(boost::json::serialize(o).find("hunter2"), std::string::npos);
    EXPECT_EQ(boost::json::serialize(o).find("top-secret"), std::string::npos);

    c.admin_token.clear();
    EXPECT_EQ(c.redacted_json().at("admin_token"), "");
}

TEST(ConfigMask, UriPasswords) {
    EXPECT_EQ(mask_uri_password("postgresql://user:secret@host"), "postgresql://user:***@host");
    EXPECT_EQ(mask_uri_password("postgresql://user:p@ss@host:5432/db"), "postgresql://user:***@host:5432/db");
    EXPECT_EQ(mask_uri_password("postgresql://user@host/db"), "postgresql://user@host/db");
    EXPECT_EQ(mask_uri_password("postgresql://localhost:5432"), "postgresql://localhost:5432");
    EXPECT_EQ(mask_uri_password("postgresql://host/db?user=u&password=secret&sslmode=require"),
              "postgresql://host/db?user=u&password=***&sslmode=require");
    EXPECT_EQ(mask_uri_password("host=db user=u password=secret dbname=x"),
              "host=db user=u password=*** dbname=x");
    EXPECT_EQ(mask_uri_password("host=db PASSWORD='a b' dbname=x"), "host=db PASSWORD=*** dbname=x");
    EXPECT_EQ(mask_uri_password("mssql://sa:S3cret!@127.0.0.1:1433"), "mssql://sa:***@127.0.0.1:1433");
    EXPECT_EQ(mask_uri_password("Driver={FreeTDS};Server=db;UID=sa;PWD=S3cret!;TDS_Version=7.4"),
              "Driver={FreeTDS};Server=db;UID=sa;PWD=***;TDS_Version=7.4");
    EXPECT_EQ(mask_uri_password("Server=db;Pwd={a;b};UID=sa"), "Server=db;Pwd=***;UID=sa");
    EXPECT_EQ(mask_uri_password("events.db"), "events.db");
    EXPECT_EQ(mask_uri_password("/data/my:file@x.db"), "/data/my:file@x.db");
    EXPECT_EQ(mask_uri_password(""), "");
}

}  // namespace
}  // namespace events
