#include "http/request_target.h"

#include <gtest/gtest.h>

namespace events {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

TEST(RequestTarget, SplitsPathAndQueryInUrlOrder) {
    auto t = parse_request_target("/api/user?pageSize=5&filter=name:bob&sort=name");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/api/user");
    EXPECT_EQ(t->query, (Query{{"pageSize", "5"}, {"filter", "name:bob"}, {"sort", "name"}}));
}

TEST(RequestTarget, DecodesPercentEscapesAndPlusOnlyInTheQuery) {
    auto t = parse_request_target("/api/a%20b+c?f%3Dx=a%2Cb+c%26d&plus=%2B");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/api/a b+c");
    EXPECT_EQ(t->query, (Query{{"f=x", "a,b c&d"}, {"plus", "+"}}));
}

// docs/DECISIONS.md §4.5: every accepted id is reachable, so `%2F` is data inside its
// segment, never a separator; empty segments are left out.
TEST(RequestTarget, EncodedSlashStaysInItsSegment) {
    auto t = parse_request_target("/api//account/a%2Fb%3Fc/?x=1");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/api//account/a/b?c/");
    EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "account", "a/b?c"}));
}

TEST(RequestTarget, KeysWithoutValueAndEmptyItems) {
    auto t = parse_request_target("/x?full_match&&a=&=v&b=1=2");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->query, (Query{{"full_match", ""}, {"a", ""}, {"", "v"}, {"b", "1=2"}}));
}

TEST(RequestTarget, NoQuery) {
    auto t = parse_request_target("/api/metadata");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->path, "/api/metadata");
    EXPECT_TRUE(t->query.empty());
    auto empty = parse_request_target("/api/metadata?");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->query.empty());
}

TEST(RequestTarget, MalformedEscapesAreRejected) {
    EXPECT_FALSE(parse_request_target("/api/%zz"));
    EXPECT_FALSE(parse_request_target("/api/x%4"));
    EXPECT_FALSE(parse_request_target("/api/x%"));
    EXPECT_FALSE(parse_request_target("/api/x?a=%G1"));
    EXPECT_FALSE(parse_request_target("/api/x?a%=1"));
}

TEST(RequestTarget, DecodesUtf8Bytes) {
    auto v = percent_decode("caf%C3%A9", false);
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, "caf\xC3\xA9");
}

}  // namespace
}  // namespace events
