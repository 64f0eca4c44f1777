// The document service with a backend that cascades only some relationships itself
// (SQL Server declares a relationship that would be a second cascade path NO ACTION,
// cascade_paths.h): deleting a parent then walks the whole tree below it in the write
// transaction, removing children and clearing optional references itself, so nothing
// waits on a relationship the database does not act on. With every relationship
// native the service leaves the cascade to the database.
//
// Real SQLite underneath; a thin decorator only changes what cascades_natively() says
// and counts the removals the service asks for.
#include "service/document_service.h"
#include "core/notifications.h"
#include "storage/driver.h"
#include "support/forwarding_driver.h"

#include "../storage/sqlite_test_support.h"

#include <gtest/gtest.h>

#include <map>

namespace events {
namespace {

const char* const kDiamond = R"(
_entities:
  Org:
    fields:
      name: {type: String}
  Team:
    fields:
      name: {type: String}
      orgId: {type: ObjectId, required: true}
  Site:
    fields:
      name: {type: String}
      orgId: {type: ObjectId, required: false}
  Member:
    fields:
      name: {type: String}
      teamId: {type: ObjectId, required: true}
      siteId: {type: ObjectId, required: true}
)";

// Counts the WriteTxn::remove / clear_where calls the service makes, per entity.
class CountingTxn : public testing_support::ForwardingTxn {
public:
    CountingTxn(WriteTxn& inner, std::map<std::string, int>& removed) : ForwardingTxn(inner), removed_(removed) {}
    bool remove(const Entity& e, std::string_view id) override {
        ++removed_[e.name];
        return ForwardingTxn::remove(e, id);
    }
    void clear_where(const Entity& e, const Field& f, std::string_view v) override {
        ++removed_["clear " + e.name];
        ForwardingTxn::clear_where(e, f, v);
    }

private:
    std::map<std::string, int>& removed_;
};

// The inner driver, except that the foreign keys in `by_service` are not cascaded
// natively, so the service walks them itself; counts what the service removes.
class PartialCascades : public testing_support::ForwardingDriver {
public:
    PartialCascades(StorageDriver& inner, std::set<const Field*> by_service)
        : ForwardingDriver(inner), by_service_(std::move(by_service)) {}
    bool cascades_natively(const Field& fk) const override { return !by_service_.count(&fk); }
    void write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) override {
        ForwardingDriver::write(options, [&](WriteTxn& txn) {
            CountingTxn counting(txn, removed);
            work(counting);
        });
    }

    std::map<std::string, int> removed;

private:
    std::set<const Field*> by_service_;
};

class PartialCascadeTest : public ::testing::Test {
protected:
    PartialCascadeTest() : schema_(Schema::load_text(kDiamond)) {
        sqlite_ = testing_sqlite::open_sqlite(schema_, dir_.file("diamond.db"));
    }
    const Entity& entity(const char* name) const { return *schema_.find(name); }
    std::string create(DocumentService& s, const char* entity_name, boost::json::object body) {
        Notifications notes;
        return std::string(s.create(entity(entity_name), body, RequestParams{}, notes).at("id").as_string());
    }
    // Org with one Team, one Site and one Member under both.
    void populate(DocumentService& s) {
        org_ = create(s, "Org", {{"name", "o"}});
        const std::string team = create(s, "Team", {{"name", "t"}, {"orgId", org_}});
        const std::string site = create(s, "Site", {{"name", "s"}, {"orgId", org_}});
        member_ = create(s, "Member", {{"name", "m"}, {"teamId", team}, {"siteId", site}});
    }
    void remove_org(DocumentService& s) {
        Notifications notes;
        ASSERT_TRUE(s.remove(entity("Org"), org_, RequestParams{}, notes).has_value());
    }

    testing_sqlite::TempDir dir_;
    Schema schema_;
    std::unique_ptr<StorageDriver> sqlite_;
    std::string org_, member_;
};

TEST_F(PartialCascadeTest, ServiceWalksTheTreeWhenOneRelationshipIsNotNative) {
    PartialCascades driver(*sqlite_, {entity("Member").find_field("siteId")});
    DocumentService service(schema_, driver, ServiceOptions{});
    populate(service);
    remove_org(service);
    // The service removed the Team and the Member itself and cleared Site.orgId.
    EXPECT_EQ(driver.removed["Team"], 1);
    EXPECT_EQ(driver.removed["Member"], 1);
    EXPECT_EQ(driver.removed["clear Site"], 1);
    EXPECT_EQ(driver.removed["Org"], 1);
    EXPECT_FALSE(sqlite_->get(entity("Member"), member_).has_value());
    EXPECT_EQ(sqlite_->entity_counts().at("Team"), 0);
    EXPECT_EQ(sqlite_->entity_counts().at("Site"), 1);   // optional reference: kept, cleared
}

TEST_F(PartialCascadeTest, NativeBackendLeavesTheCascadeToTheDatabase) {
    PartialCascades driver(*sqlite_, {});
    DocumentService service(schema_, driver, ServiceOptions{});
    populate(service);
    remove_org(service);
    EXPECT_EQ(driver.removed["Team"], 0);
    EXPECT_EQ(driver.removed["Member"], 0);
    EXPECT_EQ(driver.removed["Org"], 1);
    EXPECT_FALSE(sqlite_->get(entity("Member"), member_).has_value());   // the database cascaded
}

TEST_F(PartialCascadeTest, AnUnrelatedBranchStaysNative) {
    // Only Member.siteId is cascaded by the service; deleting a Team reaches no such
    // relationship, so the database cascades it alone.
    PartialCascades driver(*sqlite_, {entity("Member").find_field("siteId")});
    DocumentService service(schema_, driver, ServiceOptions{});
    populate(service);
    const std::string team = std::string(sqlite_->list(entity("Team"), ListQuery{}).docs.at(0).at("id").as_string());
    Notifications notes;
    ASSERT_TRUE(service.remove(entity("Team"), team, RequestParams{}, notes).has_value());
    EXPECT_EQ(driver.removed["Member"], 0);
    EXPECT_FALSE(sqlite_->get(entity("Member"), member_).has_value());
}

}  // namespace
}  // namespace events
