// The SQL Server backend without a SQL Server: URI parsing and password masking, the
// cascade paths SQL Server refuses (error 1785) on the sample schema and on a diamond,
// error classification, UTF-16 conversion, and the real ODBC client (FreeTDS) against
// a closed port: start-up fails naming host and port, health answers 503.
#include "apis/api_router.h"
#include "app/config.h"
#include "service/document_service.h"
#include "core/schema.h"
#include "storage/driver.h"
#include "storage/sql/sql_builder.h"
#include "storage/sqlserver/cascade_paths.h"
#include "storage/sqlserver/mssql_connection.h"
#include "storage/sqlserver/mssql_dialect.h"
#include "storage/sqlserver/mssql_target.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace events {
namespace {

// ---- cascade paths ---------------------------------------------------------------------

TEST(SqlServerCascadePaths, SampleSchemaHasNoSecondPath) {
    const Schema schema = Schema::load_bundled();
    // Account -> User -> Profile -> TagAffinity, User -> UserEvent <- Event, Url -> Crawl:
    // every table is reached from any other by at most one path.
    EXPECT_TRUE(foreign_keys_cascaded_by_service(schema).empty());
    const MssqlDialect d(schema);
    for (const auto& e : schema.entities())
        for (const Field* fk : e->foreign_keys) EXPECT_TRUE(d.cascades_natively(*fk)) << e->name << "." << fk->name;
}

const char* const kDiamond = R"(
_entities:
  Org:
    fields:
      name: {type: String}
  Team:
    fields:
      orgId: {type: ObjectId, required: true}
  Site:
    fields:
      orgId: {type: ObjectId, required: false}
  Member:
    fields:
      teamId: {type: ObjectId, required: true}
      siteId: {type: ObjectId, required: true}
  Node:
    fields:
      nodeId: {type: ObjectId, required: false}
)";

TEST(SqlServerCascadePaths, DiamondAndSelfReferenceAreCascadedByTheService) {
    const Schema schema = Schema::load_text(kDiamond);
    const std::set<const Field*> service = foreign_keys_cascaded_by_service(schema);
    // Org -> Team -> Member and Org -> Site -> Member: the later of the two FKs of Member
    // would be a second path from Org; Node -> Node is a cycle.
    ASSERT_EQ(service.size(), 2u);
    const Entity& member = *schema.find("Member");
    const Entity& node = *schema.find("Node");
    EXPECT_TRUE(service.count(member.find_field("siteId")));
    EXPECT_FALSE(service.count(member.find_field("teamId")));
    EXPECT_TRUE(service.count(node.find_field("nodeId")));
    EXPECT_FALSE(service.count(schema.find("Team")->find_field("orgId")));
    EXPECT_FALSE(service.count(schema.find("Site")->find_field("orgId")));

    // Declared NO ACTION in the DDL, and reported to the document service.
    const MssqlDialect d(schema);
    const SqlBuilder b(d, false, true);
    EXPECT_EQ(b.on_delete_action(*member.find_field("siteId")), "NO ACTION");
    EXPECT_EQ(b.on_delete_action(*member.find_field("teamId")), "CASCADE");
    EXPECT_EQ(b.on_delete_action(*schema.find("Site")->find_field("orgId")), "SET NULL");
    EXPECT_EQ(b.on_delete_action(*node.find_field("nodeId")), "NO ACTION");
    EXPECT_FALSE(d.cascades_natively(*member.find_field("siteId")));
    EXPECT_TRUE(d.cascades_natively(*member.find_field("teamId")));
    // cascade_delete off: nothing cascades in the database.
    const SqlBuilder off(d, false, false);
    EXPECT_EQ(off.on_delete_action(*member.find_field("teamId")), "NO ACTION");
}

// ---- target -----------------------------------------------------------------------

std::string keyword(const MssqlTarget& t, const std::string& k) {
    for (const auto& [key, value] : t.keywords())
        if (key == k) return value;
    return "<absent>";
}

TEST(SqlServerTarget, UriForm) {
    const MssqlTarget t("mssql://sa:p%40ss;word@db.example:14330/fromuri?Encrypt=no", "");
    EXPECT_EQ(t.database(), "fromuri");
    EXPECT_EQ(t.endpoint(), "db.example:14330");
    EXPECT_EQ(keyword(t, "Server"), "db.example");
    EXPECT_EQ(keyword(t, "Port"), "14330");
    EXPECT_EQ(keyword(t, "UID"), "sa");
    EXPECT_EQ(keyword(t, "PWD"), "p@ss;word");
    EXPECT_EQ(keyword(t, "Encrypt"), "no");
    EXPECT_EQ(keyword(t, "Driver"), default_odbc_driver());
    // A password with ';' is braced, so it cannot end the value early.
    const std::string cs = t.connection_string("events");
    EXPECT_NE(cs.find("PWD={p@ss;word};"), std::string::npos) << cs;
    EXPECT_NE(cs.find("Database=events;"), std::string::npos) << cs;
    const boost::json::object info = t.describe();
    EXPECT_EQ(info.at("uri"), "mssql://sa:***@db.example:14330/fromuri");
    EXPECT_EQ(boost::json::serialize(info).find("p@ss"), std::string::npos);
    // The URI's database is used; naming another in db_name is refused; the default port is 1433.
    EXPECT_EQ(MssqlTarget("mssql://sa:x@h/db", "").database(), "db");
    EXPECT_THROW(MssqlTarget("mssql://sa:x@h/db", "other"), std::invalid_argument);
    EXPECT_EQ(MssqlTarget("sqlserver://sa:x@h", "").endpoint(), "h:1433");
    EXPECT_EQ(MssqlTarget("mssql://sa:x@h", "").database(), "events");
}

TEST(SqlServerTarget, MicrosoftDriverGetsTcpServer) {
    const MssqlTarget t("mssql://sa:x@h:1444?driver=ODBC%20Driver%2018%20for%20SQL%20Server&TrustServerCertificate=yes",
                        "d");
    EXPECT_EQ(keyword(t, "Driver"), "ODBC Driver 18 for SQL Server");
    EXPECT_EQ(keyword(t, "Server"), "tcp:h,1444");
    EXPECT_EQ(keyword(t, "Port"), "<absent>");
    EXPECT_EQ(keyword(t, "TrustServerCertificate"), "yes");
    EXPECT_NE(t.connection_string("d").find("Driver={ODBC Driver 18 for SQL Server};"), std::string::npos);
}

TEST(SqlServerTarget, OdbcConnectionString) {
    const MssqlTarget t("Driver={FreeTDS};Server=10.0.0.5;Port=1500;UID=app;PWD={a;b}}};Database=events", "events");
    EXPECT_EQ(t.database(), "events");
    EXPECT_EQ(MssqlTarget("Server=h;UID=u;Database=x", "").database(), "x");
    EXPECT_THROW(MssqlTarget("Server=h;UID=u;Database=x", "events"), std::invalid_argument);
    EXPECT_EQ(t.endpoint(), "10.0.0.5:1500");
    EXPECT_EQ(keyword(t, "PWD"), "a;b}");
    const std::string cs = t.connection_string("events");
    EXPECT_EQ(cs.find("Database=events;Database"), std::string::npos) << cs;
    EXPECT_EQ(t.describe().at("uri"), "mssql://app:***@10.0.0.5:1500/events");
    EXPECT_EQ(MssqlTarget("Server=tcp:h,1499;UID=u", "").endpoint(), "h:1499");
    EXPECT_THROW(MssqlTarget("not a uri", ""), std::invalid_argument);
    EXPECT_THROW(MssqlTarget("mssql://:x@/db", ""), std::invalid_argument);
    EXPECT_THROW(MssqlTarget("mssql://u:x@h:port", ""), std::invalid_argument);
}

// ---- errors and text -----------------------------------------------------------------

TEST(SqlServerDialect, ClassifiesErrorNumbers) {
    const Schema schema = Schema::load_bundled();
    const MssqlDialect d(schema);
    SqlFailure f = d.classify(SqlError(
        "[FreeTDS][SQL Server]Cannot insert duplicate key row in object 'dbo.User' with unique index "
        "'ux_User_username'. The duplicate key value is (jdoe).",
        2601, "23000", "ux_User_username"));
    EXPECT_EQ(f.kind, SqlFailure::Kind::Unique);
    EXPECT_FALSE(f.primary_key);
    EXPECT_EQ(f.index_name, "ux_User_username");
    f = d.classify(SqlError("Violation of PRIMARY KEY constraint 'PK__User__3213E83F'. Cannot insert duplicate key",
                            2627, "23000", "PK__User__3213E83F"));
    EXPECT_EQ(f.kind, SqlFailure::Kind::Unique);
    EXPECT_TRUE(f.primary_key);
    f = d.classify(SqlError("The INSERT statement conflicted with the FOREIGN KEY constraint \"FK__User__accou\".", 547,
                            "23000"));
    EXPECT_EQ(f.kind, SqlFailure::Kind::ForeignKey);
    f = d.classify(SqlError("The DELETE statement conflicted with the REFERENCE constraint \"FK__User__accou\".", 547,
                            "23000"));
    EXPECT_EQ(f.kind, SqlFailure::Kind::ForeignKey);
    f = d.classify(SqlError("The INSERT statement conflicted with the CHECK constraint \"CK__Event__tags\".", 547, "23000"));
    EXPECT_EQ(f.kind, SqlFailure::Kind::Other);
    EXPECT_EQ(d.classify(SqlError("Communication link failure", 0, "08S01")).kind, SqlFailure::Kind::ConnectionLost);
    EXPECT_EQ(d.classify(SqlError("cannot connect", 0, "08001")).kind, SqlFailure::Kind::ConnectionLost);
    EXPECT_EQ(d.classify(SqlError("deadlock victim", 1205, "40001")).kind, SqlFailure::Kind::Busy);
    EXPECT_EQ(d.classify(SqlError("Cannot insert the value NULL", 515, "23000")).kind, SqlFailure::Kind::NotNull);
}

TEST(SqlServerDialect, LikePatternsEscapeEveryWildcard) {
    const Schema schema = Schema::load_bundled();
    const MssqlDialect d(schema);
    EXPECT_EQ(d.contains_pattern("50%_[a]\\b"), "%50\\%\\_\\[a]\\\\b%");
    EXPECT_EQ(mssql_timestamp_to_canonical("2025-11-12 20:11:17.123"), "2025-11-12T20:11:17.123Z");
    EXPECT_EQ(mssql_timestamp_to_canonical("2025-11-12 20:11:17.1239999"), "2025-11-12T20:11:17.123Z");
    EXPECT_EQ(mssql_timestamp_to_canonical("2025-11-12 20:11:17"), "2025-11-12T20:11:17.000Z");
}

TEST(SqlServerDialect, Utf16RoundTrip) {
    const std::string text = "Ирина Straße 😀 e\xcc\x81";
    const std::u16string wide = utf8_to_utf16(text);
    EXPECT_EQ(wide.size(), 18u);   // the emoji is a surrogate pair, the accent its own unit
    EXPECT_EQ(utf16_to_utf8(wide), text);
    EXPECT_EQ(utf16_to_utf8(utf8_to_utf16("a\xff" "b")), "a\xef\xbf\xbd" "b");
    EXPECT_EQ(utf8_to_utf16(std::string("a\0b", 3)).size(), 3u);
}

// ---- the ODBC client against a closed port --------------------------------------------

// A port on which nothing listens: bound (so nobody else takes it) but not listening,
// so a connection attempt is refused at once.
class ClosedPort {
public:
    ClosedPort() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
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

TEST(SqlServerClient, ClosedPortFailsStartUpNamingHostAndPort) {
    const ClosedPort closed;
    ASSERT_GT(closed.port(), 0);
    const std::string endpoint = "127.0.0.1:" + std::to_string(closed.port());
    const Schema schema = Schema::load_bundled();
    DriverOptions options;
    options.uri = "mssql://sa:Secret123!@" + endpoint;
    options.db_name = "events_closed";
    auto driver = make_driver("sqlserver", schema, options);
    EXPECT_EQ(driver->backend_name(), "sqlserver");
    const auto started = std::chrono::steady_clock::now();
    try {
        driver->open();
        FAIL() << "open() succeeded against a closed port";
    } catch (const StorageUnavailable& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("cannot connect to SQL Server at " + endpoint), std::string::npos) << message;
        EXPECT_EQ(message.find("Secret123"), std::string::npos) << message;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15)) << "a refused connection must fail fast";
    EXPECT_FALSE(driver->ping());

    // Health of a server whose database cannot be reached: 503 in the envelope.
    ApiOptions api;
    api.database = "sqlserver";
    DocumentService service(schema, *driver, ServiceOptions{});
    ApiRouter router(api, service);
    HttpRequest req;
    req.method = "GET";
    req.path = "/api/health";
    const HttpResponse res = router.handle(req);
    EXPECT_EQ(res.status, 503) << res.body;
    EXPECT_NE(res.body.find("Database sqlserver is unreachable"), std::string::npos) << res.body;
}

TEST(SqlServerClient, ConnectionRefusedIsAConnectionFailure) {
    const ClosedPort closed;
    const MssqlTarget target("mssql://sa:x@127.0.0.1:" + std::to_string(closed.port()), "events");
    try {
        MssqlConnection c(target.connection_string("events"), target.endpoint(), 5);
        FAIL() << "connected to a closed port";
    } catch (const SqlError& e) {
        EXPECT_EQ(e.state, "08001") << e.what();
        const Schema schema = Schema::load_bundled();
        EXPECT_EQ(MssqlDialect(schema).classify(e).kind, SqlFailure::Kind::ConnectionLost);
        EXPECT_NE(std::string(e.what()).find(target.endpoint()), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace events
