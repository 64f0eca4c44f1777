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
class CountingTxn : public WriteTxn {
public:
    CountingTxn(WriteTxn& inner, std::map<std::string, int>& removed) : inner_(inner), removed_(removed) {}
    std::optional<Document> get(const Entity& e, std::string_view id) override { return inner_.get(e, id); }
    bool exists(const Entity& e, std::string_view id) override { return inner_.exists(e, id); }
    void insert(const Entity& e, const Document& doc) override { inner_.insert(e, doc); }
    bool update(const Entity& e, const Document& doc) override { return inner_.update(e, doc); }
    bool remove(const Entity& e, std::string_view id) override {
        ++removed_[e.name];
        return inner_.remove(e, id);
    }
    std::vector<std::string> ids_where(const Entity& e, const Field& f, std::string_view v, int64_t limit) override {
        return inner_.ids_where(e, f, v, limit);
    }
    int64_t count_where(const Entity& e, const Field& f, std::string_view v) override {
        return inner_.count_where(e, f, v);
    }
    void clear_where(const Entity& e, const Field& f, std::string_view v) override {
        ++removed_["clear " + e.name];
        inner_.clear_where(e, f, v);
    }

private:
    WriteTxn& inner_;
    std::map<std::string, int>& removed_;
};

class PartialCascades : public StorageDriver {
public:
    PartialCascades(StorageDriver& inner, std::set<const Field*> by_service)
        : inner_(inner), by_service_(std::move(by_service)) {}
    std::string_view backend_name() const override { return inner_.backend_name(); }
    Capabilities capabilities() const override { return inner_.capabilities(); }
    bool cascades_natively(const Field& fk) const override { return !by_service_.count(&fk); }
    void open() override {}
    void open_read_only() override {}
    StoredSchemaState stored_schema_state() override { return {}; }
    void record_schema(const SchemaRecord&) override {}
    void rename_field(const Entity&, const std::string&, const std::string&) override {}
    void close() override {}
    std::optional<Document> get(const Entity& e, std::string_view id) override { return inner_.get(e, id); }
    std::vector<Document> get_many(const Entity& e, const std::vector<std::string>& ids) override {
        return inner_.get_many(e, ids);
    }
    ListPage list(const Entity& e, const ListQuery& q) override { return inner_.list(e, q); }
    void write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) override {
        inner_.write(options, [&](WriteTxn& txn) {
            CountingTxn counting(txn, removed);
            work(counting);
        });
    }
    void wipe() override { inner_.wipe(); }
    boost::json::object entity_counts() override { return inner_.entity_counts(); }
    boost::json::object report_details() override { return inner_.report_details(); }
    bool ping() override { return inner_.ping(); }

    std::map<std::string, int> removed;

private:
    StorageDriver& inner_;
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
