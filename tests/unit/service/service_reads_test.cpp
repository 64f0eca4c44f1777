// The document service's read rules on the in-memory driver: FK expansion (`view`),
// the read validation modes, and lists (docs/API.md "Reads", docs/DECISIONS.md as cited).
// Dangling references and data that no longer satisfies the schema are put into the
// store behind the service's back (MemoryDriver::put_unchecked), as an older server, a
// schema change or another client would leave them.
#include "service_fixture.h"

#include <tuple>

namespace events::testing_service {
namespace {

namespace json = boost::json;

// The warnings of `notes` under `key`.
json::array warnings_under(const Notifications& notes, const std::string& key) {
    const json::object groups = notes.to_json();
    const json::value* group = groups.if_contains(key);
    return group ? group->at("warnings").as_array() : json::array();
}

class ReadTest : public ServiceTest {
protected:
    explicit ReadTest(ReadValidation mode = ReadValidation::Off) : ServiceTest(ServiceOptions{.validation = mode}) {
        std::tie(account_, ann_) = account_with_user("ann");
        // A user whose account was deleted behind the service's back, and one whose
        // required FK is null: both unreachable through the service's own writes.
        driver_.put_unchecked(entity("User"), {{"id", "dangling"}, {"username", "dan"}, {"accountId", "gone"}});
        driver_.put_unchecked(entity("User"), {{"id", "orphan"}, {"username", "olga"}, {"accountId", nullptr}});
    }
    std::string account_, ann_;
};

class SingleValidationTest : public ReadTest {
protected:
    SingleValidationTest() : ReadTest(ReadValidation::Single) {}
};

class MultipleValidationTest : public ReadTest {
protected:
    MultipleValidationTest() : ReadTest(ReadValidation::Multiple) {}
};

// docs/API.md "Reads": view=account(name) adds `account: {exists: true, name}`.
TEST_F(ReadTest, ViewExpandsAForeignKey) {
    Notifications notes;
    const Document doc = service_.get(entity("User"), ann_, params({{"view", "account(name)"}}), notes);
    EXPECT_EQ(doc.at("account"), (json::object{{"exists", true}, {"name", "acme"}}));
    EXPECT_TRUE(notes.empty());
    // The expansion comes after the fields (docs/API.md "Reads": "then expansions").
    EXPECT_EQ((doc.end() - 1)->key(), "account");
}

// docs/DECISIONS.md §2.5: a dangling FK gives `{exists: false}` and a not_found warning
// naming the entity, the document and the field, never an error; a null FK named in the
// view gives `{exists: false}` and a `missing` warning.
TEST_F(ReadTest, ViewWarnsOfMissingParents) {
    Notifications notes;
    const ListResult result = service_.list(entity("User"), params({{"view", "account(name)"}}), notes);
    ASSERT_EQ(result.docs.size(), 3u);
    for (const Document& d : result.docs) {
        const std::string id(d.at("id").as_string());
        EXPECT_EQ(d.at("account").at("exists"), json::value(id == ann_)) << id;
        if (id != ann_) {
            EXPECT_FALSE(d.at("account").as_object().contains("name")) << id;
        }
    }
    const json::array dangling = warnings_under(notes, "dangling");
    ASSERT_EQ(dangling.size(), 1u);
    EXPECT_EQ(dangling[0], (json::object{{"type", "not_found"}, {"message", "Id gone does not exist"},
                                         {"field", "accountId"}, {"entity", "User"}, {"entity_id", "dangling"}}));
    const json::array orphan = warnings_under(notes, "orphan");
    ASSERT_EQ(orphan.size(), 1u);
    EXPECT_EQ(orphan[0].at("type"), json::value("missing"));
    EXPECT_EQ(orphan[0].at("message"), json::value("Missing fk ID"));
    EXPECT_TRUE(warnings_under(notes, ann_).empty());
}

// docs/DECISIONS.md §1 (the `validation` read modes), docs/API.md "Reads": with
// validation off, reads are not expanded and stored data is not checked.
TEST_F(ReadTest, ValidationOffLeavesReadsAlone) {
    Notifications notes;
    EXPECT_FALSE(service_.get(entity("User"), "dangling", {}, notes).contains("account"));
    EXPECT_FALSE(service_.list(entity("User"), {}, notes).docs.front().contains("account"));
    EXPECT_TRUE(notes.empty());
    // The stored documents can be passed on as printed by the driver.
    EXPECT_TRUE(service_.get_json(entity("User"), ann_, {}).has_value());
    EXPECT_TRUE(service_.list_json(entity("User"), {}).has_value());
}

// docs/API.md "Reads": `validation: single` expands every FK of GET one to at least
// `{exists}` with the same warnings, and checks the stored document against the schema
// (a warning, never an error: docs/DECISIONS.md §2.5); lists stay as they are.
TEST_F(SingleValidationTest, GetOneIsValidatedListsAreNot) {
    driver_.put_unchecked(entity("User"), {{"id", "old"}, {"username", "oldie"}, {"age", -5}, {"accountId", account_}});
    Notifications notes;
    const Document doc = service_.get(entity("User"), "old", {}, notes);
    EXPECT_EQ(doc.at("account"), (json::object{{"exists", true}}));
    const json::array warnings = warnings_under(notes, "old");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].at("type"), json::value("validation"));
    EXPECT_EQ(warnings[0].at("field"), json::value("age"));
    EXPECT_EQ(warnings[0].at("value"), json::value(-5));

    Notifications dangling_notes;
    EXPECT_EQ(service_.get(entity("User"), "dangling", {}, dangling_notes).at("account"),
              (json::object{{"exists", false}}));
    EXPECT_EQ(warnings_under(dangling_notes, "dangling").at(0).at("type"), json::value("not_found"));

    Notifications list_notes;
    for (const Document& d : service_.list(entity("User"), {}, list_notes).docs) EXPECT_FALSE(d.contains("account"));
    EXPECT_TRUE(list_notes.empty());
    EXPECT_FALSE(service_.get_json(entity("User"), ann_, {}).has_value());   // must go through get()
    EXPECT_TRUE(service_.list_json(entity("User"), {}).has_value());
}

// docs/API.md "Reads": `validation: multiple` validates lists too; a null optional FK is
// `{exists: false}` without a warning, a null required one warns `missing`.
TEST_F(MultipleValidationTest, ListsAreValidatedToo) {
    create_id("Badge", {{"label", "free"}});
    Notifications notes;
    const ListResult users = service_.list(entity("User"), {}, notes);
    ASSERT_EQ(users.docs.size(), 3u);
    for (const Document& d : users.docs) EXPECT_TRUE(d.contains("account")) << d.at("id");
    EXPECT_EQ(warnings_under(notes, "orphan").at(0).at("type"), json::value("missing"));
    EXPECT_EQ(warnings_under(notes, "dangling").at(0).at("type"), json::value("not_found"));
    EXPECT_FALSE(service_.list_json(entity("User"), {}).has_value());

    Notifications badge_notes;
    const ListResult badges = service_.list(entity("Badge"), params({}, "Badge"), badge_notes);
    ASSERT_EQ(badges.docs.size(), 1u);
    EXPECT_EQ(badges.docs[0].at("user"), (json::object{{"exists", false}}));
    EXPECT_TRUE(badge_notes.empty());
}

// docs/DECISIONS.md §2.4, docs/API.md "Reads": filter=id:X is a single fetch, other
// conditions ignored; a missing id is an empty list with total 0.
TEST_F(ReadTest, IdFilterIsASingleFetch) {
    Notifications notes;
    const ListResult found = service_.list(entity("User"), params({{"filter", "id:" + ann_ + ",username:nobody"}}), notes);
    ASSERT_EQ(found.docs.size(), 1u);
    EXPECT_EQ(found.docs[0].at("id"), json::value(ann_));
    EXPECT_EQ(found.total, 1);
    const ListResult missing = service_.list(entity("User"), params({{"filter", "id:nope"}}), notes);
    EXPECT_TRUE(missing.docs.empty());
    EXPECT_EQ(missing.total, 0);
}

// docs/API.md "Reads": lists page, sort and count through the driver; the default sort is
// by id (creation order for generated ids, docs/DECISIONS.md §1).
TEST_F(ReadTest, ListsPageSortAndCount) {
    Notifications notes;
    const ListResult page = service_.list(entity("User"), params({{"sort", "username:desc"}, {"pageSize", "2"}}), notes);
    ASSERT_EQ(page.docs.size(), 2u);
    EXPECT_EQ(page.docs[0].at("username"), json::value("olga"));
    EXPECT_EQ(page.docs[1].at("username"), json::value("dan"));
    EXPECT_EQ(page.total, 3);
    const ListResult filtered = service_.list(entity("User"), params({{"filter", "username:AN"}}), notes);
    ASSERT_EQ(filtered.docs.size(), 2u);   // substring, case-insensitive: ann, dan
    EXPECT_EQ(filtered.total, 2);
}

}  // namespace
}  // namespace events::testing_service
