// JSON syntax errors with their line and column (tools/json_parse.h).
#include "tools/json_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace events {
namespace {

JsonSyntaxError error_of(std::string_view text) {
    JsonSyntaxError e;
    EXPECT_FALSE(parse_json(text, e).has_value()) << text;
    return e;
}

TEST(JsonParse, ValidTextGivesTheValue) {
    JsonSyntaxError e;
    auto v = parse_json(" {\"a\": [1, 2]}\n", e);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->at("a").as_array().size(), 2u);
}

TEST(JsonParse, SyntaxErrorNamesLineAndColumn) {
    // The missing comma: the parser stops at the second key, line 3, column 3.
    const JsonSyntaxError e = error_of("{\n  \"name\": \"Acme\"\n  \"credit\": 5\n}");
    EXPECT_EQ(e.line, 3u);
    EXPECT_EQ(e.column, 3u);
    EXPECT_EQ(e.describe(), "syntax error at line 3, column 3");
}

TEST(JsonParse, ColumnsCountCharactersNotBytes) {
    const JsonSyntaxError e = error_of("{\"name\": \"Zoë\" x}");
    EXPECT_EQ(e.line, 1u);
    EXPECT_EQ(e.column, 16u);   // the x; "ë" is two bytes and one column
}

TEST(JsonParse, TruncatedAndTrailingText) {
    const JsonSyntaxError cut = error_of("{\"a\": 1,\n");
    EXPECT_EQ(cut.line, 2u);
    EXPECT_EQ(cut.column, 1u);
    EXPECT_EQ(cut.reason, "incomplete JSON");
    const JsonSyntaxError extra = error_of("{} {}");
    EXPECT_EQ(extra.column, 4u);
    EXPECT_EQ(extra.describe(), "extra data at line 1, column 4");
    EXPECT_EQ(error_of("  ").describe(), "incomplete JSON at line 1, column 3");
}

// docs/DECISIONS.md §4.6: a double reads back as itself (Boost.JSON 1.81's own reader
// takes `1.0E30` for 9.999999999999999e+29), integers up to 2^64 - 1 stay integers.
TEST(JsonParse, DoublesAreReadExactly) {
    JsonSyntaxError e;
    auto v = parse_json(R"([1.0E30, 1e30, 1000000000000000000000000000000.0, 0.1, 5e-324, 18446744073709551615, -9223372036854775808])", e);
    ASSERT_TRUE(v.has_value()) << e.describe();
    const auto& a = v->as_array();
    EXPECT_EQ(a[0].as_double(), 1e30);
    EXPECT_EQ(a[1].as_double(), 1e30);
    EXPECT_EQ(a[2].as_double(), 1e30);
    EXPECT_EQ(a[3].as_double(), 0.1);
    EXPECT_EQ(a[4].as_double(), 5e-324);
    EXPECT_EQ(a[5].as_uint64(), 18446744073709551615ull);
    EXPECT_EQ(a[6].as_int64(), INT64_MIN);
    // Beyond a double: infinity, which the body check refuses (core/field_check.h).
    auto huge = parse_json("[1e400]", e);
    ASSERT_TRUE(huge.has_value());
    EXPECT_TRUE(std::isinf(huge->as_array()[0].as_double()));
}

TEST(JsonParse, NestingBeyondTheLimitIsNamed) {
    JsonSyntaxError e;
    EXPECT_TRUE(parse_json("[[[1]]]", e, 3).has_value());
    EXPECT_FALSE(parse_json("[[[[1]]]]", e, 3).has_value());
    EXPECT_EQ(e.describe(), "nesting deeper than 3 levels at line 1, column 4");
}

}  // namespace
}  // namespace events
