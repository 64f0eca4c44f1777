// Migration of an SQLite file written before the comparison forms existed (the layout of
// the previous version: no form columns, ASCII-folding NOCASE indexes, a trigram index
// over the value columns): start-up adds and fills the forms without losing data, and a
// unique conflict that Unicode folding reveals stops start-up listing the values.
#include "sqlite_test_support.h"

namespace events {
namespace {

using namespace testing_sqlite;

const char* const kSchema = R"(
_entities:
  Person:
    fields:
      name: {type: String, required: true}
      city: {type: String}
      age: {type: Integer}
    unique: [[name]]
)";

// Runs `statements` on a new file, as the previous version laid it out.
void create_old_layout(const std::string& path, const std::vector<std::string>& statements) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
    for (const std::string& sql : statements) {
        char* err = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
        sqlite3_free(err);
    }
    sqlite3_close(db);
}

std::vector<std::string> old_layout(const std::vector<std::string>& rows) {
    std::vector<std::string> out = {
        R"(CREATE TABLE "Person" ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "city" TEXT, "age" INTEGER))",
        R"(CREATE UNIQUE INDEX "ux_Person_name" ON "Person" ("name" COLLATE NOCASE))",
        R"(CREATE VIRTUAL TABLE "_fts_Person" USING fts5("name", "city", content='Person', content_rowid='rowid', tokenize='trigram case_sensitive 0', detail=column))",
        R"(CREATE TRIGGER "_fts_Person_ai" AFTER INSERT ON "Person" BEGIN INSERT INTO "_fts_Person" (rowid, "name", "city") VALUES (new.rowid, new."name", new."city"); END)",
    };
    out.insert(out.end(), rows.begin(), rows.end());
    out.push_back(R"(INSERT INTO "_fts_Person" ("_fts_Person") VALUES ('rebuild'))");
    return out;
}

class SqliteFormMigration : public ::testing::Test {
protected:
    std::string path() const { return dir_.file("old.db"); }
    const Entity& person() const { return *schema_.find("Person"); }
    std::vector<std::string> find(const std::string& value, FilterOp op = FilterOp::Contains,
                                  const char* field = "name") {
        ListQuery q;
        q.filters.push_back({person().find_field(field), op, boost::json::value(value)});
        q.sort.push_back({&person().id_field(), false});
        q.limit = 100;
        return ids_of(driver_->list(person(), q).docs);
    }

    TempDir dir_;
    Schema schema_ = Schema::load_text(kSchema);
    std::unique_ptr<StorageDriver> driver_;
};

using V = std::vector<std::string>;

TEST_F(SqliteFormMigration, OldFileIsMigratedWithItsDataAndFiltersBecomeUnicode) {
    create_old_layout(path(), old_layout({
                                  R"(INSERT INTO "Person" VALUES ('p1', 'Élodie', 'Paris', 30))",
                                  R"(INSERT INTO "Person" VALUES ('p2', 'Ирина', NULL, NULL))",
                                  R"(INSERT INTO "Person" VALUES ('p3', 'Straße', 'MÜNCHEN', 41))",
                              }));
    driver_ = open_sqlite(schema_, path());
    // The data is kept, values exactly as they were.
    EXPECT_EQ(text(*driver_->get(person(), "p1")), R"({"id":"p1","name":"Élodie","city":"Paris","age":30})");
    EXPECT_EQ(text(*driver_->get(person(), "p3")), R"({"id":"p3","name":"Straße","city":"MÜNCHEN","age":41})");
    EXPECT_EQ(raw_query(path(), R"(SELECT "name$cf" FROM "Person" ORDER BY id)"), (V{"élodie", "ирина", "strasse"}));
    // Filters are Unicode-correct, through the rebuilt trigram index too (3+ characters).
    EXPECT_EQ(find("éLO"), V{"p1"});
    EXPECT_EQ(find("ИРИНА", FilterOp::Eq), V{"p2"});
    EXPECT_EQ(find("STRASSE"), V{"p3"});
    EXPECT_EQ(find("STRASSE", FilterOp::Eq), V{"p3"});
    EXPECT_EQ(find("münch", FilterOp::Contains, "city"), V{"p3"});
    // The old ASCII index is replaced by one on the form; the trigram index covers the forms.
    EXPECT_EQ(index_names(path(), "Person"), V{"ux_Person_name$form"});
    const V fts = raw_query(path(), "SELECT sql FROM sqlite_master WHERE name='_fts_Person'");
    ASSERT_EQ(fts.size(), 1u);
    EXPECT_NE(fts[0].find("\"name$cf\", \"city$cf\""), std::string::npos) << fts[0];
    // The unique constraint now holds under folding.
    EXPECT_THROW(driver_->write({}, [&](WriteTxn& t) { t.insert(person(), doc(R"({"id":"p4","name":"ÉLODIE"})")); }),
                 UniqueViolation);
    // A second start has nothing to do and keeps everything.
    const V before = raw_query(path(), "SELECT sql FROM sqlite_master ORDER BY name");
    driver_.reset();
    driver_ = open_sqlite(schema_, path());
    EXPECT_EQ(raw_query(path(), "SELECT sql FROM sqlite_master ORDER BY name"), before);
    EXPECT_EQ(find("éLO"), V{"p1"});
}

TEST_F(SqliteFormMigration, DuplicatesRevealedByFoldingStopStartUpAndChangeNothing) {
    // The ASCII-only NOCASE index let both spellings of "josé" (and "ÉMILE"/"émile") in.
    create_old_layout(path(), old_layout({
                                  "INSERT INTO \"Person\" VALUES ('p1', 'jos\xC3\xA9', NULL, NULL)",
                                  "INSERT INTO \"Person\" VALUES ('p2', 'JOSE\xCC\x81', NULL, NULL)",
                                  "INSERT INTO \"Person\" VALUES ('p3', '\xC3\x89MILE', NULL, NULL)",
                                  "INSERT INTO \"Person\" VALUES ('p4', '\xC3\xA9mile', NULL, NULL)",
                                  "INSERT INTO \"Person\" VALUES ('p5', 'single', NULL, NULL)",
                              }));
    const V before = raw_query(path(), "SELECT sql FROM sqlite_master ORDER BY name");
    try {
        driver_ = open_sqlite(schema_, path());
        FAIL() << "expected a ReconcileError";
    } catch (const ReconcileError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("Person unique (name): duplicate values"), std::string::npos) << msg;
        EXPECT_NE(msg.find("\"JOSE\xCC\x81\" (2 documents)"), std::string::npos) << msg;   // least in byte order
        EXPECT_NE(msg.find("\"\xC3\x89MILE\" (2 documents)"), std::string::npos) << msg;
        EXPECT_EQ(msg.find("single"), std::string::npos) << msg;
    }
    // Rolled back: the old layout and rows as they were.
    EXPECT_EQ(raw_query(path(), "SELECT sql FROM sqlite_master ORDER BY name"), before);
    EXPECT_EQ(raw_query(path(), R"(SELECT count(*) FROM "Person")"), V{"5"});
}

TEST_F(SqliteFormMigration, ManyRowsAreFilledInBatchesAndRowsWithoutFormsAreRepaired) {
    // More rows than one refill batch (1,000), every one with a non-ASCII upper-case letter.
    create_old_layout(path(), old_layout({
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
                                  "INSERT INTO \"Person\" SELECT printf('p%05d', i), 'N\xC3\x80ME ' || i, NULL, i FROM n",
                              }));
    driver_ = open_sqlite(schema_, path());
    EXPECT_EQ(raw_query(path(), "SELECT count(*) FROM \"Person\" WHERE \"name$cf\" = 'n\xC3\xA0me ' || age"), V{"2500"});
    EXPECT_EQ(find("N\xC3\xA0ME 2499", FilterOp::Eq), V{"p02499"});
    driver_.reset();
    // A row written without its form (by a server that did not know forms) is repaired
    // at the next start, even though the recorded form did not change.
    raw_query(path(), "INSERT INTO \"Person\" (id, name) VALUES ('q1', '\xC3\x89LODIE')");
    driver_ = open_sqlite(schema_, path());
    EXPECT_EQ(raw_query(path(), "SELECT \"name$cf\" FROM \"Person\" WHERE id = 'q1'"), V{"\xC3\xA9lodie"});
    EXPECT_EQ(find("\xC3\xA9lo"), V{"q1"});
}

}  // namespace
}  // namespace events
