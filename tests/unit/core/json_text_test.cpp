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

// append_json_string skips 8 bytes at a time: every character that needs an escape, at
// every position of a word and across word boundaries, must still be escaped, and the
// output must equal Boost.JSON's serialisation parsed back.
TEST(JsonText, EscapesAtEveryPositionOfALongString) {
    const std::string specials[] = {"\"", "\\", std::string(1, '\0'), "\n", "\x1f", "\x7f", "\xc3\xa9"};
    for (const std::string& special : specials)
        for (size_t at = 0; at < 40; ++at) {
            std::string s(40, 'a');
            s.replace(at, 1, special);
            std::string out;
            append_json_string(out, s);
            EXPECT_EQ(json::parse(out).as_string(), s) << "at " << at;
            for (size_t i = 1; i + 1 < out.size(); ++i) {
                const auto c = static_cast<unsigned char>(out[i]);
                EXPECT_GE(c, 0x20) << "raw control character at " << at;
            }
        }
    std::string plain(1000, 'x');
    std::string out;
    append_json_string(out, plain);
    EXPECT_EQ(out, "\"" + plain + "\"");
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
