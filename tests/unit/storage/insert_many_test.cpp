// WriteTxn::insert_many (multi-row INSERTs cut to the backend's parameter limit) on
// SQLite and, when EVENTS_TEST_PG_URI is set, PostgreSQL: what it stores equals what
// insert() stores, and a failure maps exactly as insert()'s does and leaves nothing.
// Also, on the same documents of every field type: get_json()/list_json(), which
// print rows straight to JSON, print exactly what get()/list() return.
#include "postgres_test_support.h"
#include "sqlite_test_support.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace events {
namespace {

using testing_sqlite::doc;
using testing_sqlite::TempDir;
using testing_sqlite::text;

// Many columns, so that a batch of a few thousand rows needs several statements even
// under PostgreSQL's 65535-parameter limit (12 parameters per Thing row).
constexpr const char* kSchema = R"(
_relationships:
- {source: Owner, target: Thing}
_entities:
  Owner:
    fields:
      name: {type: String, required: true}
    unique: [[name]]
  Thing:
    fields:
      label: {type: String, required: true}
      count: {type: Integer}
      ratio: {type: Number}
      price: {type: Currency}
      active: {type: Boolean}
      day: {type: Date}
      at: {type: Datetime}
      data: {type: JSON}
      tags: {type: 'Array[String]'}
      ref: {type: ObjectId}
    unique: [[label]]
)";

std::string id_of(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "t%06d", i);
    return buf;
}

Document thing(int i, const std::string& owner = "o1") {
    Document d = doc(R"({"label":"","count":-42,"ratio":0.125,"price":236153.61,"active":true,"day":"2025-11-12",
        "at":"2025-11-12T20:11:17.123Z","data":{"a":[1,2.5,"x"],"b":null},"tags":["x","y"],"ref":"01abc"})");
    d["id"] = id_of(i);
    d["label"] = "Label " + std::to_string(i) + (i % 2 ? " 'quoted' \\ back" : " ünïcode");
    d["count"] = i;
    if (i % 3 == 0) d.erase("ratio");   // absent: stored as NULL
    d["ownerId"] = owner;
    return d;
}

class InsertMany : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        schema_ = std::make_unique<Schema>(Schema::load_text(kSchema));
        DriverOptions options;
        if (GetParam() == "postgresql") {
            EVENTS_SKIP_WITHOUT_PG();
            pg_database_ = pgtest::fresh_database_name();
            options.uri = pgtest::server_uri();
            options.db_name = pg_database_;
            driver_ = make_driver("postgresql", *schema_, options);
            driver_->open();
        } else {
            driver_ = testing_sqlite::open_sqlite(*schema_, dir_.file("many.db"));
        }
        owner_ = schema_->find("Owner");
        thing_ = schema_->find("Thing");
        driver_->write({}, [&](WriteTxn& t) { t.insert(*owner_, doc(R"({"id":"o1","name":"First"})")); });
    }
    void TearDown() override {
        driver_.reset();
        if (!pg_database_.empty()) pgtest::drop_database(pg_database_);
    }

    int64_t count_things() { return driver_->entity_counts().at("Thing").as_int64(); }

    TempDir dir_;
    std::string pg_database_;
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
    const Entity* owner_ = nullptr;
    const Entity* thing_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, InsertMany, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param == "postgresql" ? "PostgreSQL" : "SQLite"; });

TEST_P(InsertMany, StoresEveryDocumentAsInsertDoes) {
    // More rows than one statement takes on either backend (and than the row cap).
    constexpr int kCount = 6001;
    std::vector<Document> docs;
    for (int i = 0; i < kCount; ++i) docs.push_back(thing(i));
    driver_->write({}, [&](WriteTxn& t) { t.insert_many(*thing_, docs); });
    EXPECT_EQ(count_things(), kCount);

    // The reference: a document stored through insert(); the documents stored through
    // insert_many() must read back the same, field for field.
    const Document reference = thing(kCount);
    driver_->write({}, [&](WriteTxn& t) { t.insert(*thing_, reference); });
    Document expected = *driver_->get(*thing_, id_of(kCount));
    for (int i : {0, 1, 2, 3, 4999, 5000, kCount - 1}) {
        auto got = driver_->get(*thing_, id_of(i));
        ASSERT_TRUE(got) << id_of(i);
        expected["id"] = id_of(i);
        expected["label"] = docs[i].at("label");
        expected["count"] = i;
        expected["ratio"] = i % 3 == 0 ? boost::json::value() : boost::json::value(0.125);
        EXPECT_EQ(text(*got), text(expected)) << id_of(i);
    }
}

TEST_P(InsertMany, RowsPrintedAsJsonEqualTheDocuments) {
    std::vector<Document> docs;
    for (int i = 0; i < 1200; ++i) docs.push_back(thing(i));
    docs[5]["label"] = "quote \" backslash \\ tab \t newline \n bell \u0007 snowman \u2603";
    docs[6]["data"] = boost::json::parse(R"({"z":1,"nested":{"list":[true,false,null,-1.5e-7,"s"]}})");
    docs[7]["tags"] = boost::json::array{"a\"b", "", "ünï"};
    for (const char* f : {"count", "ratio", "price", "active", "day", "at", "data", "tags", "ref"}) docs[8].erase(f);
    docs[9]["price"] = 0.1;
    docs[10]["count"] = INT64_C(-9007199254740993);
    driver_->write({}, [&](WriteTxn& t) { t.insert_many(*thing_, docs); });

    for (int i : {0, 5, 6, 7, 8, 9, 10, 1199}) {
        const auto text_doc = driver_->get_json(*thing_, id_of(i));
        ASSERT_TRUE(text_doc) << id_of(i);
        EXPECT_EQ(*text_doc, text(*driver_->get(*thing_, id_of(i)))) << id_of(i);
    }
    EXPECT_FALSE(driver_->get_json(*thing_, "missing"));

    auto query = [&](int64_t offset, int64_t limit, bool desc, std::vector<FilterCondition> f = {}) {
        ListQuery q;
        q.filters = std::move(f);
        q.sort.push_back({&thing_->id_field(), desc});
        q.offset = offset;
        q.limit = limit;
        return q;
    };
    const Field* count = thing_->find_field("count");
    for (const ListQuery& q : {query(0, 25, false), query(0, 2000, false), query(600, 25, false), query(600, 25, false),
                               query(1190, 25, true), query(5000, 25, false),
                               query(0, 50, false, {{count, FilterOp::Gte, boost::json::value(1100)}})}) {
        const ListPage objects = driver_->list(*thing_, q);
        const ListPageJson printed = driver_->list_json(*thing_, q);
        boost::json::array array;
        for (const Document& d : objects.docs) array.push_back(d);
        EXPECT_EQ(printed.docs, text(array)) << "offset " << q.offset;
        EXPECT_EQ(printed.count, objects.docs.size());
        EXPECT_EQ(printed.total, objects.total);
    }
}

TEST_P(InsertMany, EmptyAndSingleDocumentBatches) {
    driver_->write({}, [&](WriteTxn& t) { t.insert_many(*thing_, {}); });
    EXPECT_EQ(count_things(), 0);
    driver_->write({}, [&](WriteTxn& t) { t.insert_many(*thing_, {thing(7)}); });
    EXPECT_EQ(count_things(), 1);
    EXPECT_EQ(driver_->get(*thing_, id_of(7))->at("count"), 7);
}

TEST_P(InsertMany, ExistingIdIsAUniqueViolationOnIdAndNothingIsStored) {
    driver_->write({}, [&](WriteTxn& t) { t.insert(*thing_, thing(1500)); });
    std::vector<Document> docs;
    for (int i = 0; i < 3000; ++i) docs.push_back(thing(i == 2999 ? 1500 : i + 3000));
    docs.back()["label"] = "A label of its own";   // only the id collides
    try {
        driver_->write({}, [&](WriteTxn& t) { t.insert_many(*thing_, docs); });
        FAIL() << "expected UniqueViolation";
    } catch (const UniqueViolation& u) {
        EXPECT_EQ(u.entity, thing_);
        EXPECT_EQ(u.fields, std::vector<std::string>{"id"});
    }
    EXPECT_EQ(count_things(), 1);
}

TEST_P(InsertMany, DuplicateInsideTheBatchNamesTheUniqueField) {
    std::vector<Document> docs{thing(1), thing(2), thing(3)};
    docs[2]["label"] = docs[0].at("label");
    try {
        driver_->write({}, [&](WriteTxn& t) { t.insert_many(*thing_, docs); });
        FAIL() << "expected UniqueViolation";
    } catch (const UniqueViolation& u) {
        EXPECT_EQ(u.fields, std::vector<std::string>{"label"});
    }
    EXPECT_EQ(count_things(), 0);
}

TEST_P(InsertMany, MissingParentIsAForeignKeyViolation) {
    std::vector<Document> docs{thing(1), thing(2, "nosuchowner"), thing(3)};
    EXPECT_THROW(driver_->write({}, [&](WriteTxn& t) { t.insert_many(*thing_, docs); }), ForeignKeyViolation);
    EXPECT_EQ(count_things(), 0);
}

}  // namespace
}  // namespace events
