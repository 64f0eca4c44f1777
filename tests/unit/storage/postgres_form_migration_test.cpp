// Migration of a PostgreSQL database written before the comparison forms existed (the
// previous version's layout: no form columns, unique indexes on lower(col), which folds
// ASCII only under "C"): start-up adds and fills the forms without losing data, and a
// unique conflict that Unicode folding reveals stops start-up listing the values.
#include "postgres_test_support.h"

namespace events {
namespace {

using namespace pgtest;

constexpr const char* kSchema = kOwnerItemSchema;

// The previous version's tables and indexes, then `rows`.
void create_old_layout(PgConnection& c, const std::vector<std::string>& rows) {
    c.exec(R"(CREATE TABLE "Owner" ("id" TEXT COLLATE "C" PRIMARY KEY, "name" TEXT COLLATE "C" NOT NULL, "code" TEXT COLLATE "C"))");
    c.exec(R"(CREATE TABLE "Item" ("id" TEXT COLLATE "C" PRIMARY KEY, "label" TEXT COLLATE "C", "ownerId" TEXT COLLATE "C" NOT NULL, FOREIGN KEY ("ownerId") REFERENCES "Owner" ("id") ON DELETE CASCADE))");
    c.exec(R"(CREATE UNIQUE INDEX "ux_Owner_name" ON "Owner" (lower("name")))");
    c.exec(R"(CREATE INDEX "fk_Item_ownerId" ON "Item" ("ownerId"))");
    for (const std::string& sql : rows) c.exec(sql);
}

class PostgresFormMigration : public PgFixture {
protected:
    // Creates the (empty) database through a driver over an unrelated schema.
    std::unique_ptr<PgConnection> empty_database() {
        open("_entities:\n  Unrelated:\n    fields:\n      n: {type: Integer}\n");
        close_all();
        return db();
    }
    const Entity& entity(const char* name) { return *schemas_.back()->find(name); }
    std::vector<std::string> find(StorageDriver& d, const char* entity_name, const char* field, const std::string& value,
                                  FilterOp op = FilterOp::Contains) {
        const Entity& e = entity(entity_name);
        ListQuery q;
        q.filters.push_back({e.find_field(field), op, boost::json::value(value)});
        q.sort.push_back({&e.id_field(), false});
        q.limit = 100;
        return ids_of(d.list(e, q).docs);
    }
};

using V = std::vector<std::string>;

TEST_F(PostgresFormMigration, OldDatabaseIsMigratedWithItsDataAndFiltersBecomeUnicode) {
    auto raw = empty_database();
    create_old_layout(*raw, {
                                R"(INSERT INTO "Owner" VALUES ('o1', 'Élodie', 'A1'), ('o2', 'Ирина', NULL), ('o3', 'Straße', 'x'))",
                                R"(INSERT INTO "Item" VALUES ('i1', 'GROẞE Kiste', 'o3'))",
                            });
    StorageDriver& d = open(kSchema);
    // The data is kept, values exactly as they were.
    EXPECT_EQ(to_json_text(boost::json::value(*d.get(entity("Owner"), "o1"))),
              R"({"id":"o1","name":"Élodie","code":"A1"})");
    EXPECT_EQ(d.get(entity("Item"), "i1")->at("label"), boost::json::value("GROẞE Kiste"));
    EXPECT_EQ(column_texts(*raw, R"(SELECT "name$cf" FROM "Owner" ORDER BY id)"), (V{"élodie", "ирина", "strasse"}));
    EXPECT_EQ(column_texts(*raw, R"(SELECT "label$cf" FROM "Item")"), V{"grosse kiste"});
    // Filters are Unicode-correct.
    EXPECT_EQ(find(d, "Owner", "name", "éLO"), V{"o1"});
    EXPECT_EQ(find(d, "Owner", "name", "ИРИНА", FilterOp::Eq), V{"o2"});
    EXPECT_EQ(find(d, "Owner", "name", "STRASSE"), V{"o3"});
    EXPECT_EQ(find(d, "Owner", "name", "STRASSE", FilterOp::Eq), V{"o3"});
    EXPECT_EQ(find(d, "Item", "label", "grosse"), V{"i1"});
    // The old lower() index is replaced by one on the form, and holds under folding.
    // (and the trigram substring index is added over the forms).
    EXPECT_EQ(column_texts(*raw, "SELECT indexname FROM pg_indexes WHERE tablename = 'Owner' AND indexname NOT LIKE "
                                 "'tg\\_%' ORDER BY indexname"),
              (V{"Owner_pkey", "ux_Owner_name$form"}));
    EXPECT_EQ(column_texts(*raw, "SELECT count(*) FROM pg_indexes WHERE tablename = 'Owner' AND indexdef LIKE "
                                 "'%USING gin (%\"name$cf\" gin_trgm_ops%'"),
              V{"1"});
    try {
        d.write({}, [&](WriteTxn& t) { t.insert(entity("Owner"), doc(R"({"id":"o4","name":"ÉLODIE"})")); });
        FAIL() << "expected UniqueViolation";
    } catch (const UniqueViolation& v) {
        EXPECT_EQ(v.fields, V{"name"});
    }
    // The form is recorded; a second start keeps everything.
    EXPECT_EQ(column_texts(*raw, R"(SELECT "value" FROM "_events$meta" WHERE "name" = 'comparison_form')").size(), 1u);
    close_all();
    StorageDriver& again = open(kSchema);
    EXPECT_EQ(find(again, "Owner", "name", "éLO"), V{"o1"});
    EXPECT_EQ(again.entity_counts().at("Owner"), boost::json::value(3));
}

TEST_F(PostgresFormMigration, DuplicatesRevealedByFoldingStopStartUpAndChangeNothing) {
    auto raw = empty_database();
    // lower() under "C" folds ASCII only: both spellings of "josé", and "ÉMILE"/"émile", got in.
    create_old_layout(*raw, {
                                "INSERT INTO \"Owner\" VALUES ('o1', 'jos\xC3\xA9', NULL), ('o2', 'JOSE\xCC\x81', NULL), "
                                "('o3', '\xC3\x89MILE', NULL), ('o4', '\xC3\xA9mile', NULL), ('o5', 'single', NULL)",
                            });
    StorageDriver& d = make(kSchema);
    try {
        d.open();
        FAIL() << "expected a ReconcileError";
    } catch (const ReconcileError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("Owner unique (name): duplicate values"), std::string::npos) << msg;
        EXPECT_NE(msg.find("\"JOSE\xCC\x81\" (2 documents)"), std::string::npos) << msg;   // least in byte order
        EXPECT_NE(msg.find("\"\xC3\x89MILE\" (2 documents)"), std::string::npos) << msg;
        EXPECT_EQ(msg.find("single"), std::string::npos) << msg;
    }
    // Rolled back: no form column, the old index, every row.
    EXPECT_EQ(column_texts(*raw, "SELECT column_name FROM information_schema.columns WHERE table_name = 'Owner' "
                                 "ORDER BY ordinal_position"),
              (V{"id", "name", "code"}));
    EXPECT_EQ(column_texts(*raw, "SELECT indexname FROM pg_indexes WHERE tablename = 'Owner' ORDER BY indexname"),
              (V{"Owner_pkey", "ux_Owner_name"}));
    EXPECT_EQ(column_texts(*raw, R"(SELECT count(*) FROM "Owner")"), V{"5"});
}

}  // namespace
}  // namespace events
