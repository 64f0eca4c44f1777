// The MongoDB driver on each MongoDB-compatible server the environment names
// (EVENTS_TEST_FERRETDB_URI, EVENTS_TEST_JONGODB_URI, EVENTS_TEST_MONGO_URI; started by
// scripts/test-server.sh): what the e2e suite cannot reach through HTTP. Skipped when
// none is set.
#include "storage/driver.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

namespace events {
namespace {

namespace json = boost::json;

const char* const kPeopleNoUnique = R"(
_entities:
  Team:
    fields:
      name: {type: String, required: true}
    relationships: [Person]
  Person:
    fields:
      name: {type: String, required: true}
      email: {type: String}
      teamId: {type: ObjectId}
)";

// The same with the email unique (Person is the last entity, so its block ends the text).
const std::string kPeopleUniqueEmail = std::string(kPeopleNoUnique) + "    unique:\n    - [email]\n";

std::vector<std::string> server_uris() {
    std::vector<std::string> out;
    for (const char* var : {"EVENTS_TEST_FERRETDB_URI", "EVENTS_TEST_JONGODB_URI", "EVENTS_TEST_MONGO_URI"})
        if (const char* v = std::getenv(var); v && *v) out.emplace_back(v);
    return out;
}

std::string fresh_db_name() {
    static std::atomic<int> counter{0};
    return "mongo_unit_" + std::to_string(::getpid()) + "_" + std::to_string(std::time(nullptr)) + "_" +
           std::to_string(counter++);
}

std::unique_ptr<StorageDriver> open_driver(const Schema& schema, const std::string& uri, const std::string& db) {
    DriverOptions o;
    o.uri = uri;
    o.db_name = db;
    o.pool_size = 2;
    auto driver = make_driver("mongodb", schema, o);
    driver->open();
    return driver;
}

Document doc(const char* text) { return json::parse(text).as_object(); }

#define FOR_EACH_SERVER(uri)                                                                            \
    const auto uris_ = server_uris();                                                                   \
    if (uris_.empty()) GTEST_SKIP() << "no EVENTS_TEST_FERRETDB_URI / _JONGODB_URI / _MONGO_URI is set"; \
    for (const std::string& uri : uris_)

TEST(MongoDriver, AFailedBatchLeavesNoneOfItsDocuments) {
    const Schema schema = Schema::load_text(kPeopleUniqueEmail);
    const Entity& team = *schema.find("Team");
    FOR_EACH_SERVER(uri) {
        SCOPED_TRACE(uri);
        auto driver = open_driver(schema, uri, fresh_db_name());
        driver->write({}, [&](WriteTxn& t) { t.insert(team, doc(R"({"id":"t2","name":"Existing"})")); });
        std::vector<Document> batch{doc(R"({"id":"t1","name":"One"})"), doc(R"({"id":"t2","name":"Dup"})"),
                                    doc(R"({"id":"t3","name":"Three"})")};
        EXPECT_THROW(driver->write({}, [&](WriteTxn& t) { t.insert_many(team, batch); }), UniqueViolation);
        EXPECT_FALSE(driver->get(team, "t1"));
        EXPECT_FALSE(driver->get(team, "t3"));
        EXPECT_EQ(driver->get(team, "t2")->at("name"), "Existing");
        driver->wipe();
    }
}

TEST(MongoDriver, UniqueViolationNamesTheConstraintOnInsertAndUpdate) {
    const Schema schema = Schema::load_text(kPeopleUniqueEmail);
    const Entity& person = *schema.find("Person");
    FOR_EACH_SERVER(uri) {
        SCOPED_TRACE(uri);
        auto driver = open_driver(schema, uri, fresh_db_name());
        driver->write({}, [&](WriteTxn& t) {
            t.insert(person, doc(R"({"id":"p1","name":"Ann","email":"Ann@X.io","teamId":null})"));
            t.insert(person, doc(R"({"id":"p2","name":"Bob","email":null,"teamId":null})"));
            t.insert(person, doc(R"({"id":"p3","name":"Cy","email":null,"teamId":null})"));   // nulls take no part
        });
        try {
            driver->write({}, [&](WriteTxn& t) { t.insert(person, doc(R"({"id":"p4","name":"Dup","email":"ann@x.IO"})")); });
            ADD_FAILURE() << "insert of a duplicate email succeeded";
        } catch (const UniqueViolation& u) {
            EXPECT_EQ(u.fields, std::vector<std::string>{"email"});
        }
        try {
            driver->write({}, [&](WriteTxn& t) {
                t.update(person, doc(R"({"id":"p2","name":"Bob","email":"ANN@x.io","teamId":null})"));
            });
            ADD_FAILURE() << "update to a duplicate email succeeded";
        } catch (const UniqueViolation& u) {
            EXPECT_EQ(u.fields, std::vector<std::string>{"email"});
        }
        try {
            driver->write({}, [&](WriteTxn& t) { t.insert(person, doc(R"({"id":"p1","name":"Again","email":null})")); });
            ADD_FAILURE() << "insert of an existing id succeeded";
        } catch (const UniqueViolation& u) {
            EXPECT_EQ(u.fields, std::vector<std::string>{"id"});
        }
        EXPECT_TRUE(driver->get(person, "p2")->at("email").is_null());
        driver->wipe();
    }
}

TEST(MongoDriver, StartRefusesDuplicatesOfANewUniqueAndListsThem) {
    const Schema loose = Schema::load_text(kPeopleNoUnique);
    const Schema strict = Schema::load_text(kPeopleUniqueEmail);
    FOR_EACH_SERVER(uri) {
        SCOPED_TRACE(uri);
        const std::string db = fresh_db_name();
        {
            auto driver = open_driver(loose, uri, db);
            const Entity& person = *loose.find("Person");
            driver->write({}, [&](WriteTxn& t) {
                t.insert(person, doc(R"({"id":"p1","name":"Ann","email":"same@x.io"})"));
                t.insert(person, doc(R"({"id":"p2","name":"Bob","email":"SAME@x.io"})"));
            });
            driver->close();
        }
        DriverOptions o;
        o.uri = uri;
        o.db_name = db;
        auto driver = make_driver("mongodb", strict, o);
        try {
            driver->open();
            ADD_FAILURE() << "opened over duplicates";
        } catch (const ReconcileError& e) {
            EXPECT_NE(std::string(e.what()).find("Person unique (email): duplicate values \"same@x.io\" (2 documents)"),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST(MongoDriver, ReportCountsDanglingReferencesAndKeepsOtherCollections) {
    const Schema schema = Schema::load_text(kPeopleNoUnique);
    const Entity& team = *schema.find("Team");
    const Entity& person = *schema.find("Person");
    FOR_EACH_SERVER(uri) {
        SCOPED_TRACE(uri);
        auto driver = open_driver(schema, uri, fresh_db_name());
        driver->write({}, [&](WriteTxn& t) {
            t.insert(team, doc(R"({"id":"t1","name":"Kept"})"));
            t.insert(team, doc(R"({"id":"t2","name":"Gone"})"));
            t.insert(person, doc(R"({"id":"p1","name":"Ann","teamId":"t1"})"));
            t.insert(person, doc(R"({"id":"p2","name":"Bob","teamId":"t2"})"));
            t.insert(person, doc(R"({"id":"p3","name":"Cy","teamId":"t2"})"));
        });
        // What an interrupted cascade without transactions could leave: the parent gone.
        driver->write({}, [&](WriteTxn& t) { t.remove(team, "t2"); });
        json::object report = driver->report_details();
        EXPECT_EQ(report.at("dangling_references").at("Person.teamId"), json::value(2)) << json::serialize(report);
        EXPECT_EQ(report.at("collections").at("details").at("Person").at("doc_count"), json::value(3));
        EXPECT_EQ(json::value(driver->entity_counts()), (json::value(json::object{{"Team", 1}, {"Person", 3}})));
        driver->wipe();
        EXPECT_EQ(json::value(driver->entity_counts()), (json::value(json::object{{"Team", 0}, {"Person", 0}})));
    }
}

TEST(MongoDriver, DeepPagesByIdMatchAWalkOfTheWholeList) {
    const Schema schema = Schema::load_text(kPeopleNoUnique);
    const Entity& team = *schema.find("Team");
    FOR_EACH_SERVER(uri) {
        SCOPED_TRACE(uri);
        auto driver = open_driver(schema, uri, fresh_db_name());
        driver->write({}, [&](WriteTxn& t) {
            for (int i = 0; i < 30; ++i) {
                char id[16];
                std::snprintf(id, sizeof id, "t%02d", i);
                Document d;
                d["id"] = id;
                d["name"] = i % 3 == 0 ? "Fizz" : "Other";
                t.insert(team, d);
            }
        });
        auto ids = [&](ListQuery q) {
            std::vector<std::string> out;
            for (const Document& d : driver->list(team, q).docs) out.emplace_back(d.at("id").as_string());
            return out;
        };
        ListQuery q;
        q.offset = 10;
        q.limit = 3;
        EXPECT_EQ(ids(q), (std::vector<std::string>{"t10", "t11", "t12"}));
        EXPECT_EQ(driver->list(team, q).total, 30);
        q.sort = {SortKey{&team.id_field(), true}};
        EXPECT_EQ(ids(q), (std::vector<std::string>{"t19", "t18", "t17"}));
        q.filters.push_back({team.find_field("name"), FilterOp::Eq, json::value("fizz")});
        q.offset = 2;
        EXPECT_EQ(ids(q), (std::vector<std::string>{"t21", "t18", "t15"}));
        EXPECT_EQ(driver->list(team, q).total, 10);
        q.offset = 10;
        EXPECT_TRUE(ids(q).empty());
        EXPECT_EQ(driver->list(team, q).total, 10);
        driver->wipe();
    }
}

// docs/DECISIONS.md §5.5: a type change cut short continues after the last batch done.
TEST(MongoDriver, AConversionCutShortResumesAfterTheLastBatchDone) {
    const Schema before = Schema::load_text("_entities:\n  Team:\n    fields:\n      size: {type: String}\n");
    const Schema after = Schema::load_text("_entities:\n  Team:\n    fields:\n      size: {type: Integer}\n");
    const Entity& team = *after.find("Team");
    const Field& size = *team.find_field("size");
    FOR_EACH_SERVER(uri) {
        SCOPED_TRACE(uri);
        const std::string db = fresh_db_name();
        {
            auto old = open_driver(before, uri, db);
            old->write({}, [&](WriteTxn& t) {
                for (int i = 0; i < 12; ++i) {
                    char id[8];
                    std::snprintf(id, sizeof id, "t%02d", i);
                    t.insert(*before.find("Team"), Document{{"id", id}, {"size", std::to_string(i)}});
                }
            });
            old->close();
        }
        DriverOptions o;
        o.uri = uri;
        o.db_name = db;
        o.pool_size = 2;
        auto driver = make_driver("mongodb", after, o);
        driver->open_read_only();
        std::vector<std::string> seen;
        FieldConversion conversion;
        conversion.from = FieldType::String;
        conversion.batch = 5;
        conversion.convert = [&](const json::value& v) {
            seen.emplace_back(v.as_string());
            if (v == "7") throw std::runtime_error("cut short");   // in the second batch
            return json::value(std::stoll(std::string(v.as_string())));
        };
        EXPECT_THROW(driver->convert_field(team, size, conversion), std::runtime_error);
        EXPECT_EQ(seen.size(), 8u);   // the first batch and the second up to "7"

        seen.clear();
        conversion.convert = [&](const json::value& v) {
            seen.emplace_back(v.as_string());
            return json::value(std::stoll(std::string(v.as_string())));
        };
        driver->convert_field(team, size, conversion);
        EXPECT_EQ(seen, (std::vector<std::string>{"5", "6", "7", "8", "9", "10", "11"}));
        driver->open();
        for (int i = 0; i < 12; ++i) {
            char id[8];
            std::snprintf(id, sizeof id, "t%02d", i);
            EXPECT_EQ(driver->get(team, id)->at("size"), i) << id;
        }
        driver->wipe();
        driver->close();
    }
}

}  // namespace
}  // namespace events
