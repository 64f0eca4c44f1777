// list(): filters, the matching rule, sorting with NULLs last, paging and totals.
#include "sqlite_test_support.h"

namespace events {
namespace {

using namespace testing_sqlite;

constexpr const char* kItems = R"(
_entities:
  Item:
    fields:
      name: {type: String}
      color: {type: String, enum: {values: [red, Red, blue]}}
      qty: {type: Integer}
      price: {type: Number}
      ok: {type: Boolean}
      day: {type: Date}
      at: {type: Datetime}
)";

class SqliteList : public ::testing::Test {
protected:
    void open(bool case_sensitive = false) {
        schema_ = std::make_unique<Schema>(Schema::load_text(kItems));
        DriverOptions o;
        o.case_sensitive = case_sensitive;
        driver_ = open_sqlite(*schema_, dir_.file("list.db"), o);
        item_ = schema_->find("Item");
    }
    void add(const char* json) {
        driver_->write({}, [&](WriteTxn& t) { t.insert(*item_, doc(json)); });
    }
    void seed() {
        add(R"({"id":"01","name":"Alice","color":"red","qty":5,"price":1.5,"ok":true,"day":"2025-01-10","at":"2025-01-10T08:00:00.000Z"})");
        add(R"({"id":"02","name":"alice","color":"Red","qty":10,"price":2.5,"ok":false,"day":"2025-02-01","at":"2025-02-01T00:00:00.000Z"})");
        add(R"({"id":"03","name":"Bob","color":"blue","qty":-1,"price":null,"ok":true,"day":"2024-12-31","at":"2025-01-10T07:59:59.999Z"})");
        add(R"({"id":"04","name":"50% off","qty":null})");
        add(R"({"id":"05","name":"a_b"})");
        add(R"({"id":"06","name":"axb"})");
        add(R"({"id":"07","name":"back\\slash"})");
        add(R"({"id":"08","name":null})");
    }
    const Field* f(const char* name) const { return item_->find_field(name); }
    FilterCondition cond(const char* field, FilterOp op, boost::json::value v) const { return {f(field), op, std::move(v)}; }
    std::vector<std::string> ids(std::vector<FilterCondition> filters, std::vector<SortKey> sort = {}) {
        ListQuery q;
        q.filters = std::move(filters);
        q.sort = std::move(sort);
        q.sort.push_back({&item_->id_field(), false});
        q.limit = 100;
        return ids_of(driver_->list(*item_, q).docs);
    }
    using V = std::vector<std::string>;

    TempDir dir_;
    std::unique_ptr<Schema> schema_;
    std::unique_ptr<StorageDriver> driver_;
    const Entity* item_ = nullptr;
};

TEST_F(SqliteList, TextEqualityIgnoresCase) {
    open();
    seed();
    EXPECT_EQ(ids({cond("name", FilterOp::Eq, "ALICE")}), (V{"01", "02"}));
    EXPECT_EQ(ids({cond("name", FilterOp::Eq, "Ali")}), V{});
}

TEST_F(SqliteList, TextNotEqualIgnoresCaseAndSkipsNulls) {
    open();
    seed();
    EXPECT_EQ(ids({cond("name", FilterOp::Ne, "alice")}), (V{"03", "04", "05", "06", "07"}));
}

TEST_F(SqliteList, ContainsIsCaseInsensitiveSubstring) {
    open();
    seed();
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "LIC")}), (V{"01", "02"}));
}

TEST_F(SqliteList, ContainsTreatsWildcardsLiterally) {
    open();
    seed();
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "%")}), V{"04"});
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "_")}), V{"05"});
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "a_b")}), V{"05"});
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "\\")}), V{"07"});
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "k\\s")}), V{"07"});
}

TEST_F(SqliteList, TextRangesCompareLowerCasedBytes) {
    open();
    seed();
    // Lower-cased: "50% off" < "a_b" < "alice" = "alice" < "axb" < "back\slash" < "bob"
    EXPECT_EQ(ids({cond("name", FilterOp::Gt, "ALICE")}), (V{"03", "06", "07"}));
    EXPECT_EQ(ids({cond("name", FilterOp::Lte, "Alice")}), (V{"01", "02", "04", "05"}));
}

TEST_F(SqliteList, EnumsMatchExactly) {
    open();
    seed();
    EXPECT_EQ(ids({cond("color", FilterOp::Eq, "red")}), V{"01"});
    EXPECT_EQ(ids({cond("color", FilterOp::Eq, "Red")}), V{"02"});
    EXPECT_EQ(ids({cond("color", FilterOp::Ne, "red")}), (V{"02", "03"}));
}

TEST_F(SqliteList, NumbersBooleansAndIdsCompareTyped) {
    open();
    seed();
    EXPECT_EQ(ids({cond("qty", FilterOp::Gte, 5)}), (V{"01", "02"}));
    EXPECT_EQ(ids({cond("qty", FilterOp::Lt, 5)}), V{"03"});
    EXPECT_EQ(ids({cond("price", FilterOp::Gt, 2.0)}), V{"02"});
    EXPECT_EQ(ids({cond("ok", FilterOp::Eq, true)}), (V{"01", "03"}));
    EXPECT_EQ(ids({cond("ok", FilterOp::Eq, false)}), V{"02"});
    EXPECT_EQ(ids({cond("id", FilterOp::Eq, "03")}), V{"03"});
}

TEST_F(SqliteList, DateAndDatetimeRanges) {
    open();
    seed();
    EXPECT_EQ(ids({cond("day", FilterOp::Gte, "2025-01-01"), cond("day", FilterOp::Lte, "2025-01-31")}), V{"01"});
    EXPECT_EQ(ids({cond("day", FilterOp::Eq, "2024-12-31")}), V{"03"});
    EXPECT_EQ(ids({cond("at", FilterOp::Gte, "2025-01-10T08:00:00.000Z")}), (V{"01", "02"}));
    EXPECT_EQ(ids({cond("at", FilterOp::Lt, "2025-01-10T08:00:00.000Z")}), V{"03"});
}

TEST_F(SqliteList, ConditionsAreAnded) {
    open();
    seed();
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "a"), cond("ok", FilterOp::Eq, true)}), V{"01"});
}

TEST_F(SqliteList, CaseSensitiveConfigMatchesExactly) {
    open(/*case_sensitive=*/true);
    seed();
    EXPECT_EQ(ids({cond("name", FilterOp::Eq, "alice")}), V{"02"});
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "Li")}), V{});
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "li")}), (V{"01", "02"}));
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "%")}), V{"04"});
    EXPECT_EQ(ids({cond("name", FilterOp::Contains, "_")}), V{"05"});
}

TEST_F(SqliteList, StringsSortAsLowerCasedBytes) {
    open();
    add(R"({"id":"1","name":"Abc"})");
    add(R"({"id":"2","name":"ab"})");
    add(R"({"id":"3","name":"a_b"})");
    EXPECT_EQ(ids({}, {{f("name"), false}}), (V{"3", "2", "1"}));
    EXPECT_EQ(ids({}, {{f("name"), true}}), (V{"1", "2", "3"}));
}

TEST_F(SqliteList, CaseSensitiveSortIsByBytes) {
    open(/*case_sensitive=*/true);
    add(R"({"id":"1","name":"ab"})");
    add(R"({"id":"2","name":"Abc"})");
    add(R"({"id":"3","name":"a_b"})");
    EXPECT_EQ(ids({}, {{f("name"), false}}), (V{"2", "3", "1"}));
}

TEST_F(SqliteList, NullsSortLastInBothDirections) {
    open();
    add(R"({"id":"1","qty":2})");
    add(R"({"id":"2","qty":null})");
    add(R"({"id":"3","qty":1})");
    add(R"({"id":"4","name":"x"})");
    EXPECT_EQ(ids({}, {{f("qty"), false}}), (V{"3", "1", "2", "4"}));
    EXPECT_EQ(ids({}, {{f("qty"), true}}), (V{"1", "3", "2", "4"}));
    EXPECT_EQ(ids({}, {{f("name"), true}}), (V{"4", "1", "2", "3"}));
}

TEST_F(SqliteList, IdBreaksTiesAndSecondKeysApply) {
    open();
    add(R"({"id":"c","qty":1,"price":1.0})");
    add(R"({"id":"a","qty":1,"price":1.0})");
    add(R"({"id":"b","qty":1,"price":2.0})");
    add(R"({"id":"d","qty":0,"price":9.0})");
    EXPECT_EQ(ids({}, {{f("qty"), true}}), (V{"a", "b", "c", "d"}));
    EXPECT_EQ(ids({}, {{f("qty"), true}, {f("price"), true}}), (V{"b", "a", "c", "d"}));
}

TEST_F(SqliteList, PagesWithTotal) {
    open();
    for (int i = 0; i < 7; ++i) add(("{\"id\":\"" + std::to_string(i) + "\",\"qty\":" + std::to_string(i) + "}").c_str());
    ListQuery q;
    q.filters = {cond("qty", FilterOp::Gte, 1)};
    q.sort = {{&item_->id_field(), false}};
    q.offset = 2;
    q.limit = 3;
    ListPage page = driver_->list(*item_, q);
    EXPECT_EQ(ids_of(page.docs), (V{"3", "4", "5"}));
    EXPECT_EQ(page.total, 6);
    q.offset = 5;
    page = driver_->list(*item_, q);
    EXPECT_EQ(ids_of(page.docs), V{"6"});
    EXPECT_EQ(page.total, 6);
    q.with_total = false;
    page = driver_->list(*item_, q);
    EXPECT_EQ(page.total, -1);
    q.offset = 50;
    q.with_total = true;
    page = driver_->list(*item_, q);
    EXPECT_TRUE(page.docs.empty());
    EXPECT_EQ(page.total, 6);
}

TEST_F(SqliteList, ListedDocumentsAreCanonical) {
    open();
    seed();
    ListQuery q;
    q.filters = {cond("id", FilterOp::Eq, "01")};
    q.sort = {{&item_->id_field(), false}};
    const ListPage page = driver_->list(*item_, q);
    ASSERT_EQ(page.docs.size(), 1u);
    EXPECT_EQ(text(page.docs[0]), R"({"id":"01","name":"Alice","color":"red","qty":5,"price":1.5,"ok":true,)"
                                  R"("day":"2025-01-10","at":"2025-01-10T08:00:00.000Z"})");
}

}  // namespace
}  // namespace events
