// The SQL Server client through the real server binary, without a SQL Server: started
// against a closed port, `events` refuses to start (as it does when PostgreSQL cannot be
// reached) with an error naming host and port and never the password, and exits promptly.
// With EVENTS_TEST_MSSQL_URI set, /api/db/report is also checked to mask the real password.
#include "backends/odbc_exec.h"
#include "e2e_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace events::e2e {
namespace {

// Bound but not listening: connections to it are refused.
class ClosedPort {
public:
    ClosedPort() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
            socklen_t len = sizeof addr;
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
            port_ = ntohs(addr.sin_port);
        }
    }
    ~ClosedPort() {
        if (fd_ >= 0) ::close(fd_);
    }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

class SqlServerClient : public ::testing::Test {
protected:
    void SetUp() override { dir_ = make_temp_dir(); }
    void TearDown() override { remove_tree(dir_); }

    // Starts `events` with this db_uri; expects it to exit non-zero naming `endpoint`.
    void expect_refused_start(const std::string& db_uri, const std::string& endpoint) {
        ServerSetup setup;
        setup.config = json::object{{"project_name", "Closed"}, {"database", "sqlserver"}, {"db_uri", db_uri},
                                    {"db_name", "events_closed"}, {"host", "127.0.0.1"}};
        TestServer server(std::move(setup), dir_);
        std::string error;
        const auto started = std::chrono::steady_clock::now();
        ASSERT_TRUE(server.launch(error)) << error;
        const std::optional<int> code = server.wait_exit(30);
        ASSERT_TRUE(code.has_value()) << "the server kept running; output:\n" << server.output();
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
        EXPECT_EQ(*code, 1) << server.output();
        const std::string out = server.output();
        EXPECT_NE(out.find("cannot open the sqlserver database"), std::string::npos) << out;
        EXPECT_NE(out.find("cannot connect to SQL Server at " + endpoint), std::string::npos) << out;
        EXPECT_EQ(out.find("Pa55word-never-shown"), std::string::npos) << out;
        EXPECT_EQ(server.http().get("/api/health").status, 0) << "nothing may listen after a refused start";
    }

    std::string dir_;
};

TEST_F(SqlServerClient, ClosedPortRefusesToStartNamingHostAndPort) {
    const ClosedPort closed;
    ASSERT_GT(closed.port(), 0);
    const std::string endpoint = "127.0.0.1:" + std::to_string(closed.port());
    expect_refused_start("mssql://sa:Pa55word-never-shown@" + endpoint, endpoint);
}

TEST_F(SqlServerClient, ClosedPortWithAnOdbcConnectionString) {
    const ClosedPort closed;
    ASSERT_GT(closed.port(), 0);
    const std::string endpoint = "127.0.0.1:" + std::to_string(closed.port());
    expect_refused_start("Server=127.0.0.1;Port=" + std::to_string(closed.port()) +
                             ";UID=sa;PWD=Pa55word-never-shown;TDS_Version=7.4",
                         endpoint);
}

TEST_F(SqlServerClient, ReportMasksTheRealPassword) {
    const char* uri = std::getenv("EVENTS_TEST_MSSQL_URI");
    if (!uri || !*uri) GTEST_SKIP() << "EVENTS_TEST_MSSQL_URI is not set (no SQL Server configured; see docs/SQLSERVER.md)";
    const std::string text(uri);
    const size_t colon = text.find(':', text.find("://") + 3), at = text.rfind('@');
    if (colon == std::string::npos || at == std::string::npos || colon > at)
        GTEST_SKIP() << "EVENTS_TEST_MSSQL_URI carries no mssql:// password";
    const std::string password = text.substr(colon + 1, at - colon - 1);
    ServerSetup setup;
    setup.config = json::object{{"project_name", "Report"}, {"database", "sqlserver"}, {"db_uri", text},
                                {"db_name", "events_report_test"}, {"host", "127.0.0.1"}};
    TestServer server(std::move(setup), dir_);
    std::string error;
    ASSERT_TRUE(server.start(error)) << error;
    const HttpResponse report = server.http().get("/api/db/report");
    EXPECT_EQ(report.status, 200) << report.body;
    EXPECT_EQ(report.body.find(password), std::string::npos) << report.body;
    EXPECT_NE(report.body.find("***"), std::string::npos) << report.body;
    EXPECT_EQ(server.stop(), 0);
    const std::string dropped = odbc_exec(odbc_connection_string(text, "master"),
                                          "IF DB_ID(N'events_report_test') IS NOT NULL BEGIN ALTER DATABASE "
                                          "[events_report_test] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE "
                                          "[events_report_test]; END");
    EXPECT_EQ(dropped, "");
}

}  // namespace
}  // namespace events::e2e
