// The PostgreSQL read accelerators (docs/STORAGE.md): the trigram substring index, the slotted
// row counters, deep pages through anchors keyed by the snapshot, and the round trips
// of a read. Each must give exactly the answers of the plain query, on a real server.
#include "people_fixture.h"
#include "postgres_test_support.h"

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_dialect.h"
#include "storage/postgres/pg_row_counts.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>

namespace events {
namespace {

using namespace pgtest;
using namespace testing_people;
using V = std::vector<std::string>;

class PostgresAccelerators : public PgFixture {
protected:
    StorageDriver& start(const char* yaml = kPeople, DriverOptions o = {}) {
        if (o.uri.empty()) o = options();
        StorageDriver& d = open(yaml, o);
        person_ = schemas_.back()->find("Person");
        team_ = schemas_.back()->find("Team");
        return d;
    }
    V substring_indexes(const std::string& table) {
        return column_texts(*db(), "SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND indexname LIKE 'tg\\_%'",
                            {SqlParam(table)});
    }
    int64_t count_star(const std::string& table) {
        return std::stoll(column_texts(*db(), "SELECT count(*) FROM \"" + table + "\"").at(0));
    }
    int64_t total(StorageDriver& d, const Entity& e) {
        ListQuery q;
        q.sort.push_back({&e.id_field(), false});
        q.limit = 1;
        return d.list(e, q).total;
    }
    V contains(StorageDriver& d, const char* field, const std::string& value) {
        ListQuery q;
        q.filters.push_back({person_->find_field(field), FilterOp::Contains, boost::json::value(value)});
        q.sort.push_back({&person_->id_field(), false});
        q.limit = -1;
        return ids_of(d.list(*person_, q).docs);
    }

    const Entity* person_ = nullptr;
    const Entity* team_ = nullptr;
};

// ---- substring index --------------------------------------------------------------------

TEST_F(PostgresAccelerators, SubstringIndexCoversTextFormsButNotSecretsOrEnums) {
    start();
    const V defs = substring_indexes("Person");
    ASSERT_EQ(defs.size(), 1u);
    EXPECT_NE(defs[0].find("USING gin (\"name$cf\" gin_trgm_ops, \"nick$cf\" gin_trgm_ops)"), std::string::npos)
        << defs[0];
    EXPECT_EQ(substring_indexes("Team").size(), 1u);
}

TEST_F(PostgresAccelerators, SubstringFiltersUseTheIndexAndEqualThePlainTest) {
    StorageDriver& d = start();
    std::vector<std::pair<std::string, std::string>> rows;   // id, name
    d.write({}, [&](WriteTxn& t) {
        std::vector<Document> docs;
        for (int i = 0; i < 3000; ++i) {
            Document x;
            x["id"] = fmt::format("p{:05d}", i);
            // Mixed case, non-ASCII, LIKE wildcards and the escape character in the data.
            const std::string name = fmt::format("{}user{:07d}{}", i % 3 ? "" : "Ünï ", i * 7, i % 11 ? "" : "_%\\x");
            x["name"] = name;
            x["nick"] = i % 2 ? boost::json::value(nullptr) : boost::json::value("Straße" + std::to_string(i));
            rows.emplace_back(std::string(x["id"].get_string()), name);
            docs.push_back(std::move(x));
        }
        t.insert_many(*person_, docs);
    });
    db()->exec("ANALYZE \"Person\"");
    // The exact answers, computed here with the same folding (ASCII and Ü/Ï here).
    auto want = [&](const std::string& needle_folded, bool by_nick = false) {
        V out;
        for (size_t i = 0; i < rows.size(); ++i) {
            std::string hay = by_nick ? (i % 2 ? std::string() : "strasse" + std::to_string(i)) : rows[i].second;
            if (!by_nick) {
                std::transform(hay.begin(), hay.end(), hay.begin(), [](unsigned char c) { return std::tolower(c); });
                size_t at;
                while ((at = hay.find("\xc3\x9c")) != std::string::npos) hay.replace(at, 2, "\xc3\xbc");
            }
            if (hay.find(needle_folded) != std::string::npos) out.push_back(rows[i].first);
        }
        return out;
    };
    for (const char* v : {"0000140", "USER000", "00021", "ünï user00000", "_%\\x", "%", "_", "r0", "zzz"}) {
        std::string folded = v;
        std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char c) { return std::tolower(c); });
        EXPECT_EQ(contains(d, "name", v), want(folded)) << v;
    }
    EXPECT_EQ(contains(d, "nick", "STRASSE12"), want("strasse12", true));
    // The planner serves a selective substring of the form column from the trigram index.
    auto c = db();
    c->exec("SET enable_seqscan = off");   // 3,000 rows: a scan would be cheaper here
    const V plan = column_texts(*c,
                                "EXPLAIN SELECT id FROM \"Person\" WHERE \"name$cf\" COLLATE \"C\" LIKE "
                                "'%0000140%' ESCAPE '\\'");
    std::string joined;
    for (const std::string& line : plan) joined += line + "\n";
    EXPECT_NE(joined.find("tg_Person$"), std::string::npos) << joined;
}

TEST_F(PostgresAccelerators, ChangedTextFieldsRebuildTheIndexAndWipeKeepsIt) {
    StorageDriver& d = start();
    insert(d, *person_, doc(R"({"id":"p1","name":"Alpha","nick":"Beta"})"));
    const V before = substring_indexes("Person");
    close_all();
    StorageDriver& d2 = start(kPeopleWithoutNick);
    const V after = substring_indexes("Person");
    ASSERT_EQ(after.size(), 1u);
    EXPECT_NE(after, before);
    EXPECT_EQ(after[0].find("nick$cf"), std::string::npos) << after[0];
    EXPECT_EQ(contains(d2, "name", "LPH"), V{"p1"});
    d2.wipe();
    EXPECT_EQ(substring_indexes("Person"), after);
    EXPECT_EQ(total(d2, *person_), 0);
}

// A role without CREATE on the database cannot install pg_trgm: the server still starts
// (with a warning) and substring filters scan, with the same answers.
TEST_F(PostgresAccelerators, WithoutTheRightToCreatePgTrgmSubstringsScan) {
    const std::string role = "events_nocreate_" + std::to_string(::getpid());
    {
        auto admin = connect_to("postgres");
        admin->exec("CREATE DATABASE \"" + database_ + "\"");
        admin->exec("DROP ROLE IF EXISTS " + role);
        admin->exec("CREATE ROLE " + role + " LOGIN");
        auto owner = connect_to(database_);
        owner->exec("GRANT USAGE, CREATE ON SCHEMA public TO " + role);
    }
    std::string uri = server_uri();
    const size_t at = uri.find("postgres@");
    ASSERT_NE(at, std::string::npos) << uri;
    uri.replace(at, 8, role);
    {
        StorageDriver& d = start(kPeople, options(uri));
        EXPECT_TRUE(substring_indexes("Person").empty());
        insert(d, *person_, doc(R"({"id":"p1","name":"Grüße"})"));
        insert(d, *person_, doc(R"({"id":"p2","name":"gruesse"})"));
        EXPECT_EQ(contains(d, "name", "GRÜSSE"), V{"p1"});
        EXPECT_EQ(total(d, *person_), 2);
    }
    close_all();
    drop_database(database_);
    connect_to("postgres")->exec("DROP ROLE " + role);
}

// A table filled while no server ran (an import, a restore) gets planner statistics at
// the next start; one analyzed already, or empty, is left alone.
TEST_F(PostgresAccelerators, NeverAnalyzedTablesAreAnalyzedAtStart) {
    StorageDriver& d = start();
    d.write({}, [&](WriteTxn& t) {
        std::vector<Document> docs;
        for (int i = 0; i < 200; ++i) {
            Document x;
            x["id"] = fmt::format("p{:03d}", i);
            docs.push_back(std::move(x));
        }
        t.insert_many(*person_, docs);
    });
    auto reltuples = [&](const char* table) {
        return column_texts(*db(), std::string("SELECT reltuples::bigint FROM pg_class WHERE relname = '") + table + "'")
            .at(0);
    };
    ASSERT_EQ(reltuples("Person"), "-1");   // (autovacuum has not come by in this instant)
    close_all();
    start();
    EXPECT_EQ(reltuples("Person"), "200");
    EXPECT_EQ(reltuples("Team"), "-1");   // empty: nothing to learn
}

// ---- kept counts --------------------------------------------------------------------------

TEST_F(PostgresAccelerators, UnfilteredTotalsStayExactUnderConcurrentWrites) {
    DriverOptions o = options();
    o.pool_size = 8;
    StorageDriver& d = start(kPeople, o);
    insert(d, *team_, doc(R"({"id":"t1","label":"T"})"));
    constexpr int kThreads = 8;
    constexpr int kRounds = 60;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(t);
            std::vector<std::string> mine;
            for (int r = 0; r < kRounds; ++r) {
                try {
                    const int what = static_cast<int>(rng() % 4);
                    if (what == 0 && !mine.empty()) {   // delete one
                        const std::string id = mine.back();
                        mine.pop_back();
                        d.write({}, [&](WriteTxn& w) { w.remove(*person_, id); });
                    } else if (what == 1) {   // a multi-row insert (one statement)
                        std::vector<Document> docs;
                        for (int k = 0; k < 5; ++k) {
                            Document x;
                            x["id"] = fmt::format("m{}-{}-{}", t, r, k);
                            x["teamId"] = "t1";
                            docs.push_back(std::move(x));
                            mine.push_back(fmt::format("m{}-{}-{}", t, r, k));
                        }
                        d.write({}, [&](WriteTxn& w) { w.insert_many(*person_, docs); });
                    } else if (what == 2) {   // a failing write changes nothing
                        EXPECT_ANY_THROW(d.write({}, [&](WriteTxn& w) {
                            Document x;
                            x["id"] = fmt::format("f{}-{}", t, r);
                            w.insert(*person_, x);
                            w.insert(*person_, x);   // duplicate id
                        }));
                    } else {
                        Document x;
                        x["id"] = fmt::format("s{}-{}", t, r);
                        d.write({}, [&](WriteTxn& w) { w.insert(*person_, x); });
                        mine.push_back(std::string(x["id"].get_string()));
                    }
                    // Totals read while others write are never off by a torn update.
                    EXPECT_GE(total(d, *person_), 0);
                } catch (const std::exception& e) {
                    ++failures;
                    ADD_FAILURE() << e.what();
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    const int64_t rows = count_star("Person");
    EXPECT_GT(rows, 100);
    EXPECT_EQ(total(d, *person_), rows);
    // The writers used several counter rows (no single hot row).
    const V slots = column_texts(*db(), "SELECT count(*) FROM \"_events$counts\" WHERE entity = 'Person'");
    EXPECT_GT(std::stoi(slots.at(0)), 1);
    // ON DELETE SET NULL keeps the people; a cascade would have counted through the trigger too.
    d.write({}, [&](WriteTxn& w) { w.remove(*team_, "t1"); });
    EXPECT_EQ(total(d, *team_), 0);
    EXPECT_EQ(total(d, *person_), rows);
    // Writes by another client (no slot setting) count as well, and a restart recounts.
    db()->exec("INSERT INTO \"Person\" (id) VALUES ('outside1'), ('outside2')");
    EXPECT_EQ(total(d, *person_), rows + 2);
    db()->exec("UPDATE \"_events$counts\" SET n = n + 1000 WHERE entity = 'Person'");
    close_all();
    StorageDriver& again = start(kPeople, o);
    EXPECT_EQ(total(again, *person_), rows + 2);
}

TEST_F(PostgresAccelerators, CascadedDeletesAreCounted) {
    constexpr const char* kCascade = R"(
_entities:
  Team:
    fields:
      label: {type: String}
  Member:
    fields:
      teamId: {type: ObjectId, required: true}
)";
    DriverOptions o = options();
    o.cascade_delete = true;
    StorageDriver& d = open(kCascade, o);
    const Entity& team = *schemas_.back()->find("Team");
    const Entity& member = *schemas_.back()->find("Member");
    d.write({}, [&](WriteTxn& w) {
        w.insert(team, doc(R"({"id":"t1"})"));
        w.insert(team, doc(R"({"id":"t2"})"));
        for (int i = 0; i < 6; ++i) w.insert(member, doc(fmt::format(R"({{"id":"m{}","teamId":"t{}"}})", i, 1 + i % 2).c_str()));
    });
    EXPECT_EQ(total(d, member), 6);
    d.write({}, [&](WriteTxn& w) { w.remove(team, "t1"); });
    EXPECT_EQ(count_star("Member"), 3);
    EXPECT_EQ(total(d, member), 3);
    EXPECT_EQ(total(d, team), 1);
}

// ---- deep pages -------------------------------------------------------------------------

// The cluster is shared with other tests that write at any time, so a version is waited
// for (a moment with no older transaction open) rather than expected at once.
TEST_F(PostgresAccelerators, SnapshotVersionIsStableWithoutWritesAndChangesWithThem) {
    start();
    auto c = db();
    const std::string sql = "SELECT " + PgDialect().data_version_column();
    auto version = [&] {
        std::optional<int64_t> v;
        c->query(sql, {}, [&](const SqlRow& row) {
            if (!row.is_null(0)) v = row.get_int64(0);
        });
        return v;
    };
    auto quiet_version = [&] {
        for (int i = 0; i < 500; ++i) {
            if (std::optional<int64_t> v = version()) return v;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return std::optional<int64_t>();
    };
    // Without writes in between, two snapshots report the same version.
    bool stable = false;
    for (int i = 0; i < 100 && !stable; ++i) {
        const std::optional<int64_t> a = quiet_version();
        stable = a && version() == a;
    }
    EXPECT_TRUE(stable);
    // A commit raises it.
    const std::optional<int64_t> v1 = quiet_version();
    ASSERT_TRUE(v1.has_value());
    db()->exec("INSERT INTO \"Team\" (id) VALUES ('x')");
    const std::optional<int64_t> v2 = quiet_version();
    ASSERT_TRUE(v2.has_value());
    EXPECT_NE(*v2, *v1);
    // A transaction still open while more than 20 later ones end: its id is no longer
    // within the mask, and no version can be told.
    auto first = db();
    first->exec("BEGIN");
    first->exec("INSERT INTO \"Team\" (id) VALUES ('y')");
    auto other = db();
    for (int i = 0; i < 25; ++i) other->exec("SELECT txid_current()");   // each takes a new id
    EXPECT_FALSE(version().has_value());
    first->exec("COMMIT");
    const std::optional<int64_t> v3 = quiet_version();
    ASSERT_TRUE(v3.has_value());
    EXPECT_NE(*v3, *v2);
}

TEST_F(PostgresAccelerators, AnchoredDeepPagesStayExactAcrossWrites) {
    StorageDriver& d = start();
    const Field* age = person_->find_field("age");
    std::vector<std::string> ids;
    d.write({}, [&](WriteTxn& t) {
        std::vector<Document> docs;
        for (int i = 0; i < 1500; ++i) {
            Document x;
            x["id"] = fmt::format("p{:04d}", (i * 7919) % 1500);
            x["age"] = i % 3;
            ids.push_back(std::string(x["id"].get_string()));
            docs.push_back(std::move(x));
        }
        t.insert_many(*person_, docs);
    });
    auto page = [&](bool descending, int64_t offset, std::vector<FilterCondition> f = {}) {
        ListQuery q;
        q.filters = std::move(f);
        q.sort.push_back({&person_->id_field(), descending});
        q.offset = offset;
        q.limit = 25;
        q.with_total = true;
        return d.list(*person_, q);
    };
    auto expected = [&](bool descending, int64_t offset) { return expected_id_page(ids, descending, offset); };
    auto check = [&](const char* when) { expect_deep_pages_exact(page, ids, when); };
    check("first reads");
    // A shallow anchor first, then deeper pages read from it (and remembered themselves).
    EXPECT_EQ(ids_of(page(false, 600).docs), expected(false, 600));
    EXPECT_EQ(ids_of(page(false, 1200).docs), expected(false, 1200));
    EXPECT_EQ(ids_of(page(false, 1200).docs), expected(false, 1200));
    insert(d, *person_, doc(R"({"id":"a0001","age":1})"));
    ids.push_back("a0001");
    check("after an insert through the driver");
    d.write({}, [&](WriteTxn& t) { t.remove(*person_, "p0003"); });
    ids.erase(std::find(ids.begin(), ids.end(), "p0003"));
    check("after a delete through the driver");
    db()->exec("INSERT INTO \"Person\" (id, age) VALUES ('b0002', 2)");
    ids.push_back("b0002");
    check("after an insert by another client");

    // Writers running while deep pages are read: every page equals OFFSET on the data
    // its snapshot saw, so no page may hold a duplicate or a row out of order.
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; !stop; ++i) {
            insert(d, *person_, doc(fmt::format(R"({{"id":"c{:05d}","age":0}})", i).c_str()));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    for (int i = 0; i < 200; ++i) {
        const V got = ids_of(page(false, 1000).docs);
        ASSERT_EQ(got.size(), 25u);
        EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
        EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
    }
    stop = true;
    writer.join();
    // Quiet again: the deep page equals the plain OFFSET of the server.
    const V plain = column_texts(*db(), "SELECT id FROM \"Person\" ORDER BY id LIMIT 25 OFFSET 1000");
    EXPECT_EQ(ids_of(page(false, 1000).docs), plain);
    EXPECT_EQ(ids_of(page(false, 1000).docs), plain);

    // A filtered shape has anchors of its own.
    const std::vector<FilterCondition> f = {{age, FilterOp::Gte, boost::json::value(1)}};
    const V filtered = column_texts(*db(), "SELECT id FROM \"Person\" WHERE age >= 1 ORDER BY id LIMIT 25 OFFSET 500");
    for (int round = 0; round < 2; ++round) EXPECT_EQ(ids_of(page(false, 500, f).docs), filtered);
}

// ---- round trips ------------------------------------------------------------------------

TEST_F(PostgresAccelerators, ReadsTakeOneRoundTripPerStatement) {
    StorageDriver& d = start();
    insert(d, *person_, doc(R"({"id":"p1","name":"A"})"));
    ASSERT_TRUE(d.get_json(*person_, "p1"));   // prepares the statement on some connection
    // The pool has several connections: warm each one up.
    for (int i = 0; i < 8; ++i) d.get_json(*person_, "p1");
    uint64_t before = PgConnection::round_trips();
    ASSERT_TRUE(d.get_json(*person_, "p1"));
    EXPECT_EQ(PgConnection::round_trips() - before, 1u) << "GET by id: one execute, no BEGIN/COMMIT";
    ListQuery q;
    q.sort.push_back({&person_->id_field(), false});
    q.limit = 25;
    q.with_total = true;
    for (int i = 0; i < 8; ++i) d.list_json(*person_, q);
    before = PgConnection::round_trips();
    EXPECT_EQ(d.list_json(*person_, q).total, 1);
    EXPECT_EQ(PgConnection::round_trips() - before, 1u) << "page 1 with a total: the kept count rides with the page";
}

// A POST's insert is one autocommit statement: one round trip, the same refusals as
// inside a transaction, and counted like any insert.
TEST_F(PostgresAccelerators, AnInsertAloneIsOneRoundTrip) {
    StorageDriver& d = start();
    insert(d, *team_, doc(R"({"id":"t1","label":"A"})"));
    d.insert_alone({}, *person_, doc(R"({"id":"warm","name":"W"})"));   // prepares the INSERT
    for (int i = 0; i < 8; ++i) d.insert_alone({}, *person_, doc(fmt::format(R"({{"id":"w{}"}})", i).c_str()));
    const uint64_t before = PgConnection::round_trips();
    d.insert_alone({}, *person_, doc(R"({"id":"p1","name":"A","teamId":"t1"})"));
    EXPECT_EQ(PgConnection::round_trips() - before, 1u) << "no BEGIN/COMMIT around one statement";
    EXPECT_THROW(d.insert_alone({}, *person_, doc(R"({"id":"p1","name":"B"})")), UniqueViolation);
    EXPECT_THROW(d.insert_alone({}, *person_, doc(R"({"id":"p2","name":"B","teamId":"nope"})")), ForeignKeyViolation);
    EXPECT_FALSE(d.get(*person_, "p2")) << "a refused insert leaves nothing behind";
    ListQuery q;
    q.sort.push_back({&person_->id_field(), false});
    q.with_total = true;
    q.limit = 1;
    EXPECT_EQ(d.list(*person_, q).total, 10) << "warm, w0..w7 and p1: the kept count saw every insert";
}

TEST_F(PostgresAccelerators, TotalsThatRideWithThePageEqualACount) {
    StorageDriver& d = start();
    for (int i = 0; i < 30; ++i)
        insert(d, *person_, doc(fmt::format(R"({{"id":"p{:02}","name":"{}"}})", i, i % 3 == 0 ? "Ann" : "Bob").c_str()));
    auto page = [&](std::vector<FilterCondition> filters, int64_t offset) {
        ListQuery q;
        q.filters = std::move(filters);
        q.sort.push_back({&person_->id_field(), false});
        q.limit = 25;
        q.offset = offset;
        q.with_total = true;
        return d.list(*person_, q);
    };
    const Field* name = person_->find_field("name");
    const ListPage all = page({}, 0);
    EXPECT_EQ(all.total, 30);
    EXPECT_EQ(all.docs.size(), 25u);
    const ListPage anns = page({{name, FilterOp::Eq, boost::json::value("ann")}}, 0);
    EXPECT_EQ(anns.total, 10) << "a filtered total counts the filter's rows, with the filter's parameters";
    EXPECT_EQ(anns.docs.size(), 10u);
    const ListPage past_end = page({{name, FilterOp::Eq, boost::json::value("bob")}}, 50);
    EXPECT_EQ(past_end.total, 20) << "an empty page still has its total";
    EXPECT_TRUE(past_end.docs.empty());
    const ListPage none = page({{name, FilterOp::Eq, boost::json::value("zed")}}, 0);
    EXPECT_EQ(none.total, 0);
    // Without kept counters (dropped behind the driver's back), the total is counted.
    db()->exec(R"(DELETE FROM "_events$counts")");
    EXPECT_EQ(page({}, 0).total, 30);
}

}  // namespace
}  // namespace events
