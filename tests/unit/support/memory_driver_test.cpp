// The in-memory test driver keeps the driver contract (storage/driver.h) it stands in
// for: otherwise the service tests built on it would prove nothing. Ids and `unique`
// constraints under the matching rule, all-or-nothing writes, and lists with filters,
// sort, NULLs last, paging and totals.
#include "support/memory_driver.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <latch>
#include <thread>

namespace events::testing_support {
namespace {

namespace json = boost::json;

const char* const kSchema = R"(
_entities:
  Person:
    fields:
      name: {type: String}
      age: {type: Integer}
      score: {type: Number}
      active: {type: Boolean}
      born: {type: Date}
      kind: {type: String, enum: {values: [Alpha, beta]}}
    unique:
    - [name]
)";

class MemoryDriverTest : public ::testing::Test {
protected:
    MemoryDriverTest() : schema_(Schema::load_text(kSchema)), person_(*schema_.find("Person")), driver_(schema_) {}

    void insert(Document doc) {
        driver_.write(WriteOptions{}, [&](WriteTxn& t) { t.insert(person_, doc); });
    }
    const Field* field(const char* name) const { return person_.find_field(name); }
    std::vector<std::string> ids(const ListPage& page) const {
        std::vector<std::string> out;
        for (const Document& d : page.docs) out.emplace_back(d.at("id").as_string());
        return out;
    }

    Schema schema_;
    const Entity& person_;
    MemoryDriver driver_;
};

TEST_F(MemoryDriverTest, CapabilitiesAreAllFalseSoTheServiceDoesTheWork) {
    const Capabilities caps = driver_.capabilities();
    EXPECT_FALSE(caps.native_uniques);
    EXPECT_FALSE(caps.native_cascades);
    EXPECT_FALSE(caps.native_foreign_keys);
    EXPECT_FALSE(driver_.pool_stats().has_value());
}

TEST_F(MemoryDriverTest, ReturnsDocumentsInResponseForm) {
    insert({{"age", 3}, {"id", "p1"}, {"stray", "dropped"}});
    const auto doc = driver_.get(person_, "p1");
    ASSERT_TRUE(doc);
    std::vector<std::string> keys;
    for (const auto& kv : *doc) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "name", "age", "score", "active", "born", "kind"}));
    EXPECT_EQ(doc->at("age"), json::value(3));
    EXPECT_TRUE(doc->at("name").is_null());
}

TEST_F(MemoryDriverTest, AnExistingIdIsAUniqueViolationOnId) {
    insert({{"id", "p1"}});
    try {
        insert({{"id", "p1"}});
        FAIL() << "no UniqueViolation";
    } catch (const UniqueViolation& u) {
        EXPECT_EQ(u.fields, (std::vector<std::string>{"id"}));
        EXPECT_EQ(u.entity, &person_);
    }
}

// docs/DECISIONS.md §2.15, §2.23: uniques follow the matching rule; nulls take no part.
TEST_F(MemoryDriverTest, UniqueConstraintsFollowTheMatchingRule) {
    insert({{"id", "p1"}, {"name", "Jos\xC3\xA9"}});
    EXPECT_THROW(insert({{"id", "p2"}, {"name", "JOSE\xCC\x81"}}), UniqueViolation);
    insert({{"id", "p3"}, {"name", nullptr}});
    insert({{"id", "p4"}, {"name", nullptr}});   // two nulls do not collide
    // An update onto another document's value collides too; onto its own does not.
    EXPECT_THROW(driver_.write({}, [&](WriteTxn& t) { t.update(person_, {{"id", "p3"}, {"name", "jos\xC3\xA9"}}); }),
                 UniqueViolation);
    driver_.write({}, [&](WriteTxn& t) { EXPECT_TRUE(t.update(person_, {{"id", "p1"}, {"name", "JOS\xC3\xA9"}})); });
    EXPECT_EQ(driver_.get(person_, "p1")->at("name"), json::value("JOS\xC3\xA9"));   // stored as sent
}

TEST_F(MemoryDriverTest, CaseSensitiveUniquesKeepCase) {
    MemoryDriver sensitive(schema_, /*case_sensitive=*/true);
    sensitive.write({}, [&](WriteTxn& t) {
        t.insert(person_, {{"id", "p1"}, {"name", "Ann"}});
        t.insert(person_, {{"id", "p2"}, {"name", "ann"}});
    });
    EXPECT_EQ(sensitive.entity_counts().at("Person"), json::value(2));
}

TEST_F(MemoryDriverTest, AFailedWriteChangesNothing) {
    insert({{"id", "p1"}, {"name", "a"}});
    EXPECT_THROW(driver_.write({}, [&](WriteTxn& t) {
        t.insert(person_, {{"id", "p2"}, {"name", "b"}});
        EXPECT_TRUE(t.remove(person_, "p1"));
        EXPECT_TRUE(t.exists(person_, "p2"));   // the write sees its own changes
        throw std::runtime_error("work failed");
    }),
                 std::runtime_error);
    EXPECT_TRUE(driver_.get(person_, "p1").has_value());
    EXPECT_FALSE(driver_.get(person_, "p2").has_value());
    EXPECT_EQ(driver_.committed_writes(), 1);
}

// Writes are serialized: read-modify-write steps of concurrent writes never interleave,
// so no increment is lost (each write reads what the previous one committed).
TEST_F(MemoryDriverTest, ConcurrentWritesDoNotLoseUpdates) {
    insert({{"id", "counter"}, {"age", 0}});
    constexpr int kThreads = 4, kEach = 2000;
    std::latch start(kThreads);   // all threads begin together, so their writes overlap
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int i = 0; i < kEach; ++i)
                driver_.write({}, [&](WriteTxn& txn) {
                    Document doc = *txn.get(person_, "counter");
                    std::this_thread::yield();   // widen the window another write could slip into
                    doc["age"] = doc["age"].as_int64() + 1;
                    txn.update(person_, doc);
                });
        });
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(driver_.get(person_, "counter")->at("age"), json::value(kThreads * kEach));
    EXPECT_EQ(driver_.committed_writes(), 1 + kThreads * kEach);
}

TEST_F(MemoryDriverTest, WriteOptionsReachTheDriver) {
    EXPECT_FALSE(driver_.last_write_options().has_value());
    driver_.write(WriteOptions{.no_consistency = true}, [](WriteTxn&) {});
    ASSERT_TRUE(driver_.last_write_options().has_value());
    EXPECT_TRUE(driver_.last_write_options()->no_consistency);
}

TEST_F(MemoryDriverTest, WhereOperationsMatchOneFieldExactly) {
    insert({{"id", "p1"}, {"kind", "Alpha"}});
    insert({{"id", "p2"}, {"kind", "Alpha"}});
    insert({{"id", "p3"}, {"kind", "beta"}});
    driver_.write({}, [&](WriteTxn& t) {
        EXPECT_EQ(t.count_where(person_, *field("kind"), "Alpha"), 2);
        EXPECT_EQ(t.count_where(person_, *field("kind"), "alpha"), 0);
        EXPECT_EQ(t.ids_where(person_, *field("kind"), "Alpha", 1).size(), 1u);
        t.clear_where(person_, *field("kind"), "Alpha");
    });
    EXPECT_TRUE(driver_.get(person_, "p1")->at("kind").is_null());
    EXPECT_EQ(driver_.get(person_, "p3")->at("kind"), json::value("beta"));
}

class MemoryListTest : public MemoryDriverTest {
protected:
    MemoryListTest() {
        insert({{"id", "a"}, {"name", "\xC3\x89mile"}, {"age", 30}, {"score", 2.5}, {"active", true}, {"born", "1990-05-01"}});
        insert({{"id", "b"}, {"name", "ab"}, {"age", 9}, {"score", 10.0}, {"active", false}, {"born", "2001-01-31"}});
        insert({{"id", "c"}, {"name", "a_b"}, {"age", nullptr}, {"score", -1.0}, {"active", true}});
        insert({{"id", "d"}, {"name", "Abc"}, {"age", 30}});
    }
    ListPage list(std::vector<FilterCondition> filters, std::vector<SortKey> sort = {}, int64_t offset = 0,
                  int64_t limit = 25) {
        ListQuery q;
        q.filters = std::move(filters);
        q.sort = std::move(sort);
        q.offset = offset;
        q.limit = limit;
        return driver_.list(person_, q);
    }
};

TEST_F(MemoryListTest, TextFiltersUseTheComparisonForm) {
    EXPECT_EQ(ids(list({{field("name"), FilterOp::Contains, "\xC3\xA9MI"}})), (std::vector<std::string>{"a"}));
    EXPECT_EQ(ids(list({{field("name"), FilterOp::Eq, "ABC"}})), (std::vector<std::string>{"d"}));
    EXPECT_EQ(ids(list({{field("name"), FilterOp::Contains, "b"}})), (std::vector<std::string>{"b", "c", "d"}));
    // Ranges compare the forms' bytes: a_b < ab < abc < émile (docs/API.md "String comparison").
    EXPECT_EQ(ids(list({{field("name"), FilterOp::Gt, "AB"}})), (std::vector<std::string>{"a", "d"}));
}

TEST_F(MemoryListTest, TypedFiltersAndNulls) {
    EXPECT_EQ(ids(list({{field("age"), FilterOp::Gte, 10}})), (std::vector<std::string>{"a", "d"}));
    EXPECT_EQ(ids(list({{field("age"), FilterOp::Ne, 30}})), (std::vector<std::string>{"b"}));   // null: no match
    EXPECT_EQ(ids(list({{field("age"), FilterOp::Eq, nullptr}})), (std::vector<std::string>{"c"}));
    EXPECT_EQ(ids(list({{field("score"), FilterOp::Lt, 3}})), (std::vector<std::string>{"a", "c"}));
    EXPECT_EQ(ids(list({{field("active"), FilterOp::Eq, false}})), (std::vector<std::string>{"b"}));
    EXPECT_EQ(ids(list({{field("born"), FilterOp::Gt, "1995-01-01"}})), (std::vector<std::string>{"b"}));
    // Conditions are AND-ed.
    EXPECT_EQ(ids(list({{field("age"), FilterOp::Eq, 30}, {field("active"), FilterOp::Eq, true}})),
              (std::vector<std::string>{"a"}));
}

TEST_F(MemoryListTest, SortKeepsNullsLastAndBreaksTiesById) {
    EXPECT_EQ(ids(list({}, {{field("name")}})), (std::vector<std::string>{"c", "b", "d", "a"}));
    EXPECT_EQ(ids(list({}, {{field("age"), true}})), (std::vector<std::string>{"a", "d", "b", "c"}));
    EXPECT_EQ(ids(list({}, {{field("age"), false}})), (std::vector<std::string>{"b", "a", "d", "c"}));
    EXPECT_EQ(ids(list({}, {{field("age"), true}, {&person_.id_field(), true}})),
              (std::vector<std::string>{"d", "a", "b", "c"}));
}

TEST_F(MemoryListTest, PagesCountEveryMatch) {
    const ListPage page = list({}, {}, 1, 2);
    EXPECT_EQ(ids(page), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(page.total, 4);
    EXPECT_TRUE(list({}, {}, 10, 2).docs.empty());
    ListQuery uncounted;
    uncounted.with_total = false;
    EXPECT_EQ(driver_.list(person_, uncounted).total, -1);
}

}  // namespace
}  // namespace events::testing_support
