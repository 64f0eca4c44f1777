// The MongoDB driver's BSON mapping and query building, without a server: the stored
// types (docs/MONGODB.md "Layout of a document"), the shadow fields (mongo_layout.h), reading what the Python framework
// wrote (docs/MONGODB.md "Adopting a database of the Python framework"), and the escaping of substrings.
#include "storage/mongodb/mongo_codec.h"
#include "storage/mongodb/mongo_layout.h"
#include "storage/mongodb/mongo_query.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace events {
namespace {

namespace json = boost::json;
using mongo::Bson;

class MongoCodec : public ::testing::Test {
protected:
    MongoCodec() : schema_(Schema::load_bundled()) {}
    const Entity& entity(const char* name) { return *schema_.find(name); }
    const Field& field(const char* e, const char* f) { return *entity(e).find_field(f); }

    static bson_type_t type_of(const bson_t* b, const char* key) {
        bson_iter_t it;
        return bson_iter_init_find(&it, b, key) ? bson_iter_type(&it) : BSON_TYPE_EOD;
    }
    static std::string utf8_of(const bson_t* b, const char* key) {
        bson_iter_t it;
        return bson_iter_init_find(&it, b, key) && BSON_ITER_HOLDS_UTF8(&it) ? bson_iter_utf8(&it, nullptr) : "<none>";
    }

    Schema schema_;
};

const char* kUser = R"({"id":"u1","username":"Zo\u00cb","email":"zoe@example.com","password":"secret123",
  "firstName":"Zoe","lastName":"Smith","gender":null,"dob":"1990-05-17","address":null,"city":null,"state":null,
  "zip":null,"netWorth":787.56,"accountId":"a1","isAccountOwner":true,
  "createdAt":"2020-01-02T03:04:05.678Z","updatedAt":null})";

TEST_F(MongoCodec, StoresTypesByTheSchemaAndReadsThemBack) {
    const Entity& user = entity("User");
    json::object doc = json::parse(kUser).as_object();
    Bson stored;
    mongo::encode(user, doc, mongo::CodecOptions{}, stored);

    EXPECT_EQ(utf8_of(stored, "_id"), "u1");
    EXPECT_EQ(type_of(stored, "netWorth"), BSON_TYPE_DECIMAL128);
    bson_iter_t it;
    ASSERT_TRUE(bson_iter_init_find(&it, stored, "netWorth"));
    bson_decimal128_t dec;
    bson_iter_decimal128(&it, &dec);
    char text[BSON_DECIMAL128_STRING];
    bson_decimal128_to_string(&dec, text);
    EXPECT_STREQ(text, "787.56");   // no binary rounding
    EXPECT_EQ(type_of(stored, "dob"), BSON_TYPE_DATE_TIME);
    EXPECT_EQ(type_of(stored, "createdAt"), BSON_TYPE_DATE_TIME);
    EXPECT_EQ(type_of(stored, "gender"), BSON_TYPE_NULL);   // explicit null
    EXPECT_EQ(type_of(stored, "isAccountOwner"), BSON_TYPE_BOOL);

    // The read is the canonical document, in response form, byte for byte.
    json::object back = mongo::decode(user, stored);
    json::object expected;
    expected["id"] = "u1";
    for (const Field& f : user.fields)
        if (!f.is_id()) expected[f.name] = doc.contains(f.name) ? doc[f.name] : json::value();
    EXPECT_EQ(to_json_text(back), to_json_text(expected));
    EXPECT_EQ(back.begin()->key(), "id");
}

TEST_F(MongoCodec, CurrencyIsADoubleOnServersWithoutDecimal128) {
    mongo::CodecOptions o;
    o.decimal128 = false;
    Bson stored;
    mongo::encode(entity("User"), json::parse(kUser).as_object(), o, stored);
    EXPECT_EQ(type_of(stored, "netWorth"), BSON_TYPE_DOUBLE);
    EXPECT_EQ(to_json_text(mongo::decode(entity("User"), stored).at("netWorth")), "787.56");
}

TEST_F(MongoCodec, ShadowFieldsHoldComparisonFormsNullFlagsAndUniqueKeys) {
    const Entity& user = entity("User");
    json::object doc = json::parse(kUser).as_object();
    Bson stored;
    mongo::encode(user, doc, mongo::CodecOptions{}, stored);
    EXPECT_EQ(utf8_of(stored, "_cf_username"), "zo\xc3\xab");   // folded, the value itself kept
    EXPECT_EQ(utf8_of(stored, "username"), "Zo\xc3\x8b");
    EXPECT_EQ(utf8_of(stored, "_uq_username"), "zo\xc3\xab");
    EXPECT_EQ(type_of(stored, "_cf_netWorth"), BSON_TYPE_DOUBLE);
    bson_iter_t it;
    ASSERT_TRUE(bson_iter_init_find(&it, stored, "_nl_gender"));
    EXPECT_TRUE(bson_iter_bool(&it));
    ASSERT_TRUE(bson_iter_init_find(&it, stored, "_nl_lastName"));
    EXPECT_FALSE(bson_iter_bool(&it));
    EXPECT_EQ(utf8_of(stored, mongo::kSignatureField), mongo::layout_signature(user, false));

    // A null field of a constraint: no key at all (the sparse index skips the document).
    doc["email"] = nullptr;
    Bson set;
    std::vector<std::string> unset;
    mongo::encode_shadows(user, doc, mongo::CodecOptions{}, set, unset);
    EXPECT_EQ(type_of(set, "_uq_email"), BSON_TYPE_EOD);
    EXPECT_EQ(unset, std::vector<std::string>{"_uq_email"});
}

TEST_F(MongoCodec, ReadsWhatThePythonFrameworkWrote) {
    const Entity& account = entity("Account");
    Bson stored;
    BSON_APPEND_UTF8(stored, "_id", "py1");
    BSON_APPEND_UTF8(stored, "name", "Python Account");
    BSON_APPEND_INT32(stored, "credit", 100);                      // a Currency as an int
    BSON_APPEND_DATE_TIME(stored, "expireDate", 1927843200000);    // 2031-02-03
    BSON_APPEND_BOOL(stored, "enabled", true);
    BSON_APPEND_UTF8(stored, "createdAt", "2020-01-02 03:04:05");  // text instead of a date
    // updatedAt absent: null
    json::object doc = mongo::decode(account, stored);
    EXPECT_EQ(to_json_text(doc),
              R"({"id":"py1","name":"Python Account","credit":100,"expireDate":"2031-02-03","enabled":true,)"
              R"("createdAt":"2020-01-02T03:04:05.000Z","updatedAt":null})");
}

TEST_F(MongoCodec, SubstringsAreEscapedRegexesOnTheComparisonForm) {
    EXPECT_EQ(mongo::escape_regex("a.b*(c)[d]{1}^$|?+\\"), "a\\.b\\*\\(c\\)\\[d\\]\\{1\\}\\^\\$\\|\\?\\+\\\\");
    EXPECT_EQ(mongo::escape_regex("plain text-1"), "plain text-1");

    ListQuery q;
    q.filters.push_back({&field("User", "lastName"), FilterOp::Contains, json::value("SM.TH")});
    q.filters.push_back({&field("User", "netWorth"), FilterOp::Ne, json::value(5.5)});
    Bson filter;
    mongo::build_filter(q.filters, mongo::CodecOptions{}, filter);
    char* text = bson_as_relaxed_extended_json(filter, nullptr);
    EXPECT_STREQ(text,
                 R"({ "$and" : [ { "_cf_lastName" : { "$regex" : "sm\\.th" } }, )"
                 R"({ "_cf_netWorth" : { "$nin" : [ 5.5, null ] } } ] })");
    bson_free(text);
}

TEST_F(MongoCodec, SortsPutNullsLastAndEndWithTheId) {
    ListQuery q;
    q.sort = {SortKey{&field("User", "lastName"), true}, SortKey{&entity("User").id_field(), true}};
    Bson sort;
    mongo::build_sort(q, sort);
    char* text = bson_as_relaxed_extended_json(sort, nullptr);
    EXPECT_STREQ(text, R"({ "_nl_lastName" : 1, "_cf_lastName" : -1, "_id" : -1 })");
    bson_free(text);
}

}  // namespace
}  // namespace events
