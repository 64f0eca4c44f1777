#include "core/body_validator.h"

#include "tools/json_text.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace events {
namespace {

namespace json = boost::json;

// Every type and attribute in one entity, so each test reads one field.
const char* kSchema = R"(
_dictionaries:
  main:
    code: '^[A-Z]{2}\d+$'
_entities:
  Owner:
    fields:
      name: {type: String}
  Item:
    fields:
      title: {type: String, required: true, min_length: 3, max_length: 5}
      count: {type: Integer, ge: -2, le: 10}
      price: {type: Currency, ge: 0.5}
      ratio: {type: Number, le: 1.5}
      active: {type: Boolean, default: true}
      flag: {type: Boolean}
      day: {type: Date}
      at: {type: Datetime}
      ownerId: {type: ObjectId}
      meta: {type: JSON}
      tags: {type: 'Array[String]'}
      code: {type: String, pattern: {regex: dictionary=main.code}}
      email: {type: String, pattern: {regex: '@', message: Bad email}}
      color: {type: String, enum: {values: [red, green, blue]}}
      size: {type: String, enum: {values: [S, M], message: pick S or M}}
      single: {type: String, enum: {values: [only]}}
      pair: {type: String, enum: {values: [a, b]}}
      note: {type: String, default: hello}
      createdAt: {type: Datetime, autoGenerate: true, required: true}
      updatedAt: {type: Datetime, autoUpdate: true}
)";

class BodyValidator : public ::testing::Test {
protected:
    static void SetUpTestSuite() { schema_ = new Schema(Schema::load_text(kSchema)); }
    static void TearDownTestSuite() { delete schema_; }

    static const Entity& item() { return *schema_->find("Item"); }

    // Checks `extra` merged into a valid minimal body.
    static BodyCheck check(const std::string& extra_json) {
        json::object body = json::parse(R"({"title": "abcd"})").as_object();
        const json::value extra = json::parse(extra_json);
        for (const auto& kv : extra.as_object()) body[kv.key()] = kv.value();
        return check_body(item(), body);
    }

    // The single error of a check, as text "field|message|value".
    static std::string only_error(const BodyCheck& c) {
        if (c.errors.size() != 1) {
            std::string all;
            for (const auto& e : c.errors) all += e.field + ":" + e.message + "; ";
            return "expected exactly one error, got " + std::to_string(c.errors.size()) + ": " + all;
        }
        const Notice& e = c.errors[0];
        EXPECT_EQ(e.type, "validation_failed");
        return e.field + "|" + e.message + "|" + (e.value.is_null() ? "" : to_json_text(e.value));
    }

    static std::string value_of(const BodyCheck& c, const char* field) {
        EXPECT_TRUE(c.errors.empty()) << (c.errors.empty() ? "" : c.errors[0].message);
        return to_json_text(c.doc.at(field));
    }

    static inline Schema* schema_ = nullptr;
};

TEST_F(BodyValidator, OutputHasEveryFieldExceptIdInSchemaOrder) {
    const BodyCheck c = check("{}");
    EXPECT_TRUE(c.errors.empty());
    EXPECT_TRUE(c.warnings.empty());
    std::vector<std::string> keys;
    for (const auto& kv : c.doc) keys.push_back(kv.key());
    std::vector<std::string> expected;
    for (const Field& f : item().fields)
        if (!f.is_id()) expected.push_back(f.name);
    EXPECT_EQ(keys, expected);
    EXPECT_EQ(c.doc.at("count"), nullptr);
    EXPECT_EQ(c.doc.at("createdAt"), nullptr);   // the document service fills it
    EXPECT_EQ(c.doc.at("updatedAt"), nullptr);
}

TEST_F(BodyValidator, DefaultsApplyOnlyToAbsentKeys) {
    EXPECT_EQ(value_of(check("{}"), "active"), "true");
    EXPECT_EQ(value_of(check("{}"), "note"), R"("hello")");
    EXPECT_EQ(value_of(check(R"({"active": false})"), "active"), "false");
    EXPECT_EQ(value_of(check(R"({"active": null})"), "active"), "null");
}

TEST_F(BodyValidator, RequiredMeansPresentAndNotNull) {
    EXPECT_EQ(only_error(check_body(item(), json::object{})), "title|Field required|");
    EXPECT_EQ(only_error(check(R"({"title": null})")), "title|Field required|");
    // "" satisfies required; min_length then applies.
    EXPECT_EQ(only_error(check(R"({"title": ""})")), R"(title|String should have at least 3 characters|"")");
}

TEST_F(BodyValidator, StringAcceptsOnlyStrings) {
    EXPECT_EQ(only_error(check(R"({"title": 12345})")), "title|Input should be a valid string|12345");
    EXPECT_EQ(only_error(check(R"({"title": ["abc"]})")), R"(title|Input should be a valid string|["abc"])");
    EXPECT_EQ(value_of(check(R"({"title": "abc"})"), "title"), R"("abc")");
}

TEST_F(BodyValidator, LengthsCountCharactersNotBytes) {
    EXPECT_EQ(value_of(check(R"({"title": "héllo"})"), "title"), R"("héllo")");
    EXPECT_EQ(value_of(check(R"({"title": "日本語"})"), "title"), R"("日本語")");
    EXPECT_EQ(only_error(check(R"({"title": "abcdef"})")), R"(title|String should have at most 5 characters|"abcdef")");
    EXPECT_EQ(only_error(check(R"({"title": "ab"})")), R"(title|String should have at least 3 characters|"ab")");
}

TEST_F(BodyValidator, IntegerIsLax) {
    EXPECT_EQ(value_of(check(R"({"count": 5})"), "count"), "5");
    EXPECT_EQ(value_of(check(R"({"count": 5.0})"), "count"), "5");
    EXPECT_TRUE(check(R"({"count": 5.0})").doc.at("count").is_int64());
    EXPECT_EQ(value_of(check(R"({"count": "7"})"), "count"), "7");
    EXPECT_EQ(value_of(check(R"({"count": " -2 "})"), "count"), "-2");
    EXPECT_EQ(only_error(check(R"({"count": 5.5})")), "count|Input should be a valid integer|5.5");
    EXPECT_EQ(only_error(check(R"({"count": "5.5"})")), R"(count|Input should be a valid integer|"5.5")");
    EXPECT_EQ(only_error(check(R"({"count": "five"})")), R"(count|Input should be a valid integer|"five")");
    EXPECT_EQ(only_error(check(R"({"count": true})")), "count|Input should be a valid integer|true");
    EXPECT_EQ(only_error(check(R"({"count": 1e30})")).substr(0, 38), "count|Input should be a valid integer|");
}

TEST_F(BodyValidator, BoundsAreInclusive) {
    EXPECT_EQ(value_of(check(R"({"count": -2})"), "count"), "-2");
    EXPECT_EQ(value_of(check(R"({"count": 10})"), "count"), "10");
    EXPECT_EQ(only_error(check(R"({"count": -3})")), "count|Input should be greater than or equal to -2|-3");
    EXPECT_EQ(only_error(check(R"({"count": 11})")), "count|Input should be less than or equal to 10|11");
    EXPECT_EQ(only_error(check(R"({"price": 0.25})")), "price|Input should be greater than or equal to 0.5|0.25");
    EXPECT_EQ(only_error(check(R"({"ratio": "1.75"})")), R"(ratio|Input should be less than or equal to 1.5|"1.75")");
}

TEST_F(BodyValidator, NumberAndCurrencyBecomeDoubles) {
    const BodyCheck c = check(R"({"price": 50000, "ratio": "0.25"})");
    ASSERT_TRUE(c.errors.empty());
    EXPECT_TRUE(c.doc.at("price").is_double());
    EXPECT_EQ(c.doc.at("price").as_double(), 50000.0);
    EXPECT_EQ(c.doc.at("ratio").as_double(), 0.25);
    EXPECT_EQ(only_error(check(R"({"price": "cheap"})")), R"(price|Input should be a valid number|"cheap")");
    EXPECT_EQ(only_error(check(R"({"price": "nan"})")), R"(price|Input should be a valid number|"nan")");
    EXPECT_EQ(only_error(check(R"({"price": "0x10"})")), R"(price|Input should be a valid number|"0x10")");
    EXPECT_EQ(only_error(check(R"({"price": false})")), "price|Input should be a valid number|false");
}

TEST_F(BodyValidator, BooleanIsStrict) {
    EXPECT_EQ(value_of(check(R"({"flag": false})"), "flag"), "false");
    EXPECT_EQ(only_error(check(R"({"flag": "true"})")), R"(flag|Input should be a valid boolean|"true")");
    EXPECT_EQ(only_error(check(R"({"flag": 1})")), "flag|Input should be a valid boolean|1");
}

TEST_F(BodyValidator, DateKeepsTheUtcDate) {
    EXPECT_EQ(value_of(check(R"({"day": "2025-11-12"})"), "day"), R"("2025-11-12")");
    EXPECT_EQ(value_of(check(R"({"day": "2025-11-12T23:30:00-02:00"})"), "day"), R"("2025-11-13")");
    EXPECT_EQ(value_of(check(R"({"day": 86400})"), "day"), R"("1970-01-02")");
    EXPECT_EQ(only_error(check(R"({"day": "2025-02-30"})")), R"(day|Input should be a valid date|"2025-02-30")");
    EXPECT_EQ(only_error(check(R"({"day": "not-a-date"})")), R"(day|Input should be a valid date|"not-a-date")");
    EXPECT_EQ(only_error(check(R"({"day": true})")), "day|Input should be a valid date|true");
}

TEST_F(BodyValidator, DatetimeBecomesUtcWithMilliseconds) {
    EXPECT_EQ(value_of(check(R"({"at": "2025-11-12T20:11:17+01:00"})"), "at"), R"("2025-11-12T19:11:17.000Z")");
    EXPECT_EQ(value_of(check(R"({"at": "2025-11-12"})"), "at"), R"("2025-11-12T00:00:00.000Z")");
    EXPECT_EQ(value_of(check(R"({"at": 1.5})"), "at"), R"("1970-01-01T00:00:01.500Z")");
    EXPECT_EQ(only_error(check(R"({"at": "soon"})")), R"(at|Input should be a valid datetime|"soon")");
}

TEST_F(BodyValidator, ObjectIdIsTrimmedAndLowerCased) {
    EXPECT_EQ(value_of(check(R"({"ownerId": "  01JCD2M7K3  "})"), "ownerId"), R"("01jcd2m7k3")");
    EXPECT_EQ(only_error(check(R"({"ownerId": 12})")), "ownerId|Input should be a valid string|12");
}

TEST_F(BodyValidator, JsonAcceptsOnlyObjects) {
    EXPECT_EQ(value_of(check(R"({"meta": {"a": [1, {"b": null}]}})"), "meta"), R"({"a":[1,{"b":null}]})");
    EXPECT_EQ(only_error(check(R"({"meta": "{}"})")), R"(meta|Input should be a valid dictionary|"{}")");
    EXPECT_EQ(only_error(check(R"({"meta": [1]})")), "meta|Input should be a valid dictionary|[1]");
}

TEST_F(BodyValidator, StringArrayAcceptsOnlyArraysOfStrings) {
    EXPECT_EQ(value_of(check(R"({"tags": ["a", "b"]})"), "tags"), R"(["a","b"])");
    EXPECT_EQ(value_of(check(R"({"tags": []})"), "tags"), "[]");
    EXPECT_EQ(only_error(check(R"({"tags": "a"})")), R"(tags|Input should be a valid list|"a")");
    EXPECT_EQ(only_error(check(R"({"tags": ["a", 1]})")), R"(tags|Input should be a valid list of strings|["a",1])");
}

// docs/DECISIONS.md §2.24: U+0000 anywhere in a value is a 422 naming the field, whatever its type.
TEST_F(BodyValidator, NulIsRefusedInEveryKindOfValue) {
    const std::string nul = "Input should not contain the NUL character (U+0000)";
    EXPECT_EQ(only_error(check(R"({"note": "Ab\u0000cd"})")), "note|" + nul + R"(|"Ab\u0000cd")");
    EXPECT_EQ(only_error(check(R"({"color": "\u0000"})")), "color|" + nul + R"(|"\u0000")");
    EXPECT_EQ(only_error(check(R"({"ownerId": "o\u00001"})")), "ownerId|" + nul + R"(|"o\u00001")");
    EXPECT_EQ(only_error(check(R"({"day": "2025-01-01\u0000"})")), "day|" + nul + R"(|"2025-01-01\u0000")");
    EXPECT_EQ(only_error(check(R"({"count": "1\u0000"})")), "count|" + nul + R"(|"1\u0000")");
    EXPECT_EQ(only_error(check(R"({"tags": ["a", "b\u0000"]})")), "tags|" + nul + R"(|["a","b\u0000"])");
    EXPECT_EQ(only_error(check(R"({"meta": {"a": {"b": ["x\u0000"]}}})")), "meta|" + nul + R"(|{"a":{"b":["x\u0000"]}})");
    EXPECT_EQ(only_error(check(R"({"meta": {"a": {"k\u0000": 1}}})")), "meta|" + nul + R"(|{"a":{"k\u0000":1}})");
    // Every failing field at once, like any other failure.
    EXPECT_EQ(check(R"({"title": "ab\u0000c", "note": "\u0000"})").errors.size(), 2u);
    // Other control characters are text like any other.
    EXPECT_EQ(value_of(check(R"({"note": "a\u0001b"})"), "note"), R"("a\u0001b")");
}

TEST_F(BodyValidator, PatternUsesSearchSemanticsAndSchemaMessage) {
    EXPECT_EQ(value_of(check(R"({"code": "AB12"})"), "code"), R"("AB12")");
    EXPECT_EQ(only_error(check(R"({"code": "ab12"})")), R"(code|String should match pattern '^[A-Z]{2}\d+$'|"ab12")");
    EXPECT_EQ(value_of(check(R"({"email": "x@y"})"), "email"), R"("x@y")");   // search, not full match
    EXPECT_EQ(only_error(check(R"({"email": "nobody"})")), R"(email|Bad email|"nobody")");
}

TEST_F(BodyValidator, EnumIsExactAndCaseSensitive) {
    EXPECT_EQ(value_of(check(R"({"color": "green"})"), "color"), R"("green")");
    EXPECT_EQ(only_error(check(R"({"color": "Green"})")), R"(color|Input should be 'red', 'green' or 'blue'|"Green")");
    EXPECT_EQ(only_error(check(R"({"pair": "c"})")), R"(pair|Input should be 'a' or 'b'|"c")");
    EXPECT_EQ(only_error(check(R"({"single": "x"})")), R"(single|Input should be 'only'|"x")");
    EXPECT_EQ(only_error(check(R"({"size": "L"})")), R"(size|pick S or M|"L")");
}

TEST_F(BodyValidator, ClientTimestampsAreKeptWhenValid) {
    const BodyCheck c = check(R"({"createdAt": "2020-01-01T00:00:00Z", "updatedAt": null})");
    ASSERT_TRUE(c.errors.empty());
    EXPECT_EQ(c.doc.at("createdAt"), json::value("2020-01-01T00:00:00.000Z"));
    EXPECT_EQ(c.doc.at("updatedAt"), nullptr);
    EXPECT_EQ(only_error(check(R"({"createdAt": "later"})")), R"(createdAt|Input should be a valid datetime|"later")");
}

TEST_F(BodyValidator, ReportsEveryFailingFieldAtOnce) {
    const BodyCheck c = check_body(
        item(), json::parse(R"({"count": "x", "flag": "yes", "color": "pink", "tags": 3, "day": "2025-13-01"})").as_object());
    std::vector<std::string> fields;
    for (const Notice& e : c.errors) fields.push_back(e.field);
    EXPECT_EQ(fields, (std::vector<std::string>{"title", "count", "flag", "day", "tags", "color"}));
    // Failed fields are null in the document; good ones are converted.
    EXPECT_EQ(c.doc.at("count"), nullptr);
    EXPECT_EQ(c.doc.at("active"), json::value(true));
}

TEST_F(BodyValidator, UnknownKeysAreIgnoredWithAWarning) {
    const BodyCheck c = check(R"({"id": "x1", "Title": "ABCDE", "bogus": 1})");
    EXPECT_TRUE(c.errors.empty());
    ASSERT_EQ(c.warnings.size(), 2u);   // body keys are case-sensitive; id is not warned about
    EXPECT_EQ(c.warnings[0].type, "validation");
    EXPECT_EQ(c.warnings[0].message, "Unknown field ignored");
    EXPECT_EQ(c.warnings[0].field, "Title");
    EXPECT_EQ(c.warnings[1].field, "bogus");
    EXPECT_EQ(c.doc.at("title"), json::value("abcd"));
    EXPECT_FALSE(c.doc.contains("id"));
    EXPECT_FALSE(c.doc.contains("bogus"));
}

TEST(BodyValidatorSample, ValidUserFromTheSampleSchema) {
    const Schema s = Schema::load_bundled();
    const BodyCheck c = check_body(*s.find("User"), json::parse(R"({
        "username": "jdoe", "email": "JDoe@Example.com", "password": "secret123", "firstName": "John",
        "lastName": "Doe", "isAccountOwner": true, "netWorth": 236153.61, "accountId": "ACC_1", "gender": "male"})")
                                                       .as_object());
    EXPECT_TRUE(c.errors.empty()) << (c.errors.empty() ? "" : c.errors[0].field + ": " + c.errors[0].message);
    EXPECT_EQ(c.doc.at("accountId"), json::value("acc_1"));
    EXPECT_EQ(to_json_text(c.doc.at("netWorth")), "236153.61");
}

TEST(BodyValidatorSample, SampleMessagesComeFromTheSchema) {
    const Schema s = Schema::load_bundled();
    const BodyCheck c = check_body(*s.find("User"), json::parse(R"({
        "username": "ab", "email": "not-an-email", "password": "secret123", "firstName": "John",
        "lastName": "Doe", "isAccountOwner": "true", "accountId": "a", "gender": "Male"})")
                                                       .as_object());
    std::vector<std::string> got;
    for (const Notice& e : c.errors) got.push_back(e.field + ": " + e.message);
    EXPECT_EQ(got, (std::vector<std::string>{"username: String should have at least 3 characters",
                                             "email: Bad email address format", "gender: must be male, female or other",
                                             "isAccountOwner: Input should be a valid boolean"}));
}

}  // namespace
}  // namespace events
