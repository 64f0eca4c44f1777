// Start-up reconciliation (docs/DECISIONS.md §2.14), WAL and reader/writer concurrency.
#include "sqlite_test_support.h"

#include <chrono>
#include <future>
#include <thread>

namespace events {
namespace {

using namespace testing_sqlite;

const char* const kV1 = R"(
_entities:
  Person:
    fields:
      name: {type: String, required: true}
      email: {type: String}
)";

class SqliteReconcile : public ::testing::Test {
protected:
    std::string path() const { return dir_.file("r.db"); }
    // Opens `yaml` on the same file, closing the previous driver first.
    StorageDriver& reopen(const char* yaml, DriverOptions o = {}) {
        if (driver_) driver_->close();
        driver_.reset();
        schemas_.push_back(std::make_unique<Schema>(Schema::load_text(yaml)));
        driver_ = open_sqlite(*schemas_.back(), path(), o);
        return *driver_;
    }
    const Entity& person() const { return *schemas_.back()->find("Person"); }
    void add(const char* json) {
        driver_->write({}, [&](WriteTxn& t) { t.insert(person(), doc(json)); });
    }
    using V = std::vector<std::string>;

    TempDir dir_;
    std::vector<std::unique_ptr<Schema>> schemas_;
    std::unique_ptr<StorageDriver> driver_;
};

TEST_F(SqliteReconcile, ANewFieldBecomesAColumnAndDataIsKept) {
    reopen(kV1);
    add(R"({"id":"p1","name":"Ann","email":"a@x.io"})");
    reopen(R"(
_entities:
  Person:
    fields:
      name: {type: String, required: true}
      email: {type: String}
      age: {type: Integer, required: true}
)");
    // The text fields have their comparison-form columns (comparison_columns.h).
    EXPECT_EQ(raw_query(path(), "SELECT name FROM pragma_table_info('Person')"),
              (V{"id", "name", "email", "name$cf", "email$cf", "age"}));
    auto got = driver_->get(person(), "p1");
    ASSERT_TRUE(got);
    EXPECT_EQ(text(*got), R"({"id":"p1","name":"Ann","email":"a@x.io","age":null})");
    add(R"({"id":"p2","name":"Bo","age":3})");
    EXPECT_EQ(driver_->get(person(), "p2")->at("age"), boost::json::value(3));
}

TEST_F(SqliteReconcile, ANewUniqueOverDuplicatesIsRefusedWithTheValues) {
    reopen(kV1);
    add(R"({"id":"p1","name":"Ann","email":"dup@x.io"})");
    add(R"({"id":"p2","name":"ann","email":"DUP@x.io"})");
    add(R"({"id":"p3","name":"Bob","email":"dup@x.io"})");
    add(R"({"id":"p4","name":"Cy"})");
    add(R"({"id":"p5","name":"Di"})");   // null emails do not collide
    const char* v2 = R"(
_entities:
  Person:
    fields:
      name: {type: String, required: true}
      email: {type: String}
    unique: [[email], [name]]
)";
    driver_->close();
    driver_.reset();
    const Schema s2 = Schema::load_text(v2);
    try {
        open_sqlite(s2, path());
        FAIL() << "expected ReconcileError";
    } catch (const ReconcileError& err) {
        const std::string msg = err.what();
        EXPECT_NE(msg.find("Person"), std::string::npos) << msg;
        EXPECT_NE(msg.find("(email)"), std::string::npos) << msg;
        EXPECT_NE(msg.find("@x.io\" (3 documents)"), std::string::npos) << msg;
        EXPECT_NE(msg.find("(name)"), std::string::npos) << msg;
        EXPECT_NE(msg.find("nn\" (2 documents)"), std::string::npos) << msg;
        EXPECT_EQ(msg.find("null"), std::string::npos) << msg;
    }
    // Nothing changed: no index, all data there.
    EXPECT_EQ(index_names(path(), "Person"), V{});
    EXPECT_EQ(raw_query(path(), "SELECT count(*) FROM \"Person\""), V{"5"});
}

TEST_F(SqliteReconcile, ARemovedUniqueDropsItsIndexAndOthersStay) {
    reopen(R"(
_entities:
  Person:
    fields:
      name: {type: String, required: true}
      email: {type: String}
    unique: [[email], [name, email]]
    indexes: [[name]]
)");
    EXPECT_EQ(index_names(path(), "Person"),
              (V{"ix_Person_name$form", "ux_Person_email$form", "ux_Person_name_email$form"}));
    raw_query(path(), "CREATE INDEX my_own_index ON \"Person\"(name)");
    reopen(R"(
_entities:
  Person:
    fields:
      name: {type: String, required: true}
      email: {type: String}
    unique: [[name, email]]
)");
    EXPECT_EQ(index_names(path(), "Person"), (V{"my_own_index", "ux_Person_name_email$form"}));
    add(R"({"id":"p1","name":"A","email":"same"})");
    add(R"({"id":"p2","name":"B","email":"same"})");   // no longer unique on email alone
    EXPECT_EQ(driver_->entity_counts().at("Person"), boost::json::value(2));
}

TEST_F(SqliteReconcile, IndexesFollowTheMatchingRule) {
    // Text uniques key on the comparison-form column, whose content follows
    // case_sensitive; other fields key on their value column.
    const char* yaml = R"(
_entities:
  Person:
    fields:
      name: {type: String, required: true}
      age: {type: Integer}
    unique: [[name], [age]]
)";
    reopen(yaml);
    const auto sql = [&](const char* name) {
        return raw_query(path(), std::string("SELECT sql FROM sqlite_master WHERE name='") + name + "'").at(0);
    };
    EXPECT_NE(sql("ux_Person_name$form").find("(\"name$cf\")"), std::string::npos);
    EXPECT_NE(sql("ux_Person_age").find("(\"age\")"), std::string::npos);
    EXPECT_EQ(sql("ux_Person_name$form").find("NOCASE"), std::string::npos);
    add(R"({"id":"p1","name":"\u00c9lodie"})");
    EXPECT_EQ(raw_query(path(), "SELECT \"name$cf\" FROM \"Person\""), V{"\xC3\xA9lodie"});

    DriverOptions cs;
    cs.case_sensitive = true;
    reopen(yaml, cs);   // the forms are recomputed: NFC only
    EXPECT_EQ(index_names(path(), "Person"), (V{"ux_Person_age", "ux_Person_name$form"}));
    EXPECT_EQ(raw_query(path(), "SELECT \"name$cf\" FROM \"Person\""), V{"\xC3\x89lodie"});
    add(R"({"id":"p2","name":"\u00e9LODIE"})");   // another value when case counts

    // Back to case-insensitive: the two now share a form, and start-up refuses with
    // the values, leaving the file as it was.
    try {
        reopen(yaml);
        FAIL() << "expected a ReconcileError";
    } catch (const ReconcileError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("Person unique (name)"), std::string::npos) << msg;
        EXPECT_NE(msg.find("(2 documents)"), std::string::npos) << msg;
    }
    EXPECT_EQ(raw_query(path(), "SELECT \"name$cf\" FROM \"Person\" ORDER BY id"),
              (V{"\xC3\x89lodie", "\xC3\xA9LODIE"}));
}

TEST_F(SqliteReconcile, ReopeningAnUnchangedSchemaKeepsEverything) {
    reopen(kV1);
    add(R"({"id":"p1","name":"Ann"})");
    const V before = raw_query(path(), "SELECT sql FROM sqlite_master ORDER BY name");
    reopen(kV1);
    EXPECT_EQ(raw_query(path(), "SELECT sql FROM sqlite_master ORDER BY name"), before);
    EXPECT_TRUE(driver_->get(person(), "p1"));
}

TEST_F(SqliteReconcile, TheDatabaseRunsInWalMode) {
    reopen(kV1);
    EXPECT_EQ(raw_query(path(), "PRAGMA journal_mode"), V{"wal"});
}

TEST_F(SqliteReconcile, AReaderProceedsWhileAWriteTransactionIsOpen) {
    reopen(kV1);
    add(R"({"id":"p0","name":"Before"})");
    std::promise<void> inside, reader_done;
    std::future<void> reader_done_f = reader_done.get_future();
    std::thread writer([&] {
        driver_->write({}, [&](WriteTxn& t) {
            t.insert(person(), doc(R"({"id":"p1","name":"Uncommitted"})"));
            inside.set_value();
            // Holds the write transaction open until the reader has finished;
            // the bound only keeps a broken driver from hanging the test run.
            reader_done_f.wait_for(std::chrono::seconds(60));
        });
    });
    inside.get_future().wait();
    ListQuery q;
    q.sort = {{&person().id_field(), false}};
    const ListPage page = driver_->list(person(), q);   // must not wait for the writer
    EXPECT_EQ(ids_of(page.docs), V{"p0"});
    EXPECT_FALSE(driver_->get(person(), "p1"));
    reader_done.set_value();
    writer.join();
    EXPECT_TRUE(driver_->get(person(), "p1"));
}

TEST_F(SqliteReconcile, ConcurrentWritersAreSerialised) {
    reopen(kV1);
    std::vector<std::thread> threads;
    for (int w = 0; w < 4; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < 25; ++i) {
                Document d = doc(R"({"name":"n"})");
                d["id"] = "w" + std::to_string(w) + "-" + std::to_string(i);
                driver_->write({}, [&](WriteTxn& t) { t.insert(person(), d); });
                driver_->get(person(), std::string(d["id"].as_string()));
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(driver_->entity_counts().at("Person"), boost::json::value(100));
}

TEST_F(SqliteReconcile, ForeignKeysGetAnIndexAndTheConfiguredAction) {
    reopen(R"(
_relationships: [{source: Team, target: Player}]
_entities:
  Team:
    fields:
      name: {type: String}
  Player:
    fields:
      name: {type: String}
      coachId: {type: ObjectId}
  Coach:
    fields:
      name: {type: String}
)");
    EXPECT_EQ(index_names(path(), "Player"), (V{"fk_Player_coachId", "fk_Player_teamId"}));
    EXPECT_EQ(raw_query(path(), "SELECT \"from\" || ':' || on_delete FROM pragma_foreign_key_list('Player') ORDER BY 1"),
              (V{"coachId:SET NULL", "teamId:CASCADE"}));
}

}  // namespace
}  // namespace events

namespace events {
namespace {

using namespace testing_sqlite;

TEST_F(SqliteReconcile, ChangingCascadeDeleteRebuildsTablesAndKeepsRows) {
    const char* yaml = R"(
_relationships: [{source: Team, target: Player}]
_entities:
  Team:
    fields:
      name: {type: String}
  Player:
    fields:
      name: {type: String}
      coachId: {type: ObjectId}
    unique: [[name]]
  Coach:
    fields:
      name: {type: String}
)";
    reopen(yaml);
    const auto add_to = [&](const char* entity, const char* json) {
        driver_->write({}, [&](WriteTxn& t) { t.insert(*schemas_.back()->find(entity), doc(json)); });
    };
    add_to("Team", R"({"id":"t1","name":"Reds"})");
    add_to("Coach", R"({"id":"c1","name":"Kim"})");
    add_to("Player", R"({"id":"p1","name":"Ann","teamId":"t1","coachId":"c1"})");
    raw_query(path(), "ALTER TABLE \"Player\" ADD COLUMN legacy TEXT");
    raw_query(path(), "UPDATE \"Player\" SET legacy = 'kept'");

    DriverOptions restrict;
    restrict.cascade_delete = false;
    reopen(yaml, restrict);
    EXPECT_EQ(raw_query(path(), "SELECT \"from\" || ':' || on_delete FROM pragma_foreign_key_list('Player') ORDER BY 1"),
              (V{"coachId:RESTRICT", "teamId:RESTRICT"}));
    EXPECT_EQ(raw_query(path(), "SELECT name || legacy FROM \"Player\""), V{"Annkept"});
    EXPECT_EQ(index_names(path(), "Player"), (V{"fk_Player_coachId", "fk_Player_teamId", "ux_Player_name$form"}));
    EXPECT_THROW(driver_->write({}, [&](WriteTxn& t) { t.remove(*schemas_.back()->find("Team"), "t1"); }),
                 ForeignKeyViolation);
    EXPECT_EQ(raw_query(path(), "PRAGMA foreign_keys"), V{"0"});   // a fresh raw connection: off by default
    EXPECT_THROW(add_to("Player", R"({"id":"p2","name":"Bo","teamId":"nope"})"), ForeignKeyViolation);

    reopen(yaml);   // back to cascades
    driver_->write({}, [&](WriteTxn& t) { t.remove(*schemas_.back()->find("Team"), "t1"); });
    EXPECT_EQ(raw_query(path(), "SELECT count(*) FROM \"Player\""), V{"0"});
}

}  // namespace
}  // namespace events
