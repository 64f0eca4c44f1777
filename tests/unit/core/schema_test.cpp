#include "core/schema.h"

#include "tools/json_text.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace events {
namespace {

namespace json = boost::json;

std::vector<std::string> names_of(const std::vector<const Field*>& fields) {
    std::vector<std::string> out;
    for (const Field* f : fields) out.push_back(f->name);
    return out;
}

std::vector<std::string> field_names(const Entity& e) {
    std::vector<std::string> out;
    for (const Field& f : e.fields) out.push_back(f.name);
    return out;
}

// The problems reported for a schema that must not load.
std::vector<std::string> problems_of(const std::string& yaml) {
    try {
        Schema::load_text(yaml);
    } catch (const SchemaError& e) {
        EXPECT_FALSE(e.problems.empty());
        return e.problems;
    }
    ADD_FAILURE() << "schema loaded but should not have:\n" << yaml;
    return {};
}

// True when some problem starts with `where` and contains `text`.
bool reported(const std::vector<std::string>& problems, const std::string& where, const std::string& text) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) {
        return p.rfind(where + ":", 0) == 0 && p.find(text) != std::string::npos;
    });
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += s + "\n";
    return out;
}

#define EXPECT_REPORTED(problems, where, text) \
    EXPECT_TRUE(reported(problems, where, text)) << "expected '" << where << ": ..." << text << "' in:\n" << join(problems)

// One entity named Thing with the given field lines (already indented by 6).
std::string thing(const std::string& fields, const std::string& extra = "") {
    return "_entities:\n  Thing:\n    fields:\n" + fields + extra;
}

class SchemaBundled : public ::testing::Test {
protected:
    static void SetUpTestSuite() { schema_ = new Schema(Schema::load_bundled()); }
    static void TearDownTestSuite() { delete schema_; }
    static const Schema& schema() { return *schema_; }
    static inline Schema* schema_ = nullptr;
};

TEST_F(SchemaBundled, LoadsTheEightConcreteEntitiesInSchemaOrder) {
    std::vector<std::string> names;
    for (const auto& e : schema().entities()) names.push_back(e->name);
    EXPECT_EQ(names, (std::vector<std::string>{"Account", "User", "Profile", "TagAffinity", "Event", "UserEvent",
                                               "Url", "Crawl"}));
    EXPECT_EQ(schema().find("BaseEntity"), nullptr);
    EXPECT_EQ(schema().find("tagaffinity")->name, "TagAffinity");
    EXPECT_EQ(schema().find("TAGAFFINITY")->lower, "tagaffinity");
    EXPECT_EQ(schema().find("nope"), nullptr);
}

TEST_F(SchemaBundled, BundledTextIsTheSampleFile) {
    std::ifstream in(std::string(EVENTS_SOURCE_DIR) + "/schemas/events.yaml");
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(Schema::bundled_text(), file);
}

TEST_F(SchemaBundled, FieldsAreInSchemaOrderWithIdLast) {
    const Entity& account = *schema().find("Account");
    EXPECT_EQ(field_names(account),
              (std::vector<std::string>{"name", "credit", "expireDate", "enabled", "createdAt", "updatedAt", "id"}));
    EXPECT_TRUE(account.id_field().is_id());
    EXPECT_EQ(account.id_field().type, FieldType::ObjectId);
    EXPECT_TRUE(account.id_field().required);
    for (const auto& e : schema().entities()) EXPECT_EQ(e->fields.back().name, "id") << e->name;
}

TEST_F(SchemaBundled, ReadsFieldAttributes) {
    const Entity& user = *schema().find("user");
    const Field& username = *user.find_field("USERNAME");
    EXPECT_EQ(username.name, "username");
    EXPECT_EQ(username.type, FieldType::String);
    EXPECT_TRUE(username.required);
    EXPECT_EQ(username.min_length, 3);
    EXPECT_EQ(username.max_length, 50);

    const Field& net = *user.find_field("netWorth");
    EXPECT_EQ(net.type, FieldType::Currency);
    EXPECT_FALSE(net.required);
    EXPECT_EQ(net.ge, 0.0);
    EXPECT_EQ(net.le, 10000000.0);

    const Field& gender = *user.find_field("gender");
    EXPECT_TRUE(gender.is_enum());
    EXPECT_FALSE(gender.is_text());
    EXPECT_EQ(gender.enum_values, (std::vector<std::string>{"male", "female", "other"}));
    EXPECT_EQ(gender.enum_message, "must be male, female or other");

    const Entity& account = *schema().find("Account");
    ASSERT_TRUE(account.find_field("enabled")->default_value.has_value());
    EXPECT_EQ(*account.find_field("enabled")->default_value, json::value(true));
    EXPECT_TRUE(account.find_field("createdAt")->auto_generate);
    EXPECT_TRUE(account.find_field("updatedAt")->auto_update);
    EXPECT_EQ(account.find_field("createdAt")->type, FieldType::Datetime);
    EXPECT_EQ(account.find_field("expireDate")->type, FieldType::Date);

    const Entity& event = *schema().find("Event");
    EXPECT_EQ(event.find_field("tags")->type, FieldType::StringArray);
    EXPECT_EQ(event.find_field("cost")->type, FieldType::Number);
    EXPECT_EQ(event.find_field("numOfExpectedAttendees")->type, FieldType::Integer);
    EXPECT_EQ(schema().find("Url")->find_field("params")->type, FieldType::Json);
    EXPECT_EQ(event.operations, "crud");
    EXPECT_EQ(schema().find("Account")->ui.at("icon"), json::value("fa-briefcase"));
}

TEST_F(SchemaBundled, DictionaryPatternsResolveAndWork) {
    const Field& email = *schema().find("User")->find_field("email");
    ASSERT_TRUE(email.regex);
    EXPECT_EQ(email.pattern.rfind("^[a-zA-Z0-9]", 0), 0u);
    EXPECT_EQ(email.pattern_message, "Bad email address format");
    EXPECT_TRUE(RE2::PartialMatch("jane.doe+x@example.co.uk", *email.regex));
    EXPECT_FALSE(RE2::PartialMatch("jane.doe@", *email.regex));
    EXPECT_FALSE(RE2::PartialMatch("not an email", *email.regex));

    const Field& url = *schema().find("Event")->find_field("url");
    ASSERT_TRUE(url.regex);
    EXPECT_EQ(url.pattern, R"(^https?://[^\s]+$)");
    EXPECT_TRUE(RE2::PartialMatch("https://events.com/path?q=s", *url.regex));
    EXPECT_FALSE(RE2::PartialMatch("https://events.com/a b", *url.regex));
    EXPECT_FALSE(RE2::PartialMatch("ftp://events.com", *url.regex));
}

TEST_F(SchemaBundled, InfersForeignKeysFromFieldNames) {
    const Entity& user = *schema().find("User");
    EXPECT_EQ(names_of(user.foreign_keys), (std::vector<std::string>{"accountId"}));
    EXPECT_EQ(user.find_field("accountId")->fk_target, schema().find("Account"));
    EXPECT_EQ(user.find_field("accountId")->fk_view_name(), "account");
    EXPECT_FALSE(user.find_field("username")->is_fk());
    EXPECT_FALSE(user.id_field().is_fk());

    const Entity& ue = *schema().find("UserEvent");
    EXPECT_EQ(names_of(ue.foreign_keys), (std::vector<std::string>{"userId", "eventId"}));
    EXPECT_EQ(ue.find_field("eventId")->fk_target, schema().find("Event"));
    EXPECT_EQ(schema().find("TagAffinity")->find_field("profileId")->fk_target, schema().find("Profile"));
    EXPECT_EQ(schema().find("Crawl")->find_field("urlId")->fk_target, schema().find("Url"));
}

TEST_F(SchemaBundled, ReferencedByListsTheChildren) {
    auto refs = [&](const char* name) {
        std::vector<std::string> out;
        for (const Reference& r : schema().find(name)->referenced_by) out.push_back(r.entity->name + "." + r.field->name);
        return out;
    };
    EXPECT_EQ(refs("Account"), (std::vector<std::string>{"User.accountId"}));
    EXPECT_EQ(refs("User"), (std::vector<std::string>{"Profile.userId", "UserEvent.userId"}));
    EXPECT_EQ(refs("Event"), (std::vector<std::string>{"UserEvent.eventId"}));
    EXPECT_EQ(refs("Url"), (std::vector<std::string>{"Crawl.urlId"}));
    EXPECT_TRUE(refs("Crawl").empty());
}

TEST_F(SchemaBundled, UniquesAndIndexesResolveToFields) {
    const Entity& user = *schema().find("User");
    ASSERT_EQ(user.uniques.size(), 2u);
    EXPECT_EQ(names_of(user.uniques[0]), (std::vector<std::string>{"username"}));
    EXPECT_EQ(names_of(user.uniques[1]), (std::vector<std::string>{"email"}));
    ASSERT_EQ(user.indexes.size(), 3u);
    EXPECT_EQ(names_of(user.indexes[0]), (std::vector<std::string>{"gender", "lastName"}));
    EXPECT_EQ(user.uniques[0][0], user.find_field("username"));

    const Entity& profile = *schema().find("Profile");
    ASSERT_EQ(profile.uniques.size(), 1u);
    EXPECT_EQ(names_of(profile.uniques[0]), (std::vector<std::string>{"name", "userId"}));
    EXPECT_TRUE(schema().find("Account")->uniques.empty());
}

TEST_F(SchemaBundled, ParentsComeFirst) {
    const auto order = schema().parents_first();
    ASSERT_EQ(order.size(), 8u);
    auto pos = [&](const char* name) { return std::find(order.begin(), order.end(), schema().find(name)) - order.begin(); };
    for (const auto& e : schema().entities())
        for (const Field* fk : e->foreign_keys)
            EXPECT_LT(pos(fk->fk_target->name.c_str()), pos(e->name.c_str())) << fk->name;
}

TEST_F(SchemaBundled, MetadataShowsDefinitionsAsGiven) {
    const json::object m = schema().metadata_entities();
    std::vector<std::string> keys;
    for (const auto& kv : m) keys.push_back(kv.key());
    EXPECT_EQ(keys.front(), "Account");
    EXPECT_EQ(keys.size(), 8u);

    const json::object& account = m.at("Account").as_object();
    EXPECT_EQ(to_json_text(account.at("fields").at("name")),
              R"({"type":"String","required":true,"min_length":6,"max_length":100})");
    EXPECT_EQ(to_json_text(account.at("fields").at("enabled")), R"({"type":"Boolean","default":true})");
    EXPECT_EQ(to_json_text(account.at("fields").at("credit")), R"({"type":"Currency","required":false,"ge":0})");
    EXPECT_EQ(to_json_text(account.at("fields").at("id")), R"({"type":"ObjectId","required":true})");
    EXPECT_EQ(to_json_text(account.at("fields").at("createdAt")),
              R"({"type":"Datetime","autoGenerate":true,"ui":{"readOnly":true,"displayAfterField":"-1","displayName":"Created On"}})");
    EXPECT_EQ(account.at("services"), json::object());
    EXPECT_EQ(account.at("uniques"), json::array());
    EXPECT_EQ(account.at("operations"), json::value("crud"));
    EXPECT_EQ(account.at("ui").at("iconColor"), json::value("#2ecc71"));

    const json::object& user = m.at("User").as_object();
    const json::object& fields = user.at("fields").as_object();
    EXPECT_EQ(fields.begin()->key(), "username");
    EXPECT_EQ((fields.end() - 1)->key(), "id");
    EXPECT_EQ(fields.at("email").at("pattern").at("message"), json::value("Bad email address format"));
    EXPECT_EQ(fields.at("email").at("pattern").at("regex").as_string().find("dictionary="), json::string::npos);
    EXPECT_EQ(to_json_text(fields.at("gender").at("enum")),
              R"({"values":["male","female","other"],"message":"must be male, female or other"})");
    EXPECT_EQ(to_json_text(fields.at("netWorth")), R"({"type":"Currency","ge":0,"le":10000000})");
    EXPECT_EQ(to_json_text(user.at("uniques")), R"([["username"],["email"]])");
    EXPECT_EQ(to_json_text(user.at("indexes")), R"([["gender","lastName"],["lastName"],["netWorth"]])");
    EXPECT_EQ(fields.at("accountId").at("ui").at("show").at("endpoint"), json::value("account"));
}

TEST(SchemaLoad, LoadsFromFile) {
    const auto path = std::filesystem::temp_directory_path() / "schema_test_load.yaml";
    {
        std::ofstream out(path);
        out << thing("      label: {type: String}\n");
    }
    const Schema s = Schema::load_file(path.string());
    std::filesystem::remove(path);
    ASSERT_EQ(s.entities().size(), 1u);
    EXPECT_EQ(field_names(*s.entities()[0]), (std::vector<std::string>{"label", "id"}));
}

TEST(SchemaLoad, MissingFileIsASchemaError) {
    EXPECT_THROW(Schema::load_file("/nonexistent/dir/schema.yaml"), SchemaError);
}

TEST(SchemaLoad, AcceptsTypeAliases) {
    const Schema s = Schema::load_text(thing(
        "      a: {type: Float}\n      b: {type: Bool}\n      c: {type: DateTime}\n      d: {type: Json}\n"
        "      e: {type: 'Array[String]'}\n      f: {type: JSON}\n"));
    const Entity& e = *s.find("thing");
    EXPECT_EQ(e.find_field("a")->type, FieldType::Number);
    EXPECT_EQ(e.find_field("b")->type, FieldType::Boolean);
    EXPECT_EQ(e.find_field("c")->type, FieldType::Datetime);
    EXPECT_EQ(e.find_field("d")->type, FieldType::Json);
    EXPECT_EQ(e.find_field("e")->type, FieldType::StringArray);
    EXPECT_EQ(e.find_field("f")->metadata.at("type"), json::value("JSON"));
}

TEST(SchemaLoad, RelationshipAddsARequiredForeignKeyBeforeTimestamps) {
    const Schema s = Schema::load_text(R"(
_relationships:
- {source: Owner, target: Pet}
_entities:
  Owner:
    fields:
      name: {type: String}
  Pet:
    fields:
      name: {type: String}
      createdAt: {type: Datetime, autoGenerate: true}
)");
    const Entity& pet = *s.find("Pet");
    EXPECT_EQ(field_names(pet), (std::vector<std::string>{"name", "ownerId", "createdAt", "id"}));
    const Field& fk = *pet.find_field("ownerId");
    EXPECT_EQ(fk.type, FieldType::ObjectId);
    EXPECT_TRUE(fk.required);
    EXPECT_EQ(fk.fk_target, s.find("Owner"));
    EXPECT_EQ(to_json_text(fk.metadata), R"({"type":"ObjectId","required":true})");
    ASSERT_EQ(s.find("Owner")->referenced_by.size(), 1u);
    EXPECT_EQ(s.find("Owner")->referenced_by[0].field, &fk);
}

TEST(SchemaLoad, RelationshipKeepsADeclaredOptionalForeignKey) {
    const Schema s = Schema::load_text(R"(
_relationships: [{source: Owner, target: Pet}]
_entities:
  Pet:
    fields:
      ownerId: {type: ObjectId}
  Owner:
    fields:
      name: {type: String}
)");
    const Field& fk = *s.find("Pet")->find_field("ownerId");
    EXPECT_FALSE(fk.required);
    EXPECT_EQ(fk.fk_target, s.find("Owner"));
    // Pet is declared first but references Owner.
    const auto order = s.parents_first();
    EXPECT_EQ(order[0]->name, "Owner");
    EXPECT_EQ(order[1]->name, "Pet");
}

TEST(SchemaLoad, OperationsAreNormalised) {
    const Schema s = Schema::load_text(R"(
_entities:
  A: {fields: {x: {type: String}}, operations: rd}
  B: {fields: {x: {type: String}}, operations: all}
  C: {fields: {x: {type: String}}, operations: dcr}
  D: {fields: {x: {type: String}}}
)");
    EXPECT_EQ(s.find("A")->operations, "rd");
    EXPECT_TRUE(s.find("A")->allows('r'));
    EXPECT_FALSE(s.find("A")->allows('c'));
    EXPECT_EQ(s.find("B")->operations, "crud");
    EXPECT_EQ(s.find("C")->operations, "crd");
    EXPECT_EQ(s.find("D")->operations, "crud");
    EXPECT_EQ(s.metadata_entities().at("A").at("operations"), json::value("rd"));
}

TEST(SchemaLoad, DefaultsAreStoredInCanonicalForm) {
    const Schema s = Schema::load_text(thing(
        "      n: {type: Integer, default: '7'}\n      c: {type: Currency, default: 10}\n"
        "      d: {type: Date, default: '2025-11-12T23:30:00-02:00'}\n      t: {type: String, default: 'yes'}\n"
        "      k: {type: Datetime, default: '2025-01-01'}\n"));
    const Entity& e = *s.find("Thing");
    EXPECT_EQ(to_json_text(*e.find_field("n")->default_value), "7");
    EXPECT_TRUE(e.find_field("n")->default_value->is_int64());
    EXPECT_TRUE(e.find_field("c")->default_value->is_double());
    EXPECT_EQ(*e.find_field("d")->default_value, json::value("2025-11-13"));
    EXPECT_EQ(*e.find_field("t")->default_value, json::value("yes"));
    EXPECT_EQ(*e.find_field("k")->default_value, json::value("2025-01-01T00:00:00.000Z"));
    EXPECT_EQ(e.find_field("d")->metadata.at("default"), json::value("2025-11-13"));
}

TEST(SchemaLoad, LiteralPatternIsTheRegexItself) {
    const Schema s = Schema::load_text(thing("      code: {type: String, pattern: {regex: '^[A-Z]{3}\\d$'}}\n"));
    const Field& code = *s.find("Thing")->find_field("code");
    EXPECT_EQ(code.pattern, R"(^[A-Z]{3}\d$)");
    EXPECT_TRUE(RE2::PartialMatch("ABC1", *code.regex));
    EXPECT_FALSE(RE2::PartialMatch("ABCD", *code.regex));
    EXPECT_EQ(to_json_text(code.metadata.at("pattern")), R"({"regex":"^[A-Z]{3}\\d$"})");
}

TEST(SchemaLoad, ObjectIdNotEndingInIdIsNotAForeignKey) {
    const Schema s = Schema::load_text(thing("      externalRef: {type: ObjectId}\n"));
    EXPECT_FALSE(s.find("Thing")->find_field("externalRef")->is_fk());
    EXPECT_TRUE(s.find("Thing")->foreign_keys.empty());
}

TEST(SchemaLoad, SelfReferenceIsAllowed) {
    const Schema s = Schema::load_text(thing("      thingId: {type: ObjectId}\n"));
    const Entity& e = *s.find("Thing");
    EXPECT_EQ(e.find_field("thingId")->fk_target, &e);
    EXPECT_EQ(s.parents_first().size(), 1u);
}

// ---- problems ----------------------------------------------------------------

TEST(SchemaProblems, YamlSyntaxErrorNamesTheLine) {
    const auto p = problems_of("_entities:\n  Thing:\n    fields: {a: [}\n");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_NE(p[0].find("line 3"), std::string::npos) << p[0];
}

TEST(SchemaProblems, MissingOrEmptyEntities) {
    EXPECT_REPORTED(problems_of("_relationships: []\n"), "_entities", "missing or empty");
    EXPECT_REPORTED(problems_of("_entities: {}\n"), "_entities", "missing or empty");
    EXPECT_REPORTED(problems_of("just text\n"), "schema", "mapping");
    EXPECT_REPORTED(problems_of("_entities:\n  Base: {abstract: true, fields: {a: {type: String}}}\n"), "_entities",
                    "abstract");
}

TEST(SchemaProblems, UnknownType) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: Strng}\n")), "Thing.a", "unknown type 'Strng'");
    EXPECT_REPORTED(problems_of(thing("      a: {required: true}\n")), "Thing.a", "type is missing");
}

TEST(SchemaProblems, DuplicateNamesCaseInsensitively) {
    EXPECT_REPORTED(problems_of(thing("      name: {type: String}\n      Name: {type: String}\n")), "Thing.Name",
                    "twice");
    EXPECT_REPORTED(problems_of("_entities:\n  Thing: {fields: {a: {type: String}}}\n  THING: {fields: {a: {type: String}}}\n"),
                    "THING", "twice");
    EXPECT_REPORTED(problems_of(thing("      ID: {type: String}\n")), "Thing.ID", "implicit");
    EXPECT_REPORTED(problems_of(thing("      name: {type: String}\n      name: {type: Integer}\n")), "Thing.name", "twice");
}

TEST(SchemaProblems, PatternProblems) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, pattern: {regex: 'dictionary=main.nope'}}\n")), "Thing.a",
                    "unknown dictionary entry 'main.nope'");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, pattern: {regex: '([a-z'}}\n")), "Thing.a",
                    "not a valid regular expression");
    EXPECT_REPORTED(problems_of(thing("      a: {type: Integer, pattern: {regex: 'x'}}\n")), "Thing.a", "String fields only");
}

TEST(SchemaProblems, EnumWithoutValues) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, enum: {values: []}}\n")), "Thing.a", "enum has no values");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, enum: {message: pick one}}\n")), "Thing.a",
                    "enum has no values");
}

TEST(SchemaProblems, InvertedBounds) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, min_length: 5, max_length: 2}\n")), "Thing.a",
                    "min_length 5 is greater than max_length 2");
    EXPECT_REPORTED(problems_of(thing("      a: {type: Number, ge: 10, le: 1.5}\n")), "Thing.a",
                    "ge 10 is greater than le 1.5");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, min_length: -1}\n")), "Thing.a", "min_length");
    EXPECT_REPORTED(problems_of(thing("      a: {type: Integer, ge: lots}\n")), "Thing.a", "ge must be a number");
    EXPECT_REPORTED(problems_of(thing("      a: {type: Integer, max_length: 3}\n")), "Thing.a", "String fields only");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, le: 3}\n")), "Thing.a", "Integer, Number and Currency");
}

// The server fills them with the current time, so only a date or a datetime can hold it
// (docs/SCHEMA.md "Timestamps").
TEST(SchemaProblems, TimestampsOnDateAndDatetimeOnly) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: Integer, autoUpdate: true}\n")), "Thing.a",
                    "autoGenerate/autoUpdate apply to Date and Datetime fields only");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, autoGenerate: true}\n")), "Thing.a",
                    "autoGenerate/autoUpdate apply to Date and Datetime fields only");
    EXPECT_NO_THROW(Schema::load_text(thing("      a: {type: Date, autoGenerate: true}\n      b: {type: Datetime, autoUpdate: true}\n")));
}

TEST(SchemaProblems, DefaultThatFailsItsOwnField) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: Integer, ge: 0, default: -1}\n")), "Thing.a",
                    "greater than or equal to 0");
    EXPECT_REPORTED(problems_of(thing("      a: {type: Boolean, default: 'yes'}\n")), "Thing.a", "valid boolean");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, enum: {values: [x, y]}, default: z}\n")), "Thing.a",
                    "default \"z\" is invalid");
    EXPECT_REPORTED(problems_of(thing("      a: {type: Date, default: '2025-02-30'}\n")), "Thing.a", "valid date");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, max_length: 2, default: abc}\n")), "Thing.a",
                    "at most 2 characters");
}

TEST(SchemaProblems, ForeignKeyToUnknownEntity) {
    EXPECT_REPORTED(problems_of(thing("      ownerId: {type: ObjectId}\n")), "Thing.ownerId", "FK to an unknown entity");
}

TEST(SchemaProblems, RelationshipProblems) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: String}\n") + "_relationships: [{source: Ghost, target: Thing}]\n"),
                    "_relationships", "unknown entity 'Ghost'");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String}\n") + "_relationships: [{source: Thing, target: Ghost}]\n"),
                    "_relationships", "unknown entity 'Ghost'");
    EXPECT_REPORTED(problems_of("_relationships: [{source: Owner, target: Pet}]\n_entities:\n"
                                "  Owner: {fields: {a: {type: String}}}\n  Pet: {fields: {ownerId: {type: String}}}\n"),
                    "Pet.ownerId", "must be an ObjectId");
    EXPECT_REPORTED(problems_of("_relationships: [Owner]\n_entities:\n  Owner: {fields: {a: {type: String}}}\n"),
                    "_relationships", "source");
}

TEST(SchemaProblems, UniqueAndIndexNamingMissingFields) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: String}\n", "    unique: [[a, b]]\n")), "Thing",
                    "unique names unknown field 'b'");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String}\n", "    indexes: [[c]]\n")), "Thing",
                    "indexes names unknown field 'c'");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String}\n", "    unique: [[]]\n")), "Thing", "empty field list");
}

TEST(SchemaProblems, BadOperations) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: String}\n", "    operations: crux\n")), "Thing",
                    "operations 'crux'");
}

TEST(SchemaProblems, UnknownKeysAndBadValues) {
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, requird: true}\n")), "Thing.a", "unknown field key 'requird'");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String, required: maybe}\n")), "Thing.a",
                    "required must be true or false");
    EXPECT_REPORTED(problems_of(thing("      a: {type: String}\n", "    uniqe: [[a]]\n")), "Thing",
                    "unknown entity key 'uniqe'");
    EXPECT_REPORTED(problems_of("_entities:\n  'Bad Name': {fields: {a: {type: String}}}\n"), "Bad Name", "letters");
    EXPECT_REPORTED(problems_of(thing("      'a-b': {type: String}\n")), "Thing.a-b", "letters");
}

// The sample schema's old YAML slip: an unquoted comma inside a flow mapping turned the
// end of the message into a key of the enum.
TEST(SchemaProblems, UnknownKeysInsideEnumAndPatternAreNamed) {
    EXPECT_REPORTED(problems_of(thing("      gender: {type: String, enum: {values: [male, female, other], "
                                      "message: must be male, female or other}}\n")),
                    "Thing.gender", "unknown enum key 'female or other'");
    EXPECT_REPORTED(problems_of(thing("      code: {type: String, pattern: {regex: '^a', mesage: bad}}\n")),
                    "Thing.code", "unknown pattern key 'mesage'");
    // Every key the reference allows is accepted (docs/SCHEMA.md "Entity keys", "Field keys"); `ui` stays free-form.
    EXPECT_NO_THROW(Schema::load_text(thing("      gender: {type: String, required: true, default: male, "
                                  "enum: {values: [male, female], message: 'm, f', colors: [blue, red]}, "
                                  "ui: {anything: {goes: here}, displayPages: all}}\n"
                                  "      code: {type: String, min_length: 1, max_length: 9, encrypt: true, "
                                  "pattern: {regex: '^a', message: 'must start with a'}}\n"
                                  "      n: {type: Integer, ge: 0, le: 9, default: 1}\n"
                                  "      at: {type: Datetime, autoGenerate: true, autoUpdate: false}\n")));
}

// The schema shipped in schemas/ is the corrected shared one and loads clean.
TEST(SchemaProblems, SampleSchemaFileLoadsWithoutProblems) {
    std::ifstream in(std::string(EVENTS_SOURCE_DIR) + "/schemas/events.yaml");
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    EXPECT_EQ(Schema::load_text(text.str()).find("User")->find_field("gender")->enum_message,
              "must be male, female or other");
}

TEST(SchemaProblems, AllProblemsAreReportedTogether) {
    const std::string yaml = R"(
_relationships: [{source: Nobody, target: A}]
_entities:
  A:
    fields:
      x: {type: Strng}
      y: {type: String, min_length: 9, max_length: 1}
      zId: {type: ObjectId}
    unique: [[missing]]
    operations: xyz
  B:
    fields:
      e: {type: String, enum: {values: []}}
)";
    try {
        Schema::load_text(yaml);
        FAIL() << "loaded";
    } catch (const SchemaError& e) {
        const auto& p = e.problems;
        EXPECT_REPORTED(p, "A.x", "unknown type");
        EXPECT_REPORTED(p, "A.y", "min_length");
        EXPECT_REPORTED(p, "A.zId", "FK to an unknown entity");
        EXPECT_REPORTED(p, "A", "unique names unknown field 'missing'");
        EXPECT_REPORTED(p, "A", "operations 'xyz'");
        EXPECT_REPORTED(p, "B.e", "enum has no values");
        EXPECT_REPORTED(p, "_relationships", "unknown entity 'Nobody'");
        EXPECT_EQ(std::string(e.what()), join(p).substr(0, join(p).size() - 1));   // joined by newlines
    }
}

}  // namespace
}  // namespace events
