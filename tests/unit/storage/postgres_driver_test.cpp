// The PostgreSQL backend through the StorageDriver contract, on a real server
// (EVENTS_TEST_PG_URI): database creation, value round trips identical to
// SQLite, filters, ordering, constraints, cascades, wipe.
#include "postgres_test_support.h"

#include <filesystem>
#include <future>

namespace events {
namespace {

using namespace pgtest;

constexpr const char* kSchema = R"(
_entities:
  Owner:
    fields:
      name: {type: String, required: true}
      code: {type: String}
      a: {type: String}
      b: {type: Integer}
    unique:
    - [name]
    - [a, b]
  Thing:
    fields:
      label: {type: String}
      count: {type: Integer}
      ratio: {type: Number}
      price: {type: Currency}
      active: {type: Boolean}
      day: {type: Date}
      at: {type: Datetime}
      data: {type: JSON}
      tags: {type: 'Array[String]'}
      kind: {type: String, enum: {values: [big, small]}}
      ownerId: {type: ObjectId, required: true}
    indexes:
    - [label]
  Note:
    fields:
      text: {type: String}
      ownerId: {type: ObjectId}
)";

class PostgresDriver : public PgFixture {
protected:
    StorageDriver& start(DriverOptions o) {
        StorageDriver& d = open(kSchema, o);
        const Schema& s = *schemas_.back();
        owner_ = s.find("Owner");
        thing_ = s.find("Thing");
        note_ = s.find("Note");
        return d;
    }
    StorageDriver& start() { return start(options()); }

    const Field* field(const Entity* e, const char* name) const { return e->find_field(name); }

    ListQuery query(std::vector<FilterCondition> filters, std::vector<SortKey> sort = {}) const {
        ListQuery q;
        q.filters = std::move(filters);
        q.sort = std::move(sort);
        q.sort.push_back({field(thing_, "id"), false});
        q.limit = 100;
        return q;
    }

    std::vector<std::string> ids(StorageDriver& d, const Entity& e, const ListQuery& q) {
        return ids_of(d.list(e, q).docs);
    }

    const Entity* owner_ = nullptr;
    const Entity* thing_ = nullptr;
    const Entity* note_ = nullptr;
};

TEST_F(PostgresDriver, CreatesTheMissingDatabaseAndReportsNoPassword) {
    ASSERT_FALSE(database_exists(database_));
    // Trust authentication ignores a password, so one can be put into the URI to
    // check that the report masks it.
    std::string uri = server_uri();
    const size_t scheme = uri.find("://"), at = uri.find('@');
    const bool injected = scheme != std::string::npos && at != std::string::npos &&
                          uri.substr(scheme + 3, at - scheme - 3).find(':') == std::string::npos;
    if (injected) uri.insert(at, ":Secret-Passw0rd");

    StorageDriver& d = start(options(uri));
    EXPECT_TRUE(database_exists(database_));
    EXPECT_EQ(d.backend_name(), "postgresql");
    EXPECT_TRUE(d.ping());
    const Capabilities caps = d.capabilities();
    EXPECT_TRUE(caps.native_uniques && caps.native_cascades && caps.native_foreign_keys);

    const std::string report = to_json_text(d.report_details());
    EXPECT_NE(report.find("\"database\":\"" + database_ + "\""), std::string::npos) << report;
    EXPECT_NE(report.find("ux_Owner_name"), std::string::npos) << report;
    if (injected) {
        EXPECT_EQ(report.find("Secret-Passw0rd"), std::string::npos) << report;
        EXPECT_NE(report.find(":***@"), std::string::npos) << report;
    }
    // Opening again finds everything in place.
    close_all();
    StorageDriver& again = start();
    EXPECT_EQ(to_json_text(again.entity_counts()), R"({"Owner":0,"Thing":0,"Note":0})");
}

TEST_F(PostgresDriver, RoundTripsEveryTypeExactlyAsSqliteDoes) {
    StorageDriver& pg = start();
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("events-pg-vs-sqlite-" + database_);
    std::filesystem::create_directories(dir);
    DriverOptions so;
    so.uri = (dir / "same.db").string();
    so.db_name = "test";
    auto sqlite = make_driver("sqlite", *schemas_.back(), so);
    sqlite->open();

    const std::vector<Document> docs = {
        doc(R"({"id":"o1","name":"Owner","code":null,"a":null,"b":null})"),
        doc(R"({"id":"t1","label":"Hello \"quoted\" ünïcode","count":9007199254740993,"ratio":0.30000000000000004,
               "price":236153.61,"active":true,"day":"2025-11-12","at":"2025-11-12T20:11:17.123Z",
               "data":{"a":[1,2.5,"x",{"k":false}],"b":null,"nested":{"deep":-0.5}},
               "tags":["x","y","with \"quote\""],"kind":"big","ownerId":"o1"})"),
        doc(R"({"id":"t2","label":null,"count":-42,"ratio":-1e-7,"price":0.1,"active":false,"day":"0001-01-01",
               "at":"1999-12-31T23:59:59.000Z","data":{},"tags":[],"kind":null,"ownerId":"o1"})"),
        doc(R"({"id":"t3","label":"","count":0,"ratio":5e4,"price":1e21,"active":null,"day":null,"at":null,
               "data":null,"tags":null,"kind":"small","ownerId":"o1"})"),
    };
    for (const Document& d : docs) {
        const Entity& e = d.at("id").as_string().starts_with("o") ? *owner_ : *thing_;
        insert(pg, e, d);
        insert(*sqlite, e, d);
    }
    for (const Document& d : docs) {
        const Entity& e = d.at("id").as_string().starts_with("o") ? *owner_ : *thing_;
        const std::string id(d.at("id").as_string());
        auto from_pg = pg.get(e, id);
        auto from_sqlite = sqlite->get(e, id);
        ASSERT_TRUE(from_pg && from_sqlite) << id;
        EXPECT_EQ(to_json_text(*from_pg), to_json_text(*from_sqlite)) << id;
        // The canonical form went in, the same comes out (int64 stays int64, doubles stay doubles).
        EXPECT_EQ(*from_pg, d) << id << ": " << to_json_text(*from_pg);
    }
    // Spot checks of the canonical spellings.
    const Document t1 = *pg.get(*thing_, "t1");
    EXPECT_EQ(t1.at("at"), boost::json::value("2025-11-12T20:11:17.123Z"));
    EXPECT_EQ(t1.at("day"), boost::json::value("2025-11-12"));
    EXPECT_TRUE(t1.at("count").is_int64());
    EXPECT_TRUE(t1.at("price").is_double());
    EXPECT_TRUE(t1.at("active").is_bool());
    EXPECT_EQ(pg.get(*thing_, "t2")->at("at"), boost::json::value("1999-12-31T23:59:59.000Z"));

    // Update replaces the whole document; remove deletes it; get_many returns what exists.
    Document changed = docs[3];
    changed["label"] = "changed";
    changed["count"] = nullptr;
    bool updated = false;
    pg.write({}, [&](WriteTxn& t) { updated = t.update(*thing_, changed); });
    EXPECT_TRUE(updated);
    EXPECT_EQ(*pg.get(*thing_, "t3"), changed) << to_json_text(*pg.get(*thing_, "t3"));
    pg.write({}, [&](WriteTxn& t) { updated = t.update(*thing_, doc(R"({"id":"nope","ownerId":"o1"})")); });
    EXPECT_FALSE(updated);
    bool removed = false;
    pg.write({}, [&](WriteTxn& t) { removed = t.remove(*thing_, "t2"); });
    EXPECT_TRUE(removed);
    EXPECT_FALSE(pg.get(*thing_, "t2"));
    pg.write({}, [&](WriteTxn& t) { removed = t.remove(*thing_, "t2"); });
    EXPECT_FALSE(removed);
    auto many = pg.get_many(*thing_, {"t1", "t2", "t3", "zzz"});
    std::vector<std::string> got = ids_of(many);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"t1", "t3"}));

    sqlite.reset();
    std::filesystem::remove_all(dir);
}

TEST_F(PostgresDriver, WriteRollsBackEverythingWhenWorkThrows) {
    StorageDriver& d = start();
    insert(d, *owner_, doc(R"({"id":"o1","name":"first"})"));
    EXPECT_THROW(d.write({}, [&](WriteTxn& t) {
        t.insert(*owner_, doc(R"({"id":"o2","name":"second"})"));
        EXPECT_TRUE(t.exists(*owner_, "o2"));   // visible inside the transaction
        throw std::runtime_error("abort");
    }),
                 std::runtime_error);
    EXPECT_FALSE(d.get(*owner_, "o2"));
    // The connection went back clean: the next write works.
    insert(d, *owner_, doc(R"({"id":"o3","name":"third"})"));
    EXPECT_TRUE(d.get(*owner_, "o3"));
}

TEST_F(PostgresDriver, TextFiltersAreLiteralAndCaseInsensitive) {
    StorageDriver& d = start();
    insert(d, *owner_, doc(R"({"id":"o1","name":"o"})"));
    const char* labels[] = {R"("100% pure")", R"("100 pure")", R"("a_b")", R"("axb")", R"("back\\slash")",
                            R"("ABC")", "null"};
    for (int i = 0; i < 7; ++i)
        insert(d, *thing_,
               doc(("{\"id\":\"t" + std::to_string(i + 1) + "\",\"label\":" + labels[i] + ",\"ownerId\":\"o1\"}")
                       .c_str()));
    const Field* label = field(thing_, "label");
    auto contains = [&](const char* v) {
        return ids(d, *thing_, query({{label, FilterOp::Contains, boost::json::value(v)}}));
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(contains("%"), V{"t1"});
    EXPECT_EQ(contains("_"), V{"t3"});
    EXPECT_EQ(contains("\\"), V{"t5"});
    EXPECT_EQ(contains("PURE"), (V{"t1", "t2"}));
    EXPECT_EQ(contains("b"), (V{"t3", "t4", "t5", "t6"}));
    EXPECT_EQ(contains("'; DROP TABLE \"Thing\"; --"), V{});
    auto where = [&](FilterOp op, const char* v) {
        return ids(d, *thing_, query({{label, op, boost::json::value(v)}}));
    };
    EXPECT_EQ(where(FilterOp::Eq, "A_B"), V{"t3"});   // full match, any case
    EXPECT_EQ(where(FilterOp::Eq, "a"), V{});
    EXPECT_EQ(where(FilterOp::Ne, "abc"), (V{"t1", "t2", "t3", "t4", "t5"}));   // NULL does not match
    // Lower-cased bytes: "axb" and "back\slash" sort after "axa"; "abc" and "a_b" before it.
    EXPECT_EQ(where(FilterOp::Gt, "AXA"), (V{"t4", "t5"}));
    EXPECT_EQ(where(FilterOp::Lte, "ABC"), (V{"t1", "t2", "t3", "t6"}));
    EXPECT_EQ(ids(d, *thing_, query({{label, FilterOp::Eq, boost::json::value(nullptr)}})), V{"t7"});
    const ListPage page = d.list(*thing_, query({{label, FilterOp::Contains, boost::json::value("pure")}}));
    EXPECT_EQ(page.total, 2);
}

TEST_F(PostgresDriver, RangeFiltersCompareTypedValues) {
    StorageDriver& d = start();
    insert(d, *owner_, doc(R"({"id":"o1","name":"o"})"));
    insert(d, *thing_, doc(R"({"id":"t1","day":"2025-01-01","at":"2025-01-01T00:00:00.000Z","price":9.99,
                             "ratio":-1.5,"count":9,"active":true,"ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t2","day":"2025-06-15","at":"2025-01-01T00:00:00.001Z","price":10,
                             "ratio":0,"count":10,"active":false,"ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t3","day":"2025-12-31","at":"2025-01-01T00:00:00.002Z","price":10.01,
                             "ratio":2.25,"count":100,"active":null,"ownerId":"o1"})"));
    using V = std::vector<std::string>;
    auto where = [&](const char* name, FilterOp op, boost::json::value v) {
        return ids(d, *thing_, query({{field(thing_, name), op, std::move(v)}}));
    };
    EXPECT_EQ(where("day", FilterOp::Gte, "2025-06-15"), (V{"t2", "t3"}));
    EXPECT_EQ(where("day", FilterOp::Lt, "2025-06-15"), V{"t1"});
    EXPECT_EQ(where("day", FilterOp::Eq, "2025-12-31"), V{"t3"});
    EXPECT_EQ(where("at", FilterOp::Gt, "2025-01-01T00:00:00.001Z"), V{"t3"});   // milliseconds kept
    EXPECT_EQ(where("at", FilterOp::Lte, "2025-01-01T00:00:00.001Z"), (V{"t1", "t2"}));
    EXPECT_EQ(where("price", FilterOp::Gt, 10.0), V{"t3"});
    EXPECT_EQ(where("price", FilterOp::Lte, 10.0), (V{"t1", "t2"}));
    EXPECT_EQ(where("ratio", FilterOp::Lt, 0.0), V{"t1"});
    EXPECT_EQ(where("count", FilterOp::Gte, int64_t{10}), (V{"t2", "t3"}));   // numeric, not text, order
    EXPECT_EQ(where("count", FilterOp::Ne, int64_t{10}), (V{"t1", "t3"}));
    EXPECT_EQ(where("active", FilterOp::Eq, false), V{"t2"});
    // Two conditions are AND-ed.
    EXPECT_EQ(ids(d, *thing_,
                  query({{field(thing_, "count"), FilterOp::Gt, int64_t{9}},
                         {field(thing_, "day"), FilterOp::Lt, boost::json::value("2025-12-31")}})),
              V{"t2"});
}

TEST_F(PostgresDriver, OrdersByLowerCasedBytesWithNullsLast) {
    StorageDriver& d = start();
    insert(d, *owner_, doc(R"({"id":"o1","name":"o"})"));
    insert(d, *thing_, doc(R"({"id":"t1","label":"Abc","count":3,"ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t2","label":"ab","count":null,"ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t3","label":"a_b","count":1,"ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t4","label":null,"count":2,"ownerId":"o1"})"));
    using V = std::vector<std::string>;
    const Field* label = field(thing_, "label");
    const Field* count = field(thing_, "count");
    EXPECT_EQ(ids(d, *thing_, query({}, {{label, false}})), (V{"t3", "t2", "t1", "t4"}));
    EXPECT_EQ(ids(d, *thing_, query({}, {{label, true}})), (V{"t1", "t2", "t3", "t4"}));
    EXPECT_EQ(ids(d, *thing_, query({}, {{count, false}})), (V{"t3", "t4", "t1", "t2"}));
    EXPECT_EQ(ids(d, *thing_, query({}, {{count, true}})), (V{"t1", "t4", "t3", "t2"}));
    // Paging: offset/limit over the same order; the total ignores them.
    ListQuery q = query({}, {{label, false}});
    q.offset = 1;
    q.limit = 2;
    const ListPage page = d.list(*thing_, q);
    EXPECT_EQ(ids_of(page.docs), (V{"t2", "t1"}));
    EXPECT_EQ(page.total, 4);
}

TEST_F(PostgresDriver, CaseSensitiveConfigurationComparesBytes) {
    DriverOptions o = options();
    o.case_sensitive = true;
    StorageDriver& d = start(o);
    insert(d, *owner_, doc(R"({"id":"o1","name":"Bob"})"));
    insert(d, *owner_, doc(R"({"id":"o2","name":"bob"})"));   // distinct under byte comparison
    insert(d, *thing_, doc(R"({"id":"t1","label":"ab","ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t2","label":"Abc","ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t3","label":"a_b","ownerId":"o1"})"));
    using V = std::vector<std::string>;
    const Field* label = field(thing_, "label");
    EXPECT_EQ(ids(d, *thing_, query({}, {{label, false}})), (V{"t2", "t3", "t1"}));
    EXPECT_EQ(ids(d, *thing_, query({{label, FilterOp::Eq, boost::json::value("AB")}})), V{});
    EXPECT_EQ(ids(d, *thing_, query({{label, FilterOp::Contains, boost::json::value("A")}})), V{"t2"});
}

TEST_F(PostgresDriver, UniqueViolationsNameTheConstraintFields) {
    StorageDriver& d = start();
    insert(d, *owner_, doc(R"({"id":"o1","name":"Alice","a":"X","b":1})"));
    auto fields_of_failure = [&](const char* json) -> std::vector<std::string> {
        try {
            insert(d, *owner_, doc(json));
        } catch (const UniqueViolation& v) {
            EXPECT_EQ(v.entity, owner_);
            return v.fields;
        }
        return {"<no violation>"};
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(fields_of_failure(R"({"id":"o2","name":"ALICE"})"), V{"name"});   // case-insensitive
    EXPECT_EQ(fields_of_failure(R"({"id":"o2","name":"Other","a":"x","b":1})"), (V{"a", "b"}));   // composite
    EXPECT_EQ(fields_of_failure(R"({"id":"o1","name":"Fresh"})"), V{"id"});   // primary key
    // NULLs take no part in a constraint.
    insert(d, *owner_, doc(R"({"id":"o3","name":"n3","a":null,"b":5})"));
    insert(d, *owner_, doc(R"({"id":"o4","name":"n4","a":null,"b":5})"));
    insert(d, *owner_, doc(R"({"id":"o5","name":"n5","a":"q","b":null})"));
    insert(d, *owner_, doc(R"({"id":"o6","name":"n6","a":"q","b":null})"));
    insert(d, *owner_, doc(R"({"id":"o7","name":"n7","a":"x","b":2})"));   // differs in b
    // An update into a taken value is refused too, and the write leaves nothing behind.
    EXPECT_THROW(d.write({}, [&](WriteTxn& t) {
        t.insert(*owner_, doc(R"({"id":"o8","name":"n8"})"));
        t.update(*owner_, doc(R"({"id":"o3","name":"alice"})"));
    }),
                 UniqueViolation);
    EXPECT_FALSE(d.get(*owner_, "o8"));
    EXPECT_EQ(d.get(*owner_, "o3")->at("name"), boost::json::value("n3"));
}

TEST_F(PostgresDriver, MissingParentIsAForeignKeyViolation) {
    StorageDriver& d = start();
    EXPECT_THROW(insert(d, *thing_, doc(R"({"id":"t1","ownerId":"ghost"})")), ForeignKeyViolation);
    EXPECT_THROW(insert(d, *owner_, doc(R"({"id":"o1","name":null})")), SqlError);   // NOT NULL backs validation
}

TEST_F(PostgresDriver, DeleteCascadesRequiredAndClearsOptionalReferences) {
    StorageDriver& d = start();
    insert(d, *owner_, doc(R"({"id":"o1","name":"one"})"));
    insert(d, *owner_, doc(R"({"id":"o2","name":"two"})"));
    insert(d, *thing_, doc(R"({"id":"t1","ownerId":"o1"})"));
    insert(d, *thing_, doc(R"({"id":"t2","ownerId":"o2"})"));
    insert(d, *note_, doc(R"({"id":"n1","text":"x","ownerId":"o1"})"));
    d.write({}, [&](WriteTxn& t) {
        EXPECT_EQ(t.count_where(*thing_, *field(thing_, "ownerId"), "o1"), 1);
        EXPECT_EQ(t.ids_where(*note_, *field(note_, "ownerId"), "o1", 10), std::vector<std::string>{"n1"});
        EXPECT_TRUE(t.remove(*owner_, "o1"));
    });
    EXPECT_FALSE(d.get(*thing_, "t1"));
    EXPECT_TRUE(d.get(*thing_, "t2"));
    auto n1 = d.get(*note_, "n1");
    ASSERT_TRUE(n1);
    EXPECT_TRUE(n1->at("ownerId").is_null());
}

TEST_F(PostgresDriver, WithoutCascadesAReferencedParentCannotBeDeleted) {
    DriverOptions o = options();
    o.cascade_delete = false;
    StorageDriver& d = start(o);
    insert(d, *owner_, doc(R"({"id":"o1","name":"one"})"));
    insert(d, *note_, doc(R"({"id":"n1","ownerId":"o1"})"));
    EXPECT_THROW(d.write({}, [&](WriteTxn& t) { t.remove(*owner_, "o1"); }), ForeignKeyViolation);
    EXPECT_TRUE(d.get(*owner_, "o1"));
    d.write({}, [&](WriteTxn& t) {
        t.clear_where(*note_, *field(note_, "ownerId"), "o1");
        EXPECT_TRUE(t.remove(*owner_, "o1"));
    });
    EXPECT_TRUE(d.get(*note_, "n1")->at("ownerId").is_null());
}

TEST_F(PostgresDriver, WipeDropsOnlyThisSchemasTables) {
    StorageDriver& d = start();
    auto raw = db();
    raw->exec("CREATE TABLE \"Unrelated\" (v TEXT); INSERT INTO \"Unrelated\" VALUES ('keep me')");
    insert(d, *owner_, doc(R"({"id":"o1","name":"one"})"));
    insert(d, *thing_, doc(R"({"id":"t1","ownerId":"o1"})"));
    d.wipe();
    EXPECT_EQ(to_json_text(d.entity_counts()), R"({"Owner":0,"Thing":0,"Note":0})");
    EXPECT_EQ(column_texts(*raw, "SELECT v FROM \"Unrelated\""), std::vector<std::string>{"keep me"});
    // The recreated tables are fully usable, indexes included.
    insert(d, *owner_, doc(R"({"id":"o1","name":"one"})"));
    EXPECT_THROW(insert(d, *owner_, doc(R"({"id":"o2","name":"ONE"})")), UniqueViolation);
    EXPECT_EQ(column_texts(*raw,
                           "SELECT indexname FROM pg_indexes WHERE tablename = 'Owner' AND indexname LIKE 'ux%' "
                           "ORDER BY indexname"),
              (std::vector<std::string>{"ux_Owner_a_b$form", "ux_Owner_name$form"}));
}

TEST_F(PostgresDriver, ReadersDoNotWaitForAnOpenWrite) {
    StorageDriver& d = start();
    insert(d, *owner_, doc(R"({"id":"o1","name":"one"})"));
    d.write({}, [&](WriteTxn& t) {
        t.update(*owner_, doc(R"({"id":"o1","name":"renamed"})"));
        // Another thread reads while this transaction holds the row: it gets the
        // committed version at once (the future would never finish if it waited).
        auto reader = std::async(std::launch::async, [&] { return d.get(*owner_, "o1"); });
        auto seen = reader.get();
        ASSERT_TRUE(seen);
        EXPECT_EQ(seen->at("name"), boost::json::value("one"));
    });
    EXPECT_EQ(d.get(*owner_, "o1")->at("name"), boost::json::value("renamed"));
}

}  // namespace
}  // namespace events
