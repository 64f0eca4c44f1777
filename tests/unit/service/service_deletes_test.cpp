// The document service's delete rules on a backend with no native cascades (the
// in-memory driver): the service walks the relationships itself, in the delete's one
// write (docs/DECISIONS.md §3 "Cascading deletes", docs/API.md "Writes").
#include "service_fixture.h"

namespace events::testing_service {
namespace {

namespace json = boost::json;

using DeleteTest = ServiceTest;

class RefusingDeleteTest : public ServiceTest {
protected:
    RefusingDeleteTest() : ServiceTest(ServiceOptions{.cascade_delete = false}) {}
};

// Deleting an Account deletes its Users through the required FK, and their Profiles
// through theirs (recursively); a Badge whose optional FK pointed at a deleted User is
// kept with the FK cleared. Another account's documents are untouched.
TEST_F(DeleteTest, RequiredChildrenGoRecursivelyAndOptionalReferencesAreCleared) {
    const auto [account, ann] = account_with_user("ann");
    const std::string bob = create_id("User", {{"username", "bob"}, {"accountId", account}});
    const std::string profile = create_id("Profile", {{"bio", "x"}, {"userId", ann}});
    const std::string badge = create_id("Badge", {{"label", "gold"}, {"userId", bob}});
    const auto [other_account, carl] = account_with_user("carl");
    const std::string carl_profile = create_id("Profile", {{"bio", "y"}, {"userId", carl}});
    const std::string carl_badge = create_id("Badge", {{"label", "silver"}, {"userId", carl}});

    Notifications notes;
    ASSERT_TRUE(service_.remove(entity("Account"), account, {}, notes).has_value());
    EXPECT_FALSE(stored("Account", account));
    EXPECT_FALSE(stored("User", ann));
    EXPECT_FALSE(stored("User", bob));
    EXPECT_FALSE(stored("Profile", profile));
    ASSERT_TRUE(stored("Badge", badge));
    EXPECT_TRUE(stored("Badge", badge)->at("userId").is_null());
    EXPECT_EQ(stored("Badge", badge)->at("label"), json::value("gold"));

    EXPECT_TRUE(stored("User", carl));
    EXPECT_TRUE(stored("Profile", carl_profile));
    EXPECT_EQ(stored("Badge", carl_badge)->at("userId"), json::value(carl));
}

// docs/DECISIONS.md §3: with `cascade_delete: false` a referenced document is not
// deleted: 409 `Cannot delete <E> <id>: referenced by <n> <Child> document(s)`, keyed by
// the id, and nothing changes. An unreferenced one is deleted.
TEST_F(RefusingDeleteTest, AReferencedDocumentIsRefusedNamingTheReferencingEntity) {
    const auto [account, ann] = account_with_user("ann");
    create_id("User", {{"username", "bob"}, {"accountId", account}});
    Notifications notes;
    const ApiError e = api_error_of([&] { service_.remove(entity("Account"), account, {}, notes); });
    EXPECT_EQ(e.status(), 409);
    const json::array errors = errors_under(e, account);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].at("message"), json::value("Cannot delete Account " + account + ": referenced by 2 User document(s)"));
    EXPECT_EQ(errors[0].at("type"), json::value("conflict"));
    EXPECT_TRUE(stored("Account", account));
    EXPECT_EQ(driver_.entity_counts().at("User"), json::value(2));

    // An optional reference refuses too: nothing may be left dangling.
    const std::string badge = create_id("Badge", {{"label", "gold"}, {"userId", ann}});
    const ApiError by_badge = api_error_of([&] { service_.remove(entity("User"), ann, {}, notes); });
    EXPECT_EQ(by_badge.status(), 409);
    EXPECT_EQ(errors_under(by_badge, ann)[0].at("message"),
              json::value("Cannot delete User " + ann + ": referenced by 1 Badge document(s)"));
    EXPECT_EQ(stored("Badge", badge)->at("userId"), json::value(ann));

    ASSERT_TRUE(service_.remove(entity("Badge"), badge, {}, notes).has_value());
    EXPECT_FALSE(stored("Badge", badge));
}

// docs/DECISIONS.md §1, §2.10: DELETE returns the deleted document in the shape GET
// gives it; deleting it again (or any missing id) is not an error.
TEST_F(DeleteTest, DeleteReturnsTheDocumentAndIsIdempotent) {
    const auto [account, ann] = account_with_user("ann");
    Notifications notes;
    const Document before = service_.get(entity("User"), ann, {}, notes);
    const std::optional<Document> deleted = service_.remove(entity("User"), ann, {}, notes);
    ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(*deleted, before);
    std::vector<std::string> keys;
    for (const auto& kv : *deleted) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "username", "email", "age", "accountId", "createdAt", "updatedAt"}));
    EXPECT_FALSE(service_.remove(entity("User"), ann, {}, notes).has_value());
    EXPECT_FALSE(service_.remove(entity("User"), "never-there", {}, notes).has_value());
    EXPECT_TRUE(notes.empty());
    EXPECT_TRUE(stored("Account", account));   // deleting a child leaves the parent
}

// The cascade runs inside the delete's one write() (all or nothing, storage/driver.h),
// not as writes of its own that a failure could leave half done. Without foreign keys in
// the backend, one more write sweeps again once the parent is gone (docs/STORAGE.md
// "Foreign keys without transactions").
TEST_F(DeleteTest, ACascadeIsOneWrite) {
    const auto [account, ann] = account_with_user("ann");
    create_id("Profile", {{"bio", "x"}, {"userId", ann}});
    const int64_t before = driver_.committed_writes();
    Notifications notes;
    service_.remove(entity("Account"), account, {}, notes);
    EXPECT_EQ(driver_.committed_writes(), before + (driver_.capabilities().native_foreign_keys ? 1 : 2));
    EXPECT_EQ(driver_.entity_counts().at("Profile"), json::value(0));
}

}  // namespace
}  // namespace events::testing_service
