// export_documents / import_documents between two real SQLite files.
#include "app/transfer.h"

#include "service/document_service.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>

namespace events {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

void populate(const Schema& schema, StorageDriver& driver);

class TransferTest : public ::testing::Test {
protected:
    TransferTest() : schema_(Schema::load_bundled()) {
        static std::atomic<int> counter{0};
        dir_ = fs::temp_directory_path() /
               ("events-transfer-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    ~TransferTest() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::unique_ptr<StorageDriver> open(const std::string& name) {
        DriverOptions options;
        options.uri = (dir_ / name).string();
        options.db_name = "test";
        options.pool_size = 2;
        auto driver = make_driver("sqlite", schema_, options);
        driver->open();
        return driver;
    }

    const Entity& entity(const char* name) { return *schema_.find(name); }

    // Every document of every entity, in id order, as JSON text.
    std::vector<std::string> dump(StorageDriver& driver) {
        std::vector<std::string> out;
        for (const Entity* e : schema_.parents_first()) {
            ListQuery q;
            q.sort = {SortKey{&e->id_field(), false}};
            q.limit = 100000;
            for (const Document& d : driver.list(*e, q).docs) out.push_back(e->name + " " + to_json_text(d));
        }
        return out;
    }

    // The two ends of a round trip: the source SQLite file and the other backend, both open.
    struct RoundTrip {
        std::unique_ptr<StorageDriver> source;
        std::unique_ptr<StorageDriver> middle;
    };

    // The move a user makes to another backend and back: fills the SQLite file `source_name`
    // (populate), exports it, imports that into a fresh `database` driver at `uri` (batches
    // of 500, database "transfer_<pid>_<time>") and back into the fresh SQLite file
    // `back_name`; expects 2108 documents imported each time, every document equal at each
    // step, and the second export byte-identical to the first. The caller adds its backend's
    // own checks, then wipes and closes `middle`.
    RoundTrip round_trip(const std::string& database, const std::string& uri, const std::string& source_name,
                         const std::string& back_name) {
        RoundTrip t;
        t.source = open(source_name);
        populate(schema_, *t.source);

        DriverOptions options;
        options.uri = uri;
        options.db_name = "transfer_" + std::to_string(::getpid()) + "_" + std::to_string(std::time(nullptr));
        options.pool_size = 2;
        t.middle = make_driver(database, schema_, options);
        t.middle->open();

        std::stringstream first;
        export_documents(schema_, *t.source, first);
        std::stringstream into_middle(first.str());
        EXPECT_EQ(import_documents(schema_, *t.middle, into_middle, {}, 500).documents, 2108);
        EXPECT_EQ(dump(*t.source), dump(*t.middle));

        std::stringstream second;
        export_documents(schema_, *t.middle, second);
        EXPECT_EQ(second.str(), first.str());   // the same lines, byte for byte

        auto back = open(back_name);
        std::stringstream into_back(second.str());
        EXPECT_EQ(import_documents(schema_, *back, into_back, {}, 500).documents, 2108);
        EXPECT_EQ(dump(*t.source), dump(*back));
        return t;
    }

    // Imports into the empty `driver`, in one batch of 1000, 50 accounts and on line 51 a
    // second "acct7": expects an error naming line 51 and the id, and no account kept.
    void expect_duplicate_in_batch_refused(StorageDriver& driver) {
        std::string input;
        for (int i = 0; i < 50; ++i)
            input += R"({"entity":"Account","doc":{"id":"acct)" + std::to_string(i) + R"(","name":"Account )" +
                     std::to_string(i) + R"("}})" + "\n";
        input += R"({"entity":"Account","doc":{"id":"acct7","name":"Again seven"}})" "\n";   // line 51
        std::stringstream in(input);
        try {
            import_documents(schema_, driver, in, {}, 1000);
            ADD_FAILURE() << "expected an error";
        } catch (const std::runtime_error& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("line 51: Account acct7: id already exists"), std::string::npos) << message;
        }
        EXPECT_EQ(driver.entity_counts().at("Account").as_int64(), 0);
    }

    Schema schema_;
    fs::path dir_;
};

// A small graph through the document service (ids, timestamps, FKs as in production),
// plus enough accounts that the export needs several keyset pages.
void populate(const Schema& schema, StorageDriver& driver) {
    DocumentService service(schema, driver, ServiceOptions{});
    RequestParams params;
    Notifications notes;
    auto create = [&](const char* entity, const char* body) {
        return service.create(*schema.find(entity), json::parse(body), params, notes);
    };
    Document account = create("Account", R"({"name":"Acme Corporation","credit":236153.61,"expireDate":"2031-02-03"})");
    std::string account_id(account.at("id").as_string());
    Document user = create("User", (R"({"username":"alice","email":"alice@example.com","password":"secret123",
        "firstName":"Alice","lastName":"Liddell","gender":"female","dob":"1990-05-17","isAccountOwner":true,
        "netWorth":50000,"accountId":")" + account_id + R"("})").c_str());
    std::string user_id(user.at("id").as_string());
    Document profile = create("Profile", (R"({"name":"default","radiusMiles":25,"userId":")" + user_id + R"("})").c_str());
    create("TagAffinity",
           (R"({"tag":"jazz","affinity":-40,"profileId":")" + std::string(profile.at("id").as_string()) + R"("})").c_str());
    Document event = create("Event", R"({"url":"https://example.com/e/1","title":"Jazz night",
        "dateTime":"2025-11-12T20:11:17.123Z","cost":12.5,"tags":["music","jazz"],"recurrence":"weekly"})");
    create("UserEvent", (R"({"attended":true,"rating":5,"userId":")" + user_id + R"(","eventId":")" +
                         std::string(event.at("id").as_string()) + R"("})")
                            .c_str());
    Document url = create("Url", R"({"url":"https://example.com","params":{"depth":2,"nested":{"a":[1,2.5,"x"]}}})");
    create("Crawl", (R"({"parseStatus":{"ok":true},"errorsEncountered":["timeout"],"urlId":")" +
                     std::string(url.at("id").as_string()) + R"("})")
                        .c_str());

    // 2,100 more accounts written directly: crosses two export page boundaries.
    const Entity& accounts = *schema.find("Account");
    driver.write({}, [&](WriteTxn& txn) {
        for (int i = 0; i < 2100; ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "01bulk%020d", i);
            Document d;
            d["id"] = id;
            d["name"] = "Account number " + std::to_string(i);
            d["credit"] = i * 1.25;
            d["expireDate"] = nullptr;
            d["enabled"] = i % 2 == 0;
            d["createdAt"] = "2024-01-01T00:00:00.000Z";
            d["updatedAt"] = nullptr;
            txn.insert(accounts, d);
        }
    });
    ASSERT_FALSE(notes.has_errors());
}

TEST_F(TransferTest, ExportThenImportReproducesEveryDocument) {
    auto a = open("a.db");
    populate(schema_, *a);

    std::stringstream stream;
    std::vector<int64_t> export_progress;
    TransferStats exported =
        export_documents(schema_, *a, stream, [&](const Entity&, int64_t done) { export_progress.push_back(done); });
    EXPECT_EQ(exported.documents, 2108);
    ASSERT_FALSE(export_progress.empty());
    EXPECT_EQ(export_progress.back(), 2108);

    // One JSON object per line, parents before children.
    std::string text = stream.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2108);
    std::istringstream lines(text);
    std::string first;
    std::getline(lines, first);
    json::value first_line = json::parse(first);
    EXPECT_EQ(first_line.at("entity"), "Account");
    EXPECT_TRUE(first_line.at("doc").as_object().contains("id"));
    // The comparison-form columns stay inside the storage layer (docs/DECISIONS.md §2.23).
    EXPECT_EQ(text.find("$cf"), std::string::npos);

    auto b = open("b.db");
    std::stringstream in(text);
    TransferStats imported = import_documents(schema_, *b, in, {}, 100);
    EXPECT_EQ(imported.documents, 2108);

    auto before = dump(*a);
    auto after = dump(*b);
    ASSERT_EQ(before.size(), 2108u);
    EXPECT_EQ(before, after);
    EXPECT_EQ(json::value(a->entity_counts()), json::value(b->entity_counts()));
    // The bulk import wrote the forms: a case-insensitive whole-value filter finds the row.
    const Entity& accounts = *schema_.find("Account");
    ListQuery q;
    q.filters.push_back({accounts.find_field("name"), FilterOp::Eq, json::value("ACCOUNT NUMBER 7")});
    EXPECT_EQ(b->list(accounts, q).docs.size(), 1u);
}

// The move a user makes when outgrowing one machine: SQLite -> PostgreSQL -> SQLite,
// every document compared. Needs a real PostgreSQL (EVENTS_TEST_PG_URI); skipped otherwise.
TEST_F(TransferTest, SqliteToPostgresqlToSqliteKeepsEveryDocument) {
    const char* pg_uri = std::getenv("EVENTS_TEST_PG_URI");
    if (!pg_uri || !*pg_uri) GTEST_SKIP() << "EVENTS_TEST_PG_URI is not set: no PostgreSQL server to move data to";

    auto pg = round_trip("postgresql", pg_uri, "a.db", "c.db").middle;
    pg->wipe();
    pg->close();
}

// SQLite -> Elasticsearch/OpenSearch -> SQLite, every document compared, and the bulk
// path's failures on a backend without transactions: a duplicate inside a batch names its
// line and leaves nothing of the batch; a missing parent fails the import. Needs a node
// (EVENTS_TEST_ES_URI, scripts/test-server.sh start opensearch); skipped otherwise.
TEST_F(TransferTest, SqliteToElasticsearchToSqliteKeepsEveryDocument) {
    const char* es_uri = std::getenv("EVENTS_TEST_ES_URI");
    if (!es_uri || !*es_uri) GTEST_SKIP() << "EVENTS_TEST_ES_URI is not set: no OpenSearch node to move data to";

    auto es = round_trip("elasticsearch", es_uri, "a.db", "c.db").middle;

    // Failures of the bulk path, on a fresh prefix.
    es->wipe();
    expect_duplicate_in_batch_refused(*es);
    std::stringstream orphan(R"({"entity":"Profile","doc":{"id":"p1","name":"orphan","userId":"nosuchuser"}})"
                             "\n");
    EXPECT_THROW(import_documents(schema_, *es, orphan), std::runtime_error);
    EXPECT_FALSE(es->get(entity("Profile"), "p1"));
    es->close();
}

// SQLite -> MongoDB -> SQLite on each MongoDB-compatible server the environment names
// (scripts/test-server.sh start ferretdb|jongodb; EVENTS_TEST_MONGO_URI for a real
// MongoDB): every document and every exported line byte-identical.
TEST_F(TransferTest, SqliteToMongodbToSqliteKeepsEveryDocument) {
    int servers = 0;
    for (const char* var : {"EVENTS_TEST_FERRETDB_URI", "EVENTS_TEST_JONGODB_URI", "EVENTS_TEST_MONGO_URI"}) {
        const char* uri = std::getenv(var);
        if (!uri || !*uri) continue;
        ++servers;
        SCOPED_TRACE(var);
        const RoundTrip t = round_trip("mongodb", uri, std::string("a-") + var + ".db", std::string("c-") + var + ".db");
        StorageDriver* const mongo = t.middle.get();
        EXPECT_EQ(json::value(t.source->entity_counts()), json::value(mongo->entity_counts()));
        mongo->wipe();
        mongo->close();
    }
    if (servers == 0)
        GTEST_SKIP() << "none of EVENTS_TEST_FERRETDB_URI, EVENTS_TEST_JONGODB_URI, EVENTS_TEST_MONGO_URI is set: "
                        "no MongoDB-compatible server to move data to";
}

TEST_F(TransferTest, ExportOfAnEmptyDatabaseIsEmpty) {
    auto a = open("a.db");
    std::stringstream out;
    EXPECT_EQ(export_documents(schema_, *a, out).documents, 0);
    EXPECT_TRUE(out.str().empty());
}

TEST_F(TransferTest, ImportFillsAbsentTimestampsAndKeepsGivenOnes) {
    auto b = open("b.db");
    std::stringstream in(
        R"({"entity":"Account","doc":{"id":"ACC1","name":"Given Stamps","createdAt":"2020-01-02T03:04:05Z"}})"
        "\n\n"
        R"({"entity":"account","doc":{"id":"acc2","name":"No Stamps At All"}})"
        "\n"
        R"({"entity":"Account","doc":{"id":"acc3","name":"Explicit nulls","createdAt":null,"updatedAt":null}})"
        "\n");
    EXPECT_EQ(import_documents(schema_, *b, in).documents, 3);

    auto given = b->get(entity("Account"), "acc1");
    ASSERT_TRUE(given);
    EXPECT_EQ(given->at("createdAt"), "2020-01-02T03:04:05.000Z");
    EXPECT_EQ(given->at("enabled"), true);   // schema default applied
    auto filled = b->get(entity("Account"), "acc2");
    ASSERT_TRUE(filled);
    ASSERT_TRUE(filled->at("createdAt").is_string());
    EXPECT_EQ(filled->at("createdAt").as_string().size(), 24u);   // YYYY-MM-DDTHH:MM:SS.mmmZ
    EXPECT_TRUE(filled->at("updatedAt").is_string());
    auto nulls = b->get(entity("Account"), "acc3");   // an explicit null is data: kept
    ASSERT_TRUE(nulls);
    EXPECT_TRUE(nulls->at("createdAt").is_null());
    EXPECT_TRUE(nulls->at("updatedAt").is_null());
}

TEST_F(TransferTest, InvalidDocumentFailsWithTheLineNumber) {
    auto b = open("b.db");
    std::stringstream in(R"({"entity":"Account","doc":{"id":"a1","name":"Long enough name"}})"
                         "\n"
                         R"({"entity":"Account","doc":{"id":"a2","name":"short","credit":-1}})"
                         "\n");
    try {
        import_documents(schema_, *b, in);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("line 2"), std::string::npos) << message;
        EXPECT_NE(message.find("name"), std::string::npos) << message;
        EXPECT_NE(message.find("credit"), std::string::npos) << message;
    }
}

TEST_F(TransferTest, MalformedLinesAreRejected) {
    auto b = open("b.db");
    auto error_of = [&](const std::string& text) {
        std::stringstream in(text);
        try {
            import_documents(schema_, *b, in);
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(error_of("{not json\n").find("line 1: malformed JSON"), std::string::npos);
    EXPECT_NE(error_of(R"({"entity":"Account"})").find("line 1"), std::string::npos);
    EXPECT_NE(error_of(R"({"entity":"Nope","doc":{"id":"x"}})").find("unknown entity Nope"), std::string::npos);
    EXPECT_NE(error_of(R"({"entity":"Account","doc":{"name":"Without an id"}})").find("no id"), std::string::npos);
}

TEST_F(TransferTest, DuplicateIdFailsWithTheLineNumber) {
    auto b = open("b.db");
    std::string line = R"({"entity":"Account","doc":{"id":"dup1","name":"Duplicate me"}})";
    std::stringstream first(line + "\n");
    import_documents(schema_, *b, first);
    std::stringstream again("\n" + line + "\n");
    try {
        import_documents(schema_, *b, again);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        std::string message = e.what();
        EXPECT_NE(message.find("line 2"), std::string::npos) << message;
        EXPECT_NE(message.find("id already exists"), std::string::npos) << message;
    }
}

TEST_F(TransferTest, MissingParentFailsTheImport) {
    auto b = open("b.db");
    std::stringstream in(R"({"entity":"Profile","doc":{"id":"p1","name":"orphan","userId":"nosuchuser"}})"
                         "\n");
    EXPECT_THROW(import_documents(schema_, *b, in), std::runtime_error);
    EXPECT_FALSE(b->get(entity("Profile"), "p1"));
}

// Batches are inserted as multi-row INSERTs; a failure inside one still names the line of
// the offending document, and nothing of its batch is kept.
TEST_F(TransferTest, DuplicateInsideABulkBatchFailsWithItsLineNumber) {
    auto b = open("b.db");
    expect_duplicate_in_batch_refused(*b);
}

TEST_F(TransferTest, UniqueFieldViolationInABulkBatchNamesLineAndFields) {
    auto b = open("b.db");
    std::string input = R"({"entity":"Account","doc":{"id":"a1","name":"Acme Corporation"}})" "\n";
    for (int i = 0; i < 3; ++i) {
        const std::string n = std::to_string(i);
        const std::string username = i == 2 ? "USER0" : "user" + n;   // usernames are unique, case-insensitively
        input += R"({"entity":"User","doc":{"id":"u)" + n + R"(","username":")" + username + R"(","email":"user)" + n +
                 R"(@example.com","password":"secret123","firstName":"Ann","lastName":"Bee","gender":"male",)"
                 R"("dob":"1990-01-01","isAccountOwner":false,"netWorth":1,"accountId":"a1"}})" "\n";
    }
    std::stringstream in(input);
    try {
        import_documents(schema_, *b, in);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("line 4: User u2: unique constraint (username"), std::string::npos) << message;
    }
    EXPECT_EQ(b->entity_counts().at("User").as_int64(), 0);
}

TEST_F(TransferTest, ParentsAndChildrenInOneBatchAreImported) {
    auto a = open("a.db");
    populate(schema_, *a);
    std::stringstream lines;
    const TransferStats exported = export_documents(schema_, *a, lines);
    auto b = open("b.db");
    // One batch holds every entity: each run of one entity is one multi-row insert,
    // parents before children.
    const TransferStats imported = import_documents(schema_, *b, lines, {}, 100000);
    EXPECT_EQ(imported.documents, exported.documents);
    EXPECT_EQ(dump(*a), dump(*b));
}

}  // namespace
}  // namespace events
