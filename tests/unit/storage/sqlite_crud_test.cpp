// CRUD, transactions and admin operations of the SQLite driver on real files.
#include "sqlite_test_support.h"

#include <stdexcept>

namespace events {
namespace {

using namespace testing_sqlite;

constexpr const char* kEveryType = R"(
_entities:
  Owner:
    fields:
      name: {type: String, required: true}
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
      ownerId: {type: ObjectId}
)";

class SqliteCrud : public ::testing::Test {
protected:
    void SetUp() override {
        schema_ = std::make_unique<Schema>(Schema::load_text(kEveryType));
        driver_ = open_sqlite(*schema_, dir_.file("crud.db"));
        thing_ = schema_->find("Thing");
        owner_ = schema_->find("Owner");
    }
    void insert(const Entity& e, const Document& d) {
        driver_->write({}, [&](WriteTxn& t) { t.insert(e, d); });
    }

    TempDir dir_;
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
    const Entity* thing_ = nullptr;
    const Entity* owner_ = nullptr;
};

TEST_F(SqliteCrud, RoundTripsEveryTypeInCanonicalForm) {
    insert(*owner_, doc(R"({"id":"o1","name":"Owner"})"));
    insert(*thing_, doc(R"({"id":"t1","label":"Hello","count":-42,"ratio":0.125,"price":236153.61,
        "active":true,"day":"2025-11-12","at":"2025-11-12T20:11:17.123Z","data":{"a":[1,2.5,"x"],"b":null},
        "tags":["x","y"],"ref":"01abc","ownerId":"o1"})"));
    auto got = driver_->get(*thing_, "t1");
    ASSERT_TRUE(got);
    EXPECT_EQ(text(*got),
              R"({"id":"t1","label":"Hello","count":-42,"ratio":0.125,"price":236153.61,"active":true,)"
              R"("day":"2025-11-12","at":"2025-11-12T20:11:17.123Z","data":{"a":[1,2.5,"x"],"b":null},)"
              R"("tags":["x","y"],"ref":"01abc","ownerId":"o1"})");
    EXPECT_TRUE(got->at("count").is_int64());
    EXPECT_TRUE(got->at("ratio").is_double());
    EXPECT_TRUE(got->at("active").is_bool());
}

TEST_F(SqliteCrud, AbsentFieldsReadBackAsNullAndFalseStaysFalse) {
    insert(*thing_, doc(R"({"id":"t2","label":"x","active":false,"price":50000.0})"));
    auto got = driver_->get(*thing_, "t2");
    ASSERT_TRUE(got);
    EXPECT_EQ(text(*got),
              R"({"id":"t2","label":"x","count":null,"ratio":null,"price":50000,"active":false,"day":null,)"
              R"("at":null,"data":null,"tags":null,"ref":null,"ownerId":null})");
    EXPECT_TRUE(got->at("price").is_double());
    // Booleans are stored as 0/1 integers.
    EXPECT_EQ(raw_query(dir_.file("crud.db"), "SELECT typeof(active) || active FROM \"Thing\""),
              std::vector<std::string>{"integer0"});
}

TEST_F(SqliteCrud, GetOfAMissingIdIsEmpty) { EXPECT_FALSE(driver_->get(*thing_, "nope")); }

TEST_F(SqliteCrud, UpdateReplacesTheWholeDocument) {
    insert(*thing_, doc(R"({"id":"t1","label":"a","count":1,"tags":["q"]})"));
    bool updated = false;
    driver_->write({}, [&](WriteTxn& t) { updated = t.update(*thing_, doc(R"({"id":"t1","label":"b","ratio":2.5})")); });
    EXPECT_TRUE(updated);
    auto got = driver_->get(*thing_, "t1");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->at("label"), boost::json::value("b"));
    EXPECT_TRUE(got->at("count").is_null());
    EXPECT_TRUE(got->at("tags").is_null());
    EXPECT_EQ(got->at("ratio"), boost::json::value(2.5));

    driver_->write({}, [&](WriteTxn& t) { updated = t.update(*thing_, doc(R"({"id":"zz","label":"b"})")); });
    EXPECT_FALSE(updated);
}

TEST_F(SqliteCrud, RemoveReportsWhetherTheDocumentExisted) {
    insert(*thing_, doc(R"({"id":"t1","label":"a"})"));
    bool removed = false;
    driver_->write({}, [&](WriteTxn& t) { removed = t.remove(*thing_, "t1"); });
    EXPECT_TRUE(removed);
    EXPECT_FALSE(driver_->get(*thing_, "t1"));
    driver_->write({}, [&](WriteTxn& t) { removed = t.remove(*thing_, "t1"); });
    EXPECT_FALSE(removed);
}

TEST_F(SqliteCrud, GetManyReturnsOnlyTheIdsThatExist) {
    for (const char* id : {"a", "b", "c"}) {
        Document d = doc(R"({"label":"x"})");
        d["id"] = id;
        insert(*thing_, d);
    }
    std::vector<std::string> wanted{"c", "missing", "a"};
    for (int i = 0; i < 1200; ++i) wanted.push_back("filler" + std::to_string(i));   // spans several IN lists
    auto got = ids_of(driver_->get_many(*thing_, wanted));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"a", "c"}));
    EXPECT_TRUE(driver_->get_many(*thing_, {}).empty());
}

TEST_F(SqliteCrud, TxnSeesItsOwnWrites) {
    driver_->write({}, [&](WriteTxn& t) {
        EXPECT_FALSE(t.exists(*thing_, "t1"));
        t.insert(*thing_, doc(R"({"id":"t1","label":"inside"})"));
        EXPECT_TRUE(t.exists(*thing_, "t1"));
        auto got = t.get(*thing_, "t1");
        ASSERT_TRUE(got);
        EXPECT_EQ(got->at("label"), boost::json::value("inside"));
    });
    EXPECT_TRUE(driver_->get(*thing_, "t1"));
}

TEST_F(SqliteCrud, AnExceptionRollsTheWholeWriteBack) {
    EXPECT_THROW(driver_->write({}, [&](WriteTxn& t) {
        t.insert(*thing_, doc(R"({"id":"t1","label":"a"})"));
        t.insert(*thing_, doc(R"({"id":"t2","label":"b"})"));
        throw std::logic_error("changed my mind");
    }),
                 std::logic_error);
    EXPECT_FALSE(driver_->get(*thing_, "t1"));
    EXPECT_FALSE(driver_->get(*thing_, "t2"));
    // The write connection is usable afterwards.
    insert(*thing_, doc(R"({"id":"t3","label":"c"})"));
    EXPECT_TRUE(driver_->get(*thing_, "t3"));
}

TEST_F(SqliteCrud, CountsAndReport) {
    insert(*owner_, doc(R"({"id":"o1","name":"A"})"));
    insert(*thing_, doc(R"({"id":"t1","label":"a","ownerId":"o1"})"));
    insert(*thing_, doc(R"({"id":"t2","label":"b","ownerId":"o1"})"));
    EXPECT_EQ(text(driver_->entity_counts()), R"({"Owner":1,"Thing":2})");

    const boost::json::object report = driver_->report_details();
    EXPECT_EQ(report.at("db_info").at("type"), boost::json::value("sqlite"));
    EXPECT_EQ(report.at("db_info").at("path"), boost::json::value(dir_.file("crud.db")));
    EXPECT_EQ(report.at("collections").at("total"), boost::json::value(2));
    const auto& t = report.at("collections").at("details").at("Thing").as_object();
    EXPECT_EQ(t.at("doc_count"), boost::json::value(2));
    bool has_fk_index = false;
    for (const auto& n : t.at("indexes").as_array()) has_fk_index |= n == boost::json::value("fk_Thing_ownerId");
    EXPECT_TRUE(has_fk_index) << text(t);
    EXPECT_EQ(t.at("index_count").as_int64(), static_cast<int64_t>(t.at("indexes").as_array().size()));
}

TEST_F(SqliteCrud, WipeEmptiesOnlyTheSchemaTablesAndKeepsThemUsable) {
    const std::string path = dir_.file("crud.db");
    raw_query(path, "CREATE TABLE foreign_stuff (x)");
    raw_query(path, "INSERT INTO foreign_stuff VALUES (1)");
    insert(*owner_, doc(R"({"id":"o1","name":"A"})"));
    insert(*thing_, doc(R"({"id":"t1","label":"a","ownerId":"o1"})"));
    driver_->wipe();
    EXPECT_EQ(text(driver_->entity_counts()), R"({"Owner":0,"Thing":0})");
    EXPECT_EQ(raw_query(path, "SELECT count(*) FROM foreign_stuff"), std::vector<std::string>{"1"});
    EXPECT_EQ(index_names(path, "Thing"), (std::vector<std::string>{"fk_Thing_ownerId"}));
    insert(*thing_, doc(R"({"id":"t1","label":"again"})"));
    EXPECT_TRUE(driver_->get(*thing_, "t1"));
}

TEST_F(SqliteCrud, PingAnswersUntilClosed) {
    EXPECT_EQ(driver_->backend_name(), "sqlite");
    EXPECT_TRUE(driver_->ping());
    driver_->close();
    EXPECT_FALSE(driver_->ping());
    EXPECT_THROW(driver_->get(*thing_, "x"), StorageUnavailable);
}

TEST_F(SqliteCrud, CapabilitiesAreAllNative) {
    const Capabilities c = driver_->capabilities();
    EXPECT_TRUE(c.native_uniques);
    EXPECT_TRUE(c.native_cascades);
    EXPECT_TRUE(c.native_foreign_keys);
}

TEST(SqliteFactory, RejectsUnknownBackends) {
    const Schema s = Schema::load_text(kEveryType);
    EXPECT_THROW(make_driver("oracle", s, DriverOptions{}), std::invalid_argument);
}

TEST(SqliteBundled, CreatesEveryTableOfTheSampleSchemaWithItsIndexes) {
    TempDir dir;
    const Schema s = Schema::load_bundled();
    auto driver = open_sqlite(s, dir.file("events.db"));
    const auto tables = raw_query(dir.file("events.db"),
                                  "SELECT name FROM sqlite_master WHERE type='table' AND substr(name, 1, 1) <> '_' ORDER BY name");
    EXPECT_EQ(tables, (std::vector<std::string>{"Account", "Crawl", "Event", "Profile", "TagAffinity", "Url", "User",
                                                "UserEvent"}));
    EXPECT_EQ(index_names(dir.file("events.db"), "User"),
              (std::vector<std::string>{"fk_User_accountId", "ix_User_gender_lastName$form", "ix_User_lastName$form",
                                        "ix_User_netWorth", "ux_User_email$form", "ux_User_username$form"}));
    const std::string user_sql =
        raw_query(dir.file("events.db"), "SELECT sql FROM sqlite_master WHERE name='User'").at(0);
    EXPECT_NE(user_sql.find("\"id\" TEXT PRIMARY KEY"), std::string::npos) << user_sql;
    EXPECT_NE(user_sql.find("\"username\" TEXT NOT NULL"), std::string::npos) << user_sql;
    EXPECT_NE(user_sql.find("\"netWorth\" REAL,"), std::string::npos) << user_sql;
    EXPECT_NE(user_sql.find("\"isAccountOwner\" INTEGER NOT NULL"), std::string::npos) << user_sql;
    EXPECT_NE(user_sql.find("REFERENCES \"Account\" (\"id\") ON DELETE CASCADE"), std::string::npos) << user_sql;

    const Entity& account = *s.find("Account");
    driver->write({}, [&](WriteTxn& t) {
        t.insert(account, doc(R"({"id":"a1","name":"Acme Inc","credit":10.5,"enabled":true,
                                  "createdAt":"2025-01-01T00:00:00.000Z"})"));
    });
    auto got = driver->get(account, "a1");
    ASSERT_TRUE(got);
    EXPECT_EQ(text(*got), R"({"id":"a1","name":"Acme Inc","credit":10.5,"expireDate":null,"enabled":true,)"
                          R"("createdAt":"2025-01-01T00:00:00.000Z","updatedAt":null})");
}

}  // namespace
}  // namespace events
