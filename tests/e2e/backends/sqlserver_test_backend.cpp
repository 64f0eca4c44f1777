// SQL Server in the e2e suite: one database per test on the server named by
// EVENTS_TEST_MSSQL_URI (mssql://user:password@host:port, or an ODBC connection
// string); docs/SQLSERVER.md tells how to start one. Without it every test of this
// backend is SKIPPED with that reason. Behind-the-back operations go through a small
// ODBC client of the test (odbc_exec.h), with foreign keys disabled around them.
#include "backends/odbc_exec.h"
#include "backends/sql_test_backend.h"

#include <cstdlib>

namespace events::e2e {

namespace {

std::string env_uri() {
    const char* uri = std::getenv("EVENTS_TEST_MSSQL_URI");
    return uri ? uri : "";
}

// Every foreign key of the database off (no check, no cascade) around `sql`, then back on
// without checking the rows, as PostgreSQL's session_replication_role = replica does.
std::string without_foreign_keys(const std::string& sql) {
    auto each_fk = [](const std::string& action) {
        return "DECLARE @fk_" + action.substr(0, 2) + " NVARCHAR(MAX) = N''; SELECT @fk_" + action.substr(0, 2) +
               " = @fk_" + action.substr(0, 2) +
               " + N'ALTER TABLE ' + QUOTENAME(OBJECT_SCHEMA_NAME(parent_object_id)) + N'.' + "
               "QUOTENAME(OBJECT_NAME(parent_object_id)) + N' " +
               action + " CONSTRAINT ' + QUOTENAME(name) + N'; ' FROM sys.foreign_keys; EXEC (@fk_" +
               action.substr(0, 2) + ");\n";
    };
    return "SET QUOTED_IDENTIFIER ON;\n" + each_fk("NOCHECK") + sql + "\n" + each_fk("WITH NOCHECK CHECK");
}

class SqlServerTestBackend : public SqlTestBackend {
public:
    std::string label() const override { return "SQLServer"; }
    std::string database() const override { return "sqlserver"; }
    std::string unavailable_reason() const override {
        if (!env_uri().empty()) return {};
        return "EVENTS_TEST_MSSQL_URI is not set (no SQL Server configured; see docs/SQLSERVER.md to start one, "
               "e.g. EVENTS_TEST_MSSQL_URI='mssql://sa:<password>@127.0.0.1:1433')";
    }

    void configure(boost::json::object& config, const std::string& db_name, const std::string&) const override {
        config["db_uri"] = env_uri();
        config["db_name"] = db_name;
    }

    ::testing::AssertionResult run_sql(const boost::json::object& config, const std::string& sql) const override {
        const std::string error = odbc_exec(
            odbc_connection_string(std::string(config.at("db_uri").as_string()), std::string(config.at("db_name").as_string())),
            without_foreign_keys(sql));
        if (!error.empty()) return ::testing::AssertionFailure() << "external SQL failed (" << sql << "): " << error;
        return ::testing::AssertionSuccess();
    }

    std::vector<std::string> list_storage(const boost::json::object&) const override {
        // odbc_exec() returns no rows; SQL Server has no server here to write a reader against.
        return {"(error) listing is not implemented for SQL Server"};
    }

    ::testing::AssertionResult foreign_data_intact(const boost::json::object& config) const override {
        return run_sql(config, "IF (SELECT count(*) FROM other_app_data) <> 1 THROW 50000, 'gone', 1;");
    }

    void drop_database(const boost::json::object& config) const override {
        const std::string name(config.at("db_name").as_string());
        std::string quoted = "[";
        for (char c : name) quoted += c == ']' ? std::string("]]") : std::string(1, c);
        quoted += "]";
        odbc_exec(odbc_connection_string(std::string(config.at("db_uri").as_string()), "master"),
                  "IF DB_ID(N'" + name + "') IS NOT NULL BEGIN ALTER DATABASE " + quoted +
                      " SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE " + quoted + "; END");
    }
};

}  // namespace

std::unique_ptr<TestBackend> make_sqlserver_test_backend() { return std::make_unique<SqlServerTestBackend>(); }

}  // namespace events::e2e
