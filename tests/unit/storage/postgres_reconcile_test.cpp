// Start-up reconciliation on PostgreSQL: the schema changes between two opens
// of the same database.
#include "postgres_test_support.h"

namespace events {
namespace {

using namespace pgtest;

constexpr const char* kV1 = kOwnerItemSchema;

// v1 plus new columns.
constexpr const char* kV2Columns = R"(
_entities:
  Owner:
    fields:
      name: {type: String, required: true}
      code: {type: String}
      extra: {type: Integer}
      since: {type: Datetime}
    unique:
    - [name]
  Item:
    fields:
      label: {type: String}
      ownerId: {type: ObjectId, required: true}
)";

// v1 plus a unique constraint and a declared index on code.
constexpr const char* kV2UniqueCode = R"(
_entities:
  Owner:
    fields:
      name: {type: String, required: true}
      code: {type: String}
    unique:
    - [name]
    - [code]
    indexes:
    - [code]
  Item:
    fields:
      label: {type: String}
      ownerId: {type: ObjectId, required: true}
)";

class PostgresReconcile : public PgFixture {
protected:
    // The schema's indexes; the trigram substring index (tg_...) has its own tests
    // (postgres_accelerators_test.cpp).
    std::vector<std::string> indexes_of(const std::string& table) {
        auto c = db();
        return column_texts(*c, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 "
                                "AND indexname NOT LIKE 'tg\\_%' ORDER BY indexname",
                            {SqlParam(table)});
    }
    const Entity& entity(const char* name) { return *schemas_.back()->find(name); }
};

TEST_F(PostgresReconcile, AddedColumnsKeepExistingData) {
    StorageDriver& v1 = open(kV1);
    insert(v1, entity("Owner"), doc(R"({"id":"o1","name":"kept","code":"c1"})"));
    close_all();

    StorageDriver& v2 = open(kV2Columns);
    auto o1 = v2.get(entity("Owner"), "o1");
    ASSERT_TRUE(o1);
    EXPECT_EQ(to_json_text(*o1), R"({"id":"o1","name":"kept","code":"c1","extra":null,"since":null})");
    insert(v2, entity("Owner"),
           doc(R"({"id":"o2","name":"new","code":null,"extra":7,"since":"2025-01-02T03:04:05.678Z"})"));
    EXPECT_EQ(v2.get(entity("Owner"), "o2")->at("since"), boost::json::value("2025-01-02T03:04:05.678Z"));
}

TEST_F(PostgresReconcile, NewUniqueOverDuplicatesRefusesToStartAndListsThem) {
    StorageDriver& v1 = open(kV1);
    const char* rows[] = {R"({"id":"o1","name":"a","code":"Dup"})", R"({"id":"o2","name":"b","code":"dUP"})",
                          R"({"id":"o3","name":"c","code":"single"})", R"({"id":"o4","name":"d","code":null})",
                          R"({"id":"o5","name":"e","code":null})"};
    for (const char* r : rows) insert(v1, entity("Owner"), doc(r));
    close_all();

    StorageDriver& v2 = make(kV2UniqueCode, options());
    try {
        v2.open();
        FAIL() << "expected ReconcileError";
    } catch (const ReconcileError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("Owner unique (code)"), std::string::npos) << msg;
        // Case-insensitive duplicates (same comparison form), shown as one stored value
        // (the least in byte order).
        EXPECT_NE(msg.find("\"Dup\" (2 documents)"), std::string::npos) << msg;
        EXPECT_EQ(msg.find("single"), std::string::npos) << msg;
    }
    // Nothing was half-done: no new index, the data untouched.
    const auto ix = indexes_of("Owner");
    EXPECT_EQ(std::count(ix.begin(), ix.end(), "ux_Owner_code$form"), 0);
    auto c = db();
    EXPECT_EQ(column_texts(*c, "SELECT count(*) FROM \"Owner\""), std::vector<std::string>{"5"});
}

TEST_F(PostgresReconcile, DroppedConstraintsDropTheirIndexesOnly) {
    StorageDriver& v2 = open(kV2UniqueCode);
    EXPECT_EQ(indexes_of("Owner"),
              (std::vector<std::string>{"Owner_pkey", "ix_Owner_code$form", "ux_Owner_code$form", "ux_Owner_name$form"}));
    EXPECT_EQ(indexes_of("Item"), (std::vector<std::string>{"Item_pkey", "fk_Item_ownerId"}));
    insert(v2, entity("Owner"), doc(R"({"id":"o1","name":"a","code":"same"})"));
    EXPECT_THROW(insert(v2, entity("Owner"), doc(R"({"id":"o2","name":"b","code":"SAME"})")), UniqueViolation);
    auto c = db();
    c->exec("CREATE INDEX my_own_index ON \"Owner\" (name)");   // not ours: never dropped
    close_all();

    StorageDriver& v1 = open(kV1);
    EXPECT_EQ(indexes_of("Owner"), (std::vector<std::string>{"Owner_pkey", "my_own_index", "ux_Owner_name$form"}));
    insert(v1, entity("Owner"), doc(R"({"id":"o2","name":"b","code":"SAME"})"));
    EXPECT_EQ(v1.get(entity("Owner"), "o1")->at("code"), boost::json::value("same"));
}

TEST_F(PostgresReconcile, ForeignKeysUseTheConfiguredDeleteAction) {
    open(kV1);
    auto c = db();
    const std::string sql =
        "SELECT confdeltype::text FROM pg_constraint WHERE contype = 'f' AND conrelid = '\"Item\"'::regclass";
    EXPECT_EQ(column_texts(*c, sql), std::vector<std::string>{"c"});   // required FK: CASCADE
    close_all();
    drop_database(database_);
    DriverOptions o = options();
    o.cascade_delete = false;
    open(kV1, o);
    auto c2 = db();
    EXPECT_EQ(column_texts(*c2, sql), std::vector<std::string>{"r"});   // RESTRICT
}

// The document service leaves parent checks to the database only where a FOREIGN KEY
// constraint exists: a table made by another tool without one turns them back on.
TEST_F(PostgresReconcile, AnFkColumnWithoutConstraintMakesTheServiceCheckParents) {
    EXPECT_TRUE(open(kV1).capabilities().native_foreign_keys);
    close_all();
    {
        auto c = db();
        c->exec("ALTER TABLE \"Item\" DROP CONSTRAINT \"Item_ownerId_fkey\"");
    }
    StorageDriver& d = open(kV1);
    EXPECT_FALSE(d.capabilities().native_foreign_keys) << "the database no longer checks Item.ownerId";
}

TEST_F(PostgresReconcile, SwitchingCaseSensitivityRecomputesTheForms) {
    StorageDriver& ci = open(kV1);
    insert(ci, entity("Owner"), doc(R"({"id":"o1","name":"Bob"})"));
    EXPECT_THROW(insert(ci, entity("Owner"), doc(R"({"id":"o2","name":"bob"})")), UniqueViolation);
    close_all();

    DriverOptions o = options();
    o.case_sensitive = true;
    StorageDriver& cs = open(kV1, o);
    // The same index over the form column, whose forms are now NFC only.
    EXPECT_EQ(indexes_of("Owner"), (std::vector<std::string>{"Owner_pkey", "ux_Owner_name$form"}));
    auto c = db();
    EXPECT_EQ(column_texts(*c, "SELECT \"name$cf\" FROM \"Owner\""), std::vector<std::string>{"Bob"});
    insert(cs, entity("Owner"), doc(R"({"id":"o2","name":"bob"})"));
    try {
        insert(cs, entity("Owner"), doc(R"({"id":"o3","name":"bob"})"));
        FAIL() << "expected UniqueViolation";
    } catch (const UniqueViolation& v) {
        EXPECT_EQ(v.fields, std::vector<std::string>{"name"});
    }
}

TEST_F(PostgresReconcile, OverlongIndexNamesAreShortenedConsistently) {
    constexpr const char* kLong = R"(
_entities:
  AnEntityWithAVeryLongNameIndeed:
    fields:
      theFirstRatherLongFieldName: {type: String}
      theSecondRatherLongFieldName: {type: Integer}
    unique:
    - [theFirstRatherLongFieldName, theSecondRatherLongFieldName]
)";
    StorageDriver& d = open(kLong);
    const auto before = indexes_of("AnEntityWithAVeryLongNameIndeed");
    ASSERT_EQ(before.size(), 2u);
    for (const std::string& name : before) EXPECT_LE(name.size(), 63u) << name;
    const Entity& e = entity("AnEntityWithAVeryLongNameIndeed");
    insert(d, e, doc(R"({"id":"x1","theFirstRatherLongFieldName":"A","theSecondRatherLongFieldName":1})"));
    try {
        insert(d, e, doc(R"({"id":"x2","theFirstRatherLongFieldName":"a","theSecondRatherLongFieldName":1})"));
        FAIL() << "expected UniqueViolation";
    } catch (const UniqueViolation& v) {
        EXPECT_EQ(v.fields,
                  (std::vector<std::string>{"theFirstRatherLongFieldName", "theSecondRatherLongFieldName"}));
    }
    auto oids = [&] {
        auto c = db();
        return column_texts(*c, "SELECT indexrelid::text FROM pg_index WHERE indrelid = "
                                "'\"AnEntityWithAVeryLongNameIndeed\"'::regclass ORDER BY 1");
    };
    const auto oids_before = oids();
    close_all();
    open(kLong);   // the shortened name is recognised: nothing dropped or recreated
    EXPECT_EQ(indexes_of("AnEntityWithAVeryLongNameIndeed"), before);
    EXPECT_EQ(oids(), oids_before);
}

}  // namespace
}  // namespace events
