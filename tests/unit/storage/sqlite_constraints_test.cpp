// Unique constraints, foreign keys and cascades enforced natively by SQLite.
#include "sqlite_test_support.h"

namespace events {
namespace {

using namespace testing_sqlite;

constexpr const char* kFamily = R"(
_relationships:
- {source: Account, target: User}
- {source: User, target: Profile}
- {source: Profile, target: Tag}
_entities:
  Account:
    fields:
      name: {type: String, required: true}
      nickname: {type: String}
    unique: [[nickname]]
  User:
    fields:
      username: {type: String, required: true}
      rank: {type: Integer}
    unique: [[username], [rank, username]]
  Profile:
    fields:
      name: {type: String, required: true}
  Tag:
    fields:
      tag: {type: String, required: true}
  Note:
    fields:
      body: {type: String}
      userId: {type: ObjectId}
)";

class SqliteConstraints : public ::testing::Test {
protected:
    void open(bool cascade_delete = true, bool case_sensitive = false) {
        schema_ = std::make_unique<Schema>(Schema::load_text(kFamily));
        DriverOptions o;
        o.cascade_delete = cascade_delete;
        o.case_sensitive = case_sensitive;
        driver_ = open_sqlite(*schema_, dir_.file("c.db"), o);
    }
    const Entity& e(const char* name) const { return *schema_->find(name); }
    void add(const char* entity, const char* json) {
        driver_->write({}, [&](WriteTxn& t) { t.insert(e(entity), doc(json)); });
    }
    // The fields of the UniqueViolation thrown by adding `json`, or {"<none>"}.
    std::vector<std::string> violation(const char* entity, const char* json) {
        try {
            add(entity, json);
        } catch (const UniqueViolation& v) {
            EXPECT_EQ(v.entity, &e(entity));
            return v.fields;
        }
        return {"<none>"};
    }
    void family() {
        add("Account", R"({"id":"a1","name":"Acme"})");
        add("User", R"({"id":"u1","username":"ann","accountId":"a1"})");
        add("User", R"({"id":"u2","username":"bob","accountId":"a1"})");
        add("Profile", R"({"id":"p1","name":"main","userId":"u1"})");
        add("Tag", R"({"id":"t1","tag":"x","profileId":"p1"})");
        add("Note", R"({"id":"n1","body":"hi","userId":"u1"})");
    }
    using V = std::vector<std::string>;

    TempDir dir_;
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
};

TEST_F(SqliteConstraints, UniqueTextIgnoresCase) {
    open();
    add("Account", R"({"id":"a1","name":"Acme"})");
    add("User", R"({"id":"u1","username":"Bob","accountId":"a1"})");
    EXPECT_EQ(violation("User", R"({"id":"u2","username":"bOB","accountId":"a1"})"), V{"username"});
    EXPECT_FALSE(driver_->get(e("User"), "u2"));
}

TEST_F(SqliteConstraints, CaseSensitiveConfigAllowsCaseVariants) {
    open(true, /*case_sensitive=*/true);
    add("Account", R"({"id":"a1","name":"Acme"})");
    add("User", R"({"id":"u1","username":"Bob","accountId":"a1"})");
    EXPECT_EQ(violation("User", R"({"id":"u2","username":"bob","accountId":"a1"})"), V{"<none>"});
    EXPECT_EQ(violation("User", R"({"id":"u3","username":"Bob","accountId":"a1"})"), V{"username"});
}

TEST_F(SqliteConstraints, CompositeUniqueNamesItsFieldsInDeclaredOrder) {
    // Declared out of schema order on purpose: the violation lists the declared order,
    // so the message names the constraint's first field (`hall already exists`).
    schema_ = std::make_unique<Schema>(Schema::load_text(R"(
_entities:
  Seat:
    fields:
      row: {type: String}
      num: {type: Integer}
      hall: {type: String}
    unique: [[hall, row, num]]
)"));
    driver_ = open_sqlite(*schema_, dir_.file("seat.db"));
    add("Seat", R"({"id":"s1","row":"A","num":1,"hall":"Main"})");
    add("Seat", R"({"id":"s2","row":"A","num":2,"hall":"Main"})");
    add("Seat", R"({"id":"s3","row":"A","num":1,"hall":"Side"})");
    EXPECT_EQ(violation("Seat", R"({"id":"s4","row":"a","num":1,"hall":"MAIN"})"), (V{"hall", "row", "num"}));
}

TEST_F(SqliteConstraints, NullsDoNotCollide) {
    open();
    add("Account", R"({"id":"a1","name":"A"})");
    add("Account", R"({"id":"a2","name":"B"})");                     // nickname null twice
    add("Account", R"({"id":"a3","name":"C","nickname":null})");
    add("User", R"({"id":"u1","username":"x","accountId":"a1"})");   // rank null in (rank, username)
    EXPECT_EQ(driver_->entity_counts().at("Account"), boost::json::value(3));
    EXPECT_EQ(violation("Account", R"({"id":"a4","name":"D","nickname":"n"})"), V{"<none>"});
    EXPECT_EQ(violation("Account", R"({"id":"a5","name":"E","nickname":"N"})"), V{"nickname"});
}

TEST_F(SqliteConstraints, DuplicateIdIsReportedAsId) {
    open();
    add("Account", R"({"id":"a1","name":"A"})");
    EXPECT_EQ(violation("Account", R"({"id":"a1","name":"B"})"), V{"id"});
}

TEST_F(SqliteConstraints, UpdateIntoACollisionIsAViolation) {
    open();
    family();
    try {
        driver_->write({}, [&](WriteTxn& t) { t.update(e("User"), doc(R"({"id":"u2","username":"ANN","accountId":"a1"})")); });
        FAIL() << "expected UniqueViolation";
    } catch (const UniqueViolation& v) {
        EXPECT_EQ(v.fields, V{"username"});
    }
    EXPECT_EQ(driver_->get(e("User"), "u2")->at("username"), boost::json::value("bob"));
}

TEST_F(SqliteConstraints, MissingParentIsAForeignKeyViolation) {
    open();
    EXPECT_THROW(add("User", R"({"id":"u1","username":"x","accountId":"nope"})"), ForeignKeyViolation);
    EXPECT_FALSE(driver_->get(e("User"), "u1"));
}

TEST_F(SqliteConstraints, DeletingAParentCascadesThroughRequiredForeignKeys) {
    open();
    family();
    driver_->write({}, [&](WriteTxn& t) { EXPECT_TRUE(t.remove(e("Account"), "a1")); });
    EXPECT_EQ(text(driver_->entity_counts()), R"({"Account":0,"User":0,"Profile":0,"Tag":0,"Note":1})");
    // The optional FK of the surviving note was cleared, not left dangling.
    EXPECT_TRUE(driver_->get(e("Note"), "n1")->at("userId").is_null());
}

TEST_F(SqliteConstraints, WithoutCascadeADeleteWithChildrenIsRefused) {
    open(/*cascade_delete=*/false);
    family();
    EXPECT_THROW(driver_->write({}, [&](WriteTxn& t) { t.remove(e("Account"), "a1"); }), ForeignKeyViolation);
    EXPECT_TRUE(driver_->get(e("Account"), "a1"));
    // The optional FK restricts as well.
    add("User", R"({"id":"u3","username":"cy","accountId":"a1"})");
    add("Note", R"({"id":"n3","userId":"u3"})");
    EXPECT_THROW(driver_->write({}, [&](WriteTxn& t) { t.remove(e("User"), "u3"); }), ForeignKeyViolation);
    // A leaf goes.
    driver_->write({}, [&](WriteTxn& t) { EXPECT_TRUE(t.remove(e("Tag"), "t1")); });
    const std::string sql = raw_query(dir_.file("c.db"), "SELECT sql FROM sqlite_master WHERE name='Note'").at(0);
    EXPECT_NE(sql.find("ON DELETE RESTRICT"), std::string::npos) << sql;
}

TEST_F(SqliteConstraints, WhereHelpersFindCountAndClearReferences) {
    open();
    family();
    add("Note", R"({"id":"n2","userId":"u1"})");
    add("Note", R"({"id":"n3","userId":"u2"})");
    const Entity& note = e("Note");
    const Field& fk = *note.find_field("userId");
    driver_->write({}, [&](WriteTxn& t) {
        EXPECT_EQ(t.ids_where(note, fk, "u1", 10), (V{"n1", "n2"}));
        EXPECT_EQ(t.ids_where(note, fk, "u1", 1), V{"n1"});
        EXPECT_EQ(t.count_where(note, fk, "u1"), 2);
        t.clear_where(note, fk, "u1");
        EXPECT_EQ(t.count_where(note, fk, "u1"), 0);
    });
    EXPECT_TRUE(driver_->get(note, "n2")->at("userId").is_null());
    EXPECT_EQ(driver_->get(note, "n3")->at("userId"), boost::json::value("u2"));
}

}  // namespace
}  // namespace events
