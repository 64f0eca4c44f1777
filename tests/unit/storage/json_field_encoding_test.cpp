// docs/DECISIONS.md §4.6: the stored form of JSON fields on document backends is reversible.
#include "storage/document/json_field_encoding.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <functional>

namespace events {
namespace {

namespace json = boost::json;

TEST(JsonFieldEncoding, KeysBsonCannotHoldAreEncodedAndComeBack) {
    const json::value contents = json::parse(
        R"({"": 1, "$set": {"a.b": 2, "$": [{"%2E": 3}]}, "x.y": {"": {"$in": null}}, "\uE000uint64": "7", "plain": "a"})");
    const json::value stored = encode_json_field(contents);
    std::function<void(const json::value&)> no_bad_keys = [&](const json::value& v) {
        if (v.is_object())
            for (const auto& kv : v.get_object()) {
                EXPECT_FALSE(kv.key().empty());
                EXPECT_NE(kv.key().front(), '$') << kv.key();
                EXPECT_EQ(kv.key().find('.'), json::string_view::npos) << kv.key();
                no_bad_keys(kv.value());
            }
        if (v.is_array())
            for (const auto& item : v.get_array()) no_bad_keys(item);
    };
    no_bad_keys(stored);
    EXPECT_EQ(stored.at("plain"), "a");   // ordinary contents are stored as they are
    EXPECT_EQ(decode_json_field(stored), contents);
}

TEST(JsonFieldEncoding, IntegersAboveInt64StayExact) {
    const json::value contents = json::parse(R"({"big": 18446744073709551615, "max": 9223372036854775807, "list": [9223372036854775808]})");
    const json::value stored = encode_json_field(contents);
    EXPECT_TRUE(stored.at("big").is_object());
    EXPECT_TRUE(stored.at("max").is_int64());
    const json::value back = decode_json_field(stored);
    EXPECT_EQ(back, contents);
    EXPECT_EQ(back.at("big").as_uint64(), 18446744073709551615ull);
}

TEST(JsonFieldEncoding, ContentsWrittenBeforeTheEncodingReadTheSame) {
    const json::value old = json::parse(R"({"a": {"b": [1, 2.5, "c%2E"]}, "n": null})");
    EXPECT_EQ(decode_json_field(old), old);
}

}  // namespace
}  // namespace events
