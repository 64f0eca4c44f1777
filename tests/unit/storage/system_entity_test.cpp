// SystemEntity (storage/system_entity.h): the schema and driver of an entity the server
// keeps for itself, and the readers of its stored fields.
#include "storage/system_entity.h"

#include "support/memory_driver.h"

#include <gtest/gtest.h>

namespace events {
namespace {

namespace json = boost::json;
using testing_support::MemoryDriver;

constexpr std::string_view kSchema = R"(
_entities:
  EventsProbe:
    fields:
      label: {type: String, required: true}
      count: {type: Integer, required: true}
)";

TEST(SystemEntity, OpensItsDriverOnItsOwnSchemaAndStoresDocuments) {
    const Schema* seen = nullptr;
    SystemEntity probe(kSchema, "EventsProbe", [&](const Schema& s) {
        seen = &s;
        return std::make_unique<MemoryDriver>(s);
    });
    ASSERT_NE(seen, nullptr);
    EXPECT_EQ(probe.entity().name, "EventsProbe");
    EXPECT_EQ(seen->find("EventsProbe"), &probe.entity());

    Document doc{{"id", "p1"}, {"label", "first"}, {"count", 3}};
    probe.driver().write(WriteOptions{}, [&](WriteTxn& txn) { txn.insert(probe.entity(), doc); });
    auto stored = probe.driver().get(probe.entity(), "p1");
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(text_field(*stored, "label"), "first");
    EXPECT_EQ(integer_field(*stored, "count"), 3);
}

TEST(SystemEntity, FieldReadersAnswerEmptyForMissingOrMistypedValues) {
    const Document doc{{"text", 12}, {"big", json::value(uint64_t{42})}, {"real", 7.0}, {"word", "x"}};
    EXPECT_EQ(text_field(doc, "text"), "");
    EXPECT_EQ(text_field(doc, "absent"), "");
    EXPECT_EQ(text_field(doc, "word"), "x");
    EXPECT_EQ(integer_field(doc, "big"), 42);
    EXPECT_EQ(integer_field(doc, "real"), 7);
    EXPECT_EQ(integer_field(doc, "word"), 0);
    EXPECT_EQ(integer_field(doc, "absent"), 0);
}

TEST(SystemEntity, RecognisesItsStorageUnderEveryBackendsSpelling) {
    EXPECT_TRUE(SystemEntity::stores("EventsLoginSession", "EventsLoginSession"));
    EXPECT_TRUE(SystemEntity::stores("mydb_eventsloginsession", "EventsLoginSession"));
    EXPECT_TRUE(SystemEntity::stores("EVENTSCASCADEINTENT", "EventsCascadeIntent"));
    EXPECT_FALSE(SystemEntity::stores("mydb_user", "EventsLoginSession"));
    EXPECT_FALSE(SystemEntity::stores("eventslogin", "EventsLoginSession"));
}

}  // namespace
}  // namespace events
