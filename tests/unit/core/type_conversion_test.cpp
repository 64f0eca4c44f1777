// The conversion rule of a field's type change (core/type_conversion.h; docs/DECISIONS.md
// §5.3, §5.4; docs/SCHEMA.md "Changing a schema").
#include "core/type_conversion.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

namespace events {
namespace {

namespace json = boost::json;

// The field `name` of a one-entity schema whose fields are `fields`.
class Target {
public:
    explicit Target(const std::string& fields)
        : schema_(Schema::load_text("_entities:\n  Member:\n    fields:\n" + fields, "test")) {}
    const Field& field(const std::string& name) const { return *schema_.find("Member")->find_field(name); }

private:
    Schema schema_;
};

json::value converted(const json::value& v, FieldType from, const Field& to) {
    const ConvertedValue c = convert_stored_value(v, from, to);
    EXPECT_FALSE(c.failure) << json::serialize(v) << ": " << c.failure.value_or("");
    return c.value;
}

std::string failure(const json::value& v, FieldType from, const Field& to) {
    const ConvertedValue c = convert_stored_value(v, from, to);
    EXPECT_TRUE(c.value.is_null());
    return c.failure.value_or("(converted)");
}

TEST(TypeConversion, LosslessConversionsKeepEveryValue) {
    const Target t("      s: {type: String}\n      n: {type: Number}\n      dt: {type: Datetime}\n      j: {type: JSON}\n");
    EXPECT_EQ(converted(1950, FieldType::Integer, t.field("s")), "1950");
    EXPECT_EQ(converted(-7, FieldType::Integer, t.field("s")), "-7");
    EXPECT_EQ(converted(2.5, FieldType::Number, t.field("s")), "2.5");
    EXPECT_EQ(converted(1e30, FieldType::Number, t.field("s")), "1e+30");   // as responses print it
    EXPECT_EQ(converted(true, FieldType::Boolean, t.field("s")), "true");
    EXPECT_EQ(converted("1950-05-23", FieldType::Date, t.field("s")), "1950-05-23");
    EXPECT_EQ(converted(1950, FieldType::Integer, t.field("n")), 1950.0);
    EXPECT_EQ(converted("1950-05-23", FieldType::Date, t.field("dt")), "1950-05-23T00:00:00.000Z");
    EXPECT_EQ(converted(json::object{{"a", 1}}, FieldType::Json, t.field("j")), (json::object{{"a", 1}}));
}

TEST(TypeConversion, CheckedConversionsTakeWhatAClientCouldSend) {
    const Target t("      i: {type: Integer}\n      n: {type: Number}\n      d: {type: Date}\n      b: {type: Boolean}\n");
    EXPECT_EQ(converted("1950", FieldType::String, t.field("i")), 1950);
    EXPECT_EQ(converted(" 42 ", FieldType::String, t.field("i")), 42);
    EXPECT_EQ(converted(3.0, FieldType::Number, t.field("i")), 3);
    EXPECT_EQ(converted("2.5", FieldType::String, t.field("n")), 2.5);
    EXPECT_EQ(converted("1950-05-23", FieldType::String, t.field("d")), "1950-05-23");
    EXPECT_EQ(converted("2020-01-02T00:00:00.000Z", FieldType::Datetime, t.field("d")), "2020-01-02");

    EXPECT_EQ(failure("unknown", FieldType::String, t.field("i")), "Input should be a valid integer");
    EXPECT_EQ(failure(3.5, FieldType::Number, t.field("i")), "Input should be a valid integer");
    EXPECT_EQ(failure("1950-05-23", FieldType::Date, t.field("i")), "Input should be a valid integer");
    EXPECT_EQ(failure("soon", FieldType::String, t.field("d")), "Input should be a valid date");
    EXPECT_EQ(failure("yes", FieldType::String, t.field("b")), "Input should be a valid boolean");
}

TEST(TypeConversion, TheNewFieldsRulesApply) {
    const Target t("      i: {type: Integer, ge: 0}\n      s: {type: String, max_length: 3}\n"
                   "      e: {type: String, enum: {values: [a, b]}}\n");
    EXPECT_EQ(failure("-1", FieldType::String, t.field("i")), "Input should be greater than or equal to 0");
    EXPECT_EQ(failure(12345, FieldType::Integer, t.field("s")), "String should have at most 3 characters");
    EXPECT_EQ(failure(1, FieldType::Integer, t.field("e")), "Input should be 'a' or 'b'");
}

TEST(TypeConversion, IntegersADoubleCannotHoldExactlyDoNotBecomeNumbers) {
    const Target t("      n: {type: Number}\n");
    EXPECT_EQ(converted(int64_t{1} << 53, FieldType::Integer, t.field("n")), 9007199254740992.0);
    EXPECT_NE(failure((int64_t{1} << 53) + 1, FieldType::Integer, t.field("n")).find("2^53"), std::string::npos);
}

TEST(TypeConversion, NullStaysNull) {
    const Target t("      i: {type: Integer}\n");
    const ConvertedValue c = convert_stored_value(nullptr, FieldType::String, t.field("i"));
    EXPECT_FALSE(c.failure);
    EXPECT_TRUE(c.value.is_null());
}

}  // namespace
}  // namespace events
