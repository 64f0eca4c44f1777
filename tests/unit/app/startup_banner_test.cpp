// What `events serve` prints once it listens (app/startup_banner.h).
#include "app/startup_banner.h"

#include <gtest/gtest.h>

namespace events {
namespace {

StartupFacts facts() {
    StartupFacts f;
    f.host = "127.0.0.1";
    f.port = 5500;
    f.get_paths = {"/api/metadata", "/openapi.json", "/docs", "/metrics", "/api/health"};
    f.example_entity = "account";
    f.schema = "the bundled sample schema";
    f.entities = 8;
    f.backend = "sqlite";
    f.database = "events.db";
    f.authentication = "off";
    return f;
}

TEST(StartupBanner, NamesTheUrlsSchemaDatabaseAndAuthentication) {
    const std::vector<std::string> expected = {
        "events is serving on http://127.0.0.1:5500",
        "  API             http://127.0.0.1:5500/api/<entity>, e.g. http://127.0.0.1:5500/api/account",
        "  API docs        http://127.0.0.1:5500/docs",
        "  metrics         http://127.0.0.1:5500/metrics",
        "  OpenAPI         http://127.0.0.1:5500/openapi.json",
        "  metadata        http://127.0.0.1:5500/api/metadata",
        "  schema          the bundled sample schema (8 entities)",
        "  database        sqlite events.db",
        "  authentication  off",
    };
    EXPECT_EQ(startup_banner(facts()), expected);
}

// /admin/ is listed when the router serves it, and only then; so are /docs and /metrics.
TEST(StartupBanner, ListsOnlyThePagesServed) {
    StartupFacts f = facts();
    f.get_paths = {"/admin/"};
    const auto lines = startup_banner(f);
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_EQ(lines[2], "  admin UI        http://127.0.0.1:5500/admin/");
}

TEST(StartupBanner, WildcardHostsBrowseAsLocalhost) {
    EXPECT_EQ(browse_url("0.0.0.0", 80), "http://localhost:80");
    EXPECT_EQ(browse_url("::", 80), "http://localhost:80");
    EXPECT_EQ(browse_url("::1", 80), "http://[::1]:80");
    StartupFacts f = facts();
    f.host = "0.0.0.0";
    EXPECT_EQ(startup_banner(f).front(), "events is serving on http://localhost:5500 (every interface)");
}

TEST(StartupBanner, DatabaseNamesTheServerDatabase) {
    Config c;
    EXPECT_EQ(database_description(c), "events.db");
    c.database = "postgresql";
    c.db_uri = "postgresql://me:secret@db:5432/library?sslmode=disable";
    EXPECT_EQ(database_description(c), "postgresql://me:***@db:5432/library?sslmode=disable, database library");
    c.db_uri = "postgresql://me@db:5432";
    EXPECT_EQ(database_description(c), "postgresql://me@db:5432, database events");
    c.db_name = "shop";
    EXPECT_EQ(database_description(c), "postgresql://me@db:5432, database shop");
}

TEST(StartupBanner, AuthenticationIsOffForNow) {
    EXPECT_EQ(authentication_state(Config{}, Schema::load_bundled()).rfind("off", 0), 0u);
}

}  // namespace
}  // namespace events
