// The intent records of the cascades the document service runs itself (docs/DECISIONS.md
// §4.3, service/cascade_intents.h): written before a cascade, removed after it, kept when
// it is cut, and completed by complete_abandoned_cascades() once nobody runs it; the
// lease tells a live owner from a dead one, and two processes never both take one over.
//
// The documents live in the in-memory driver behind a decorator that commits every
// operation on its own, as a backend without transactions does (MongoDB without a
// replica set, Elasticsearch), and that can fail the n-th deletion as a crash would cut
// the cascade there. The records live in a second in-memory driver, as the server keeps
// them in a second driver of its backend.
#include "service_fixture.h"

#include "storage/cascade_intent_store.h"
#include "support/forwarding_driver.h"

#include <atomic>
#include <latch>
#include <thread>

namespace events::testing_service {
namespace {

namespace json = boost::json;
using testing_support::MemoryDriver;

// Each operation of a write is a write of its own; the `fail_at`-th remove() (counted from
// 1 over the driver's life, 0: never) throws StorageUnavailable, the ones before it stay.
class AutoCommitTxn : public WriteTxn {
public:
    AutoCommitTxn(StorageDriver& inner, std::atomic<int>& removes, int fail_at)
        : inner_(inner), removes_(removes), fail_at_(fail_at) {}
    std::optional<Document> get(const Entity& e, std::string_view id) override { return inner_.get(e, id); }
    bool exists(const Entity& e, std::string_view id) override { return inner_.get(e, id).has_value(); }
    void insert(const Entity& e, const Document& doc) override { run([&](WriteTxn& t) { t.insert(e, doc); }); }
    bool update(const Entity& e, const Document& doc) override {
        bool done = false;
        run([&](WriteTxn& t) { done = t.update(e, doc); });
        return done;
    }
    bool remove(const Entity& e, std::string_view id) override {
        if (++removes_ == fail_at_) throw StorageUnavailable("the backend went away");
        bool done = false;
        run([&](WriteTxn& t) { done = t.remove(e, id); });
        return done;
    }
    std::vector<std::string> ids_where(const Entity& e, const Field& f, std::string_view v, int64_t limit) override {
        std::vector<std::string> ids;
        run([&](WriteTxn& t) { ids = t.ids_where(e, f, v, limit); });
        return ids;
    }
    int64_t count_where(const Entity& e, const Field& f, std::string_view v) override {
        int64_t n = 0;
        run([&](WriteTxn& t) { n = t.count_where(e, f, v); });
        return n;
    }
    void clear_where(const Entity& e, const Field& f, std::string_view v) override {
        run([&](WriteTxn& t) { t.clear_where(e, f, v); });
    }

private:
    void run(const std::function<void(WriteTxn&)>& op) { inner_.write(WriteOptions{}, op); }
    StorageDriver& inner_;
    std::atomic<int>& removes_;
    int fail_at_;
};

// The inner driver, except that each operation of a write() is a write of its own
// (AutoCommitTxn): a cascade cut short keeps what it deleted, as on the document backends.
class AutoCommitDriver : public testing_support::ForwardingDriver {
public:
    explicit AutoCommitDriver(StorageDriver& inner) : ForwardingDriver(inner) {}
    std::string_view backend_name() const override { return "auto-commit memory"; }
    void write(const WriteOptions&, const std::function<void(WriteTxn&)>& work) override {
        AutoCommitTxn txn(inner(), removes, fail_at);
        work(txn);
    }

    std::atomic<int> removes{0};
    int fail_at = 0;
};

class CascadeIntentsTest : public ::testing::Test {
protected:
    CascadeIntentsTest()
        : schema_(Schema::load_text(kServiceSchema)),
          memory_(schema_),
          documents_(memory_),
          store_([](const Schema& s) { return std::make_unique<MemoryDriver>(s); }),
          intents_(store_, std::chrono::seconds(1), [this] { return now_ms_.load(); }),
          service_(schema_, documents_, ServiceOptions{}, &intents_) {}

    const Entity& entity(const char* name) const { return *schema_.find(name); }
    std::string create(const char* entity_name, json::object body) {
        Notifications notes;
        return std::string(service_.create(entity(entity_name), body, RequestParams{}, notes).at("id").as_string());
    }
    // An Account with `users` Users, each with one Profile; returns the account's id.
    std::string account_with_users(int users) {
        const std::string account = create("Account", {{"name", "acme"}});
        for (int i = 0; i < users; ++i) {
            const std::string user = create("User", {{"username", "u" + std::to_string(i)}, {"accountId", account}});
            create("Profile", {{"bio", "b"}, {"userId", user}});
        }
        return account;
    }
    int64_t count(const char* entity_name) { return memory_.entity_counts().at(entity_name).to_number<int64_t>(); }
    void remove_account(DocumentService& service, const std::string& account, const RequestParams& p = {}) {
        Notifications notes;
        service.remove(entity("Account"), account, p, notes);
    }

    Schema schema_;
    MemoryDriver memory_;
    AutoCommitDriver documents_;
    CascadeIntentStore store_;
    std::atomic<int64_t> now_ms_{1'000'000};
    CascadeIntents intents_;
    DocumentService service_;
};

// A cascade that completes leaves no record; one cut by a failure keeps its record with
// entity, id and start time, shows it in progress, and is completed by the next pass
// (its own process's record, no longer running: taken over at once).
TEST_F(CascadeIntentsTest, ACascadeCutShortIsRecordedAndCompletedByTheNextPass) {
    const std::string done = account_with_users(3);
    remove_account(service_, done);
    EXPECT_TRUE(store_.all().empty());
    EXPECT_TRUE(service_.cascades_in_progress().empty());

    const std::string cut = account_with_users(10);
    documents_.fail_at = documents_.removes + 8;   // 4 users with their profiles, then the crash
    EXPECT_THROW(remove_account(service_, cut), StorageUnavailable);
    EXPECT_TRUE(memory_.get(entity("Account"), cut));
    EXPECT_GT(count("User"), 0);
    EXPECT_LT(count("User"), 10);
    const std::vector<CascadeIntent> pending = service_.cascades_in_progress();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].entity, "Account");
    EXPECT_EQ(pending[0].entity_id, cut);
    EXPECT_EQ(pending[0].since_ms, now_ms_.load());
    EXPECT_EQ(pending[0].owner, intents_.owner());

    documents_.fail_at = 0;
    EXPECT_EQ(service_.complete_abandoned_cascades(), 1);
    EXPECT_FALSE(memory_.get(entity("Account"), cut));
    EXPECT_EQ(count("User"), 0);
    EXPECT_EQ(count("Profile"), 0);
    EXPECT_TRUE(store_.all().empty());
    EXPECT_EQ(service_.complete_abandoned_cascades(), 0);
}

// A record of another process is left alone while its heartbeat is fresher than the lease
// (three intervals: it may still be running), and completed once it is older.
TEST_F(CascadeIntentsTest, AnotherProcesssCascadeIsTakenOverOnlyAfterItsLease) {
    const std::string account = account_with_users(5);
    store_.record(CascadeIntent{"01jother", "Account", account, "host:1:dead", now_ms_.load(), now_ms_.load()});
    EXPECT_EQ(intents_.lease(), std::chrono::seconds(3));

    now_ms_ += 3'000;
    EXPECT_EQ(service_.complete_abandoned_cascades(), 0);
    EXPECT_TRUE(memory_.get(entity("Account"), account));
    EXPECT_EQ(service_.cascades_in_progress().size(), 1u);

    now_ms_ += 1;
    EXPECT_EQ(service_.complete_abandoned_cascades(), 1);
    EXPECT_FALSE(memory_.get(entity("Account"), account));
    EXPECT_EQ(count("User"), 0);
    EXPECT_EQ(count("Profile"), 0);
    EXPECT_TRUE(store_.all().empty());
}

// A long cascade renews its heartbeat between deletions, so that no other process takes
// it over while it runs, however long it takes.
TEST_F(CascadeIntentsTest, ARunningCascadeRenewsItsHeartbeat) {
    CascadeIntents other(store_, std::chrono::seconds(1), [this] { return now_ms_.load(); });
    const int64_t start = now_ms_;
    intents_.keep_alive("unknown");   // a key not running here is ignored
    const std::string key = intents_.begin(entity("Account"), "acc");
    std::vector<size_t> seen_by_other;
    for (int i = 0; i < 4; ++i) {   // each deletion takes 2 s: without renewals the 3 s lease would run out
        now_ms_ += 2'000;
        intents_.keep_alive(key);
        seen_by_other.push_back(other.abandoned().size());
    }
    EXPECT_EQ(seen_by_other, (std::vector<size_t>{0, 0, 0, 0}));
    const std::vector<CascadeIntent> records = store_.all();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].since_ms, start);
    EXPECT_EQ(records[0].heartbeat_ms, start + 8'000);
    intents_.end(key, true);
    EXPECT_TRUE(store_.all().empty());
}

// A failure before anything was deleted (If-Match stale: 412) drops the record: there is
// nothing to complete, and the document stays.
TEST_F(CascadeIntentsTest, ADeleteRefusedBeforeAnyDeletionLeavesNoRecord) {
    const std::string account = account_with_users(2);
    RequestParams p;
    p.if_match = std::vector<std::string>{"\"stale\""};
    Notifications notes;
    EXPECT_THROW(service_.remove(entity("Account"), account, p, notes), ApiError);
    EXPECT_TRUE(memory_.get(entity("Account"), account));
    EXPECT_EQ(count("User"), 2);
    EXPECT_TRUE(store_.all().empty());
}

// Two processes finding one abandoned record at once: at most one takes it over, and
// completing it twice anyway deletes nothing more (each pass runs 50 times).
TEST_F(CascadeIntentsTest, TwoProcessesNeverBothTakeOneRecordOver) {
    int both = 0, one = 0;
    for (int round = 0; round < 50; ++round) {
        const CascadeIntent record{"01jrec" + std::to_string(round), "Account", "acc", "host:1:dead", 0, 0};
        store_.record(record);
        CascadeIntents a(store_, std::chrono::seconds(1), [this] { return now_ms_.load(); });
        CascadeIntents b(store_, std::chrono::seconds(1), [this] { return now_ms_.load(); });
        std::latch go(2);
        bool took_a = false, took_b = false;
        std::thread ta([&] {
            go.arrive_and_wait();
            took_a = a.adopt(record);
        });
        std::thread tb([&] {
            go.arrive_and_wait();
            took_b = b.adopt(record);
        });
        ta.join();
        tb.join();
        if (took_a && took_b) ++both;
        if (took_a != took_b) ++one;
        store_.remove(record.key);
    }
    EXPECT_EQ(both, 0);
    EXPECT_EQ(one, 50);

    // Completion by two services over one database: everything goes, each record once.
    const std::string account = account_with_users(20);
    store_.record(CascadeIntent{"01jshared", "Account", account, "host:1:dead", 0, 0});
    CascadeIntents other_intents(store_, std::chrono::seconds(1), [this] { return now_ms_.load(); });
    DocumentService other(schema_, documents_, ServiceOptions{}, &other_intents);
    std::latch go(2);
    int completed_here = 0, completed_there = 0;
    std::thread here([&] {
        go.arrive_and_wait();
        completed_here = service_.complete_abandoned_cascades();
    });
    std::thread there([&] {
        go.arrive_and_wait();
        completed_there = other.complete_abandoned_cascades();
    });
    here.join();
    there.join();
    EXPECT_EQ(completed_here + completed_there, 1);
    EXPECT_FALSE(memory_.get(entity("Account"), account));
    EXPECT_EQ(count("User"), 0);
    EXPECT_EQ(count("Profile"), 0);
    EXPECT_TRUE(store_.all().empty());
}

// A record naming an entity the schema no longer has cannot be completed: it is dropped.
TEST_F(CascadeIntentsTest, ARecordOfAnEntityNoLongerInTheSchemaIsDropped) {
    store_.record(CascadeIntent{"01jgone", "Vanished", "x", "host:1:dead", 0, 0});
    EXPECT_EQ(service_.complete_abandoned_cascades(), 0);
    EXPECT_TRUE(store_.all().empty());
}

}  // namespace
}  // namespace events::testing_service
