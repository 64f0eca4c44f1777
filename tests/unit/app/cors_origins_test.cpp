// The CORS origins a config allows (app/application.h, docs/OPERATIONS.md "CORS").
#include "app/cors_origins.h"

#include <gtest/gtest.h>

namespace events {
namespace {

using Origins = std::vector<std::string>;

TEST(CorsOrigins, UiPortAndServerPortThenTheConfiguredOnes) {
    Config c;
    c.cors_origins = " https://a.example , https://b.example,,";
    EXPECT_EQ(cors_origins_of(c),
              (Origins{"http://localhost:4200", "http://localhost:5500", "https://a.example", "https://b.example"}));
    EXPECT_FALSE(cors_any_origin(c));
}

// ui_port 0 adds no origin: the original framework's UI port is only a default.
TEST(CorsOrigins, UiPortZeroAddsNone) {
    Config c;
    c.ui_port = 0;
    EXPECT_EQ(cors_origins_of(c), (Origins{"http://localhost:5500"}));
}

// "*" alone or inside a list means any origin (without credentials), and is no origin itself.
TEST(CorsOrigins, StarMeansAnyOrigin) {
    Config c;
    c.cors_origins = "*";
    EXPECT_TRUE(cors_any_origin(c));
    EXPECT_EQ(cors_origins_of(c), (Origins{"http://localhost:4200", "http://localhost:5500"}));
    c.cors_origins = "https://a.example, *";
    EXPECT_TRUE(cors_any_origin(c));
    EXPECT_EQ(cors_origins_of(c).back(), "https://a.example");
}

}  // namespace
}  // namespace events
