// The SQLite read accelerators: the trigram substring index, deferred deep pages
// and the kept row counts. Each must give exactly the answers of the plain query.
#include "people_fixture.h"
#include "sqlite_test_support.h"

#include "core/comparison_form.h"
#include "storage/sql/page_anchors.h"

#include <fmt/format.h>

#include <algorithm>

namespace events {
namespace {

using namespace testing_sqlite;
using namespace testing_people;

using V = std::vector<std::string>;

class SqliteAccelerators : public ::testing::Test {
protected:
    void open(const char* yaml = kPeople, bool case_sensitive = false) {
        driver_.reset();
        schema_ = std::make_unique<Schema>(Schema::load_text(yaml));
        DriverOptions o;
        o.case_sensitive = case_sensitive;
        driver_ = open_sqlite(*schema_, path(), o);
        person_ = schema_->find("Person");
    }
    std::string path() const { return dir_.file("acc.db"); }
    void add(const char* json) {
        driver_->write({}, [&](WriteTxn& t) { t.insert(*person_, doc(json)); });
    }
    void seed() {
        add(R"({"id":"01","name":"Alice Smith","nick":"ali","kind":"a","secret":"hunter22"})");
        add(R"({"id":"02","name":"ALICE jones","nick":"Al","kind":"b","secret":"xhunterx"})");
        add(R"({"id":"03","name":"Bob \"the\" Builder","nick":"bob's"})");
        add(R"({"id":"04","name":"100% pure","nick":"a_b_c"})");
        add(R"({"id":"05","name":"100x pure","nick":"a-b-c"})");
        add(R"({"id":"06","name":"back\\slash","nick":null})");
        add(R"({"id":"07","name":"Ünïcode café","nick":"CAFÉ"})");
        add(R"({"id":"08","name":null,"nick":"o'neil"})");
    }
    V contains(const char* field, const std::string& value) {
        ListQuery q;
        q.filters.push_back({person_->find_field(field), FilterOp::Contains, boost::json::value(value)});
        q.sort.push_back({&person_->id_field(), false});
        q.limit = 100;
        const ListPage page = driver_->list(*person_, q);
        EXPECT_EQ(page.total, static_cast<int64_t>(page.docs.size())) << field << " ~ " << value;
        return ids_of(page.docs);
    }
    // What the substring test answers without any index, computed in C++ on the
    // comparison forms (docs/DECISIONS.md §2.23): this test is about the index agreeing with
    // the exact test, so it may use the form's own definition.
    V expected_contains(const char* field, const std::string& needle, bool case_sensitive = false) {
        auto fold = [&](const std::string& s) { return comparison_form(s, case_sensitive); };
        V out;
        ListQuery all;
        all.sort.push_back({&person_->id_field(), false});
        all.limit = -1;
        for (const Document& d : driver_->list(*person_, all).docs) {
            const boost::json::value& v = d.at(field);
            if (v.is_string() && fold(std::string(v.get_string())).find(fold(needle)) != std::string::npos)
                out.emplace_back(d.at("id").as_string());
        }
        return out;
    }
    size_t fts_rows_matching(const std::string& match) {
        return raw_query(path(), "SELECT rowid FROM \"_fts_Person\" WHERE \"_fts_Person\" MATCH '" + match + "'")
            .size();
    }

    TempDir dir_;
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
    const Entity* person_ = nullptr;
};

TEST_F(SqliteAccelerators, SubstringResultsEqualThePlainTest) {
    open();
    seed();
    const std::vector<std::pair<const char*, std::string>> probes = {
        {"name", "alice"}, {"name", "LIC"},  {"name", "ice sm"}, {"name", "100%"},    {"name", "0% p"},
        {"name", "% p"},   {"name", "0x"},   {"name", "\"the\""}, {"name", "\"th"},   {"name", "k\\s"},
        {"name", "café"},  {"name", "CAFÉ"}, {"name", "zzz"},    {"nick", "a_b"},     {"nick", "_b_"},
        {"nick", "b's"},   {"nick", "'ne"},  {"nick", "al"},     {"nick", "a-b"},     {"name", "e"},
        {"name", "ALI"},   {"nick", "\"\""}, {"name", "pure"},   {"name", "'"},       {"name", "Bob \"the\" B"},
    };
    for (const auto& [field, value] : probes)
        EXPECT_EQ(contains(field, value), expected_contains(field, value)) << field << " ~ " << value;
    // Spot checks that do not depend on the helper.
    EXPECT_EQ(contains("name", "100%"), V{"04"});
    EXPECT_EQ(contains("nick", "a_b"), V{"04"});
    EXPECT_EQ(contains("name", "\"the\""), V{"03"});
    EXPECT_EQ(contains("name", "alice"), (V{"01", "02"}));
    // Unicode case folding, not ASCII only: "CAFÉ" finds "café" (it did not before).
    EXPECT_EQ(contains("name", "CAFÉ"), V{"07"});
    EXPECT_EQ(contains("nick", "café"), V{"07"});
}

TEST_F(SqliteAccelerators, CaseSensitiveSubstringUsesAnExactIndex) {
    open(kPeople, /*case_sensitive=*/true);
    seed();
    EXPECT_EQ(contains("name", "Alice"), V{"01"});
    EXPECT_EQ(contains("name", "ALICE"), V{"02"});
    EXPECT_EQ(contains("name", "alice"), V{});
    EXPECT_EQ(contains("name", "100%"), V{"04"});
    const auto sql = raw_query(path(), "SELECT sql FROM sqlite_master WHERE name='_fts_Person'");
    ASSERT_EQ(sql.size(), 1u);
    EXPECT_NE(sql[0].find("case_sensitive 1"), std::string::npos) << sql[0];
}

TEST_F(SqliteAccelerators, IndexCoversPlainTextFieldsButNotSecretsOrEnums) {
    open();
    const auto sql = raw_query(path(), "SELECT sql FROM sqlite_master WHERE name='_fts_Person'");
    ASSERT_EQ(sql.size(), 1u);
    // Over the comparison-form columns (the forms arrive folded: no folding tokenizer).
    EXPECT_NE(sql[0].find("\"name$cf\", \"nick$cf\", content='Person'"), std::string::npos) << sql[0];
    EXPECT_NE(sql[0].find("case_sensitive 1"), std::string::npos) << sql[0];
    EXPECT_EQ(sql[0].find("secret"), std::string::npos) << sql[0];
    EXPECT_EQ(sql[0].find("kind"), std::string::npos) << sql[0];
    seed();
    // The secret field still filters (exact test on its form), it is just not indexed.
    EXPECT_EQ(contains("secret", "hunter"), (V{"01", "02"}));
}

TEST_F(SqliteAccelerators, IndexFollowsUpdatesAndDeletes) {
    open();
    seed();
    EXPECT_EQ(contains("name", "alice"), (V{"01", "02"}));
    driver_->write({}, [&](WriteTxn& t) {
        t.update(*person_, doc(R"({"id":"01","name":"Carol Smith","nick":"ali","kind":"a"})"));
        t.remove(*person_, "02");
        t.update(*person_, doc(R"({"id":"03","name":"Alicia","nick":"bob's"})"));
    });
    EXPECT_EQ(contains("name", "alice"), V{});
    EXPECT_EQ(contains("name", "alic"), V{"03"});
    EXPECT_EQ(contains("name", "carol"), V{"01"});
    // The index itself (not only the exact recheck) dropped the old text.
    EXPECT_EQ(fts_rows_matching(R"("name$cf" : ("ali" AND "lic" AND "ice"))"), 0u);
    EXPECT_EQ(fts_rows_matching(R"("name$cf" : ("car" AND "aro" AND "rol"))"), 1u);
    // An update that leaves the text alone keeps the row findable.
    driver_->write({}, [&](WriteTxn& t) { t.update(*person_, doc(R"({"id":"01","name":"Carol Smith","age":3})")); });
    EXPECT_EQ(contains("name", "carol"), V{"01"});
    EXPECT_EQ(fts_rows_matching(R"("name$cf" : ("car" AND "aro" AND "rol"))"), 1u);
}

TEST_F(SqliteAccelerators, ExistingTableIsBackFilledAndFieldChangesRebuild) {
    open();
    seed();
    driver_.reset();
    // Simulate a database from before the index existed.
    raw_query(path(), "DROP TABLE \"_fts_Person\"");
    open();
    EXPECT_EQ(contains("name", "alice"), (V{"01", "02"}));
    EXPECT_EQ(fts_rows_matching(R"("name$cf" : ("ali" AND "lic" AND "ice"))"), 2u);

    open(kPeopleWithoutNick);
    const auto sql = raw_query(path(), "SELECT sql FROM sqlite_master WHERE name='_fts_Person'");
    ASSERT_EQ(sql.size(), 1u);
    EXPECT_EQ(sql[0].find("nick"), std::string::npos) << sql[0];
    EXPECT_EQ(contains("name", "alice"), (V{"01", "02"}));
    add(R"({"id":"09","name":"Alice Three"})");
    EXPECT_EQ(contains("name", "alice"), (V{"01", "02", "09"}));
}

TEST_F(SqliteAccelerators, WipeRemovesAndRecreatesTheIndex) {
    open();
    seed();
    driver_->wipe();
    EXPECT_EQ(contains("name", "alice"), V{});
    EXPECT_EQ(fts_rows_matching(R"("name$cf" : ("ali" AND "lic" AND "ice"))"), 0u);
    add(R"({"id":"01","name":"Alice"})");
    EXPECT_EQ(contains("name", "alice"), V{"01"});
}

TEST_F(SqliteAccelerators, DeepPagesMatchPlainOffsets) {
    open();
    driver_->write({}, [&](WriteTxn& t) {
        for (int i = 0; i < 120; ++i) {
            Document d;
            d["id"] = fmt::format("p{:03d}", (i * 37) % 120);
            d["name"] = i % 7 == 0 ? boost::json::value(nullptr) : boost::json::value(fmt::format("N{}", i % 10));
            d["age"] = i % 5;
            t.insert(*person_, d);
        }
    });
    auto page = [&](std::vector<SortKey> sort, int64_t offset, int64_t limit, std::vector<FilterCondition> f = {}) {
        ListQuery q;
        q.filters = std::move(f);
        q.sort = std::move(sort);
        q.sort.push_back({&person_->id_field(), false});
        q.offset = offset;
        q.limit = limit;
        return driver_->list(*person_, q);
    };
    const Field* name = person_->find_field("name");
    const Field* age = person_->find_field("age");
    for (const auto& sort : std::vector<std::vector<SortKey>>{{}, {{name, false}}, {{name, true}}, {{age, true}, {name, false}}}) {
        const V all = ids_of(page(sort, 0, -1).docs);
        ASSERT_EQ(all.size(), 120u);
        for (int64_t offset : {1, 7, 25, 100, 119, 120, 200}) {
            const ListPage p = page(sort, offset, 10);
            const V want(all.begin() + std::min<int64_t>(offset, 120), all.begin() + std::min<int64_t>(offset + 10, 120));
            EXPECT_EQ(ids_of(p.docs), want) << "offset " << offset;
            EXPECT_EQ(p.total, 120);
        }
    }
    // With a filter too.
    const std::vector<FilterCondition> f = {{age, FilterOp::Gte, boost::json::value(3)}};
    const V all = ids_of(page({{name, false}}, 0, -1, f).docs);
    ASSERT_EQ(all.size(), 48u);
    const ListPage p = page({{name, false}}, 20, 5, f);
    EXPECT_EQ(ids_of(p.docs), V(all.begin() + 20, all.begin() + 25));
    EXPECT_EQ(p.total, 48);
}

// Pages from offset 500 on, ordered by id, start at a remembered anchor (the id
// found at that offset in the same data version). Every answer must equal the
// plain OFFSET answer, also after writes through the driver and by another process.
TEST_F(SqliteAccelerators, AnchoredDeepPagesStayExactAcrossWrites) {
    open();
    const Field* age = person_->find_field("age");
    std::vector<std::string> ids;   // what is stored, kept in step below
    driver_->write({}, [&](WriteTxn& t) {
        for (int i = 0; i < 1500; ++i) {
            Document d;
            d["id"] = fmt::format("p{:04d}", (i * 7919) % 1500);
            d["age"] = i % 3;
            ids.push_back(std::string(d["id"].get_string()));
            t.insert(*person_, d);
        }
    });
    auto page = [&](bool descending, int64_t offset, std::vector<FilterCondition> f = {}) {
        ListQuery q;
        q.filters = std::move(f);
        q.sort.push_back({&person_->id_field(), descending});
        q.offset = offset;
        q.limit = 25;
        return driver_->list(*person_, q);
    };
    auto expected = [&](bool descending, int64_t offset) { return expected_id_page(ids, descending, offset); };
    auto check = [&](const char* when) { expect_deep_pages_exact(page, ids, when); };
    check("first reads");
    // Rows inserted before the anchors shift every deep page by one.
    driver_->write({}, [&](WriteTxn& t) { t.insert(*person_, doc(R"({"id":"a0001","age":1})")); });
    ids.push_back("a0001");
    check("after an insert through the driver");
    driver_->write({}, [&](WriteTxn& t) { t.remove(*person_, "p0003"); });
    ids.erase(std::find(ids.begin(), ids.end(), "p0003"));
    check("after a delete through the driver");
    // Another process writes: this driver's anchors must not survive it.
    raw_query(path(), "INSERT INTO \"Person\" (id, age) VALUES ('b0002', 2)");
    ids.push_back("b0002");
    check("after an insert by another connection");

    // A filtered shape has anchors of its own (same offsets, other rows).
    const std::vector<FilterCondition> f = {{age, FilterOp::Gte, boost::json::value(1)}};
    ListQuery all_q;
    all_q.filters = f;
    all_q.sort.push_back({&person_->id_field(), false});
    all_q.limit = -1;
    const V filtered = ids_of(driver_->list(*person_, all_q).docs);
    ASSERT_GT(filtered.size(), 520u);
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(ids_of(page(false, 500, f).docs), V(filtered.begin() + 500, filtered.begin() + 525));
        EXPECT_EQ(ids_of(page(false, 500).docs), expected(false, 500));
    }
}

TEST(PageAnchors, FindsTheNearestAnchorOfTheSameVersionOnly) {
    PageAnchors a;
    EXPECT_FALSE(a.find(1, "s", 1000));
    a.remember(1, "s", 1000, "x1000");
    a.remember(1, "s", 2000, "x2000");
    a.remember(1, "t", 500, "y500");
    EXPECT_FALSE(a.find(1, "s", 999));
    EXPECT_EQ(a.find(1, "s", 1000)->id, "x1000");
    EXPECT_EQ(a.find(1, "s", 1999)->offset, 1000);
    EXPECT_EQ(a.find(1, "s", 5000)->id, "x2000");
    EXPECT_EQ(a.find(1, "t", 600)->id, "y500");
    EXPECT_FALSE(a.find(2, "s", 1000));   // another data version: nothing is trusted
    a.remember(2, "s", 3000, "z");
    EXPECT_FALSE(a.find(2, "s", 2000));   // the old version's anchors are gone
    EXPECT_EQ(a.find(2, "s", 3000)->id, "z");
}

TEST_F(SqliteAccelerators, UnfilteredTotalsAreKeptExact) {
    open();
    const Entity& team = *schema_->find("Team");
    auto total = [&](const Entity& e) {
        ListQuery q;
        q.sort.push_back({&e.id_field(), false});
        return driver_->list(e, q).total;
    };
    auto kept = [&](const std::string& entity) {
        return raw_query(path(), "SELECT n FROM _events_counts WHERE entity='" + entity + "'");
    };
    EXPECT_EQ(total(*person_), 0);
    driver_->write({}, [&](WriteTxn& t) {
        t.insert(team, doc(R"({"id":"t1","label":"T"})"));
        for (int i = 0; i < 5; ++i) t.insert(*person_, doc(fmt::format(R"({{"id":"p{}","teamId":"t1"}})", i).c_str()));
    });
    EXPECT_EQ(total(*person_), 5);
    EXPECT_EQ(kept("Person"), V{"5"});
    // A failed write leaves the count alone.
    EXPECT_ANY_THROW(driver_->write({}, [&](WriteTxn& t) {
        t.insert(*person_, doc(R"({"id":"p9"})"));
        t.insert(*person_, doc(R"({"id":"p0"})"));   // duplicate id
    }));
    EXPECT_EQ(total(*person_), 5);
    driver_->write({}, [&](WriteTxn& t) { t.remove(*person_, "p1"); });
    EXPECT_EQ(total(*person_), 4);
    // Cascades (ON DELETE SET NULL here) and deletes by FK action count too.
    driver_->write({}, [&](WriteTxn& t) { t.remove(team, "t1"); });
    EXPECT_EQ(total(team), 0);
    EXPECT_EQ(total(*person_), 4);
    // A count that drifted (e.g. rows written by another tool) is recomputed on open.
    driver_.reset();
    raw_query(path(), "UPDATE _events_counts SET n = 42 WHERE entity = 'Person'");
    open();
    EXPECT_EQ(total(*person_), 4);
    EXPECT_EQ(driver_->entity_counts().at("Person").as_int64(), 4);
    driver_->wipe();
    EXPECT_EQ(total(*person_), 0);
    EXPECT_EQ(kept("Person"), V{"0"});
}

}  // namespace
}  // namespace events
