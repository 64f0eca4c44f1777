#include "tools/json_text.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <limits>

namespace events {
namespace {

namespace json = boost::json;

TEST(JsonText, WritesScalars) {
    EXPECT_EQ(to_json_text(nullptr), "null");
    EXPECT_EQ(to_json_text(true), "true");
    EXPECT_EQ(to_json_text(false), "false");
    EXPECT_EQ(to_json_text(json::value(int64_t{-42})), "-42");
    EXPECT_EQ(to_json_text(json::value(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
    EXPECT_EQ(to_json_text(json::value(std::numeric_limits<uint64_t>::max())), "18446744073709551615");
}

TEST(JsonText, WritesDoublesWithoutExponent) {
    EXPECT_EQ(to_json_text(json::value(50000.0)), "50000");
    EXPECT_EQ(to_json_text(json::value(236153.61)), "236153.61");
    EXPECT_EQ(to_json_text(json::value(1e17)), "100000000000000000");
    EXPECT_EQ(to_json_text(json::value(0.000015)), "0.000015");
}

TEST(JsonText, NonFiniteDoublesBecomeNull) {
    EXPECT_EQ(to_json_text(json::value(std::numeric_limits<double>::infinity())), "null");
    EXPECT_EQ(to_json_text(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
}

TEST(JsonText, EscapesStrings) {
    EXPECT_EQ(to_json_text(json::value("a\"b\\c")), R"("a\"b\\c")");
    EXPECT_EQ(to_json_text(json::value("line\nbreak\ttab\x01")), R"("line\u000abreak\u0009tab\u0001")");
    EXPECT_EQ(to_json_text(json::value(std::string("nul\0x", 5))), R"("nul\u0000x")");
    EXPECT_EQ(to_json_text(json::value("/ slash")), R"("/ slash")");
}

TEST(JsonText, PassesUtf8Through) {
    EXPECT_EQ(to_json_text(json::value("Zoë – 日本 🎉")), "\"Zoë – 日本 🎉\"");
}

TEST(JsonText, WritesContainersCompactlyInInsertionOrder) {
    json::object o;
    o["zeta"] = 1;
    o["alpha"] = json::array{1, 2.5, "x", nullptr, json::object{}};
    o["mid"] = json::object{{"k\"ey", false}};
    o["empty"] = json::array{};
    EXPECT_EQ(to_json_text(o), R"({"zeta":1,"alpha":[1,2.5,"x",null,{}],"mid":{"k\"ey":false},"empty":[]})");
}

TEST(JsonText, OutputParsesBackToTheSameValue) {
    const json::value v = json::parse(R"({"a":[1,-2,3.25,"q\"\\\n\u0007é"],"b":{"c":null,"d":true},"e":1e-3})");
    EXPECT_EQ(json::parse(to_json_text(v)), v);
}

TEST(JsonText, AppendsToExistingText) {
    std::string out = "prefix:";
    append_json_text(out, json::array{1, 2});
    EXPECT_EQ(out, "prefix:[1,2]");
}

}  // namespace
}  // namespace events
