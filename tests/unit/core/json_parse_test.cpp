// JSON syntax errors with their line and column (tools/json_parse.h).
#include "tools/json_parse.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace events
