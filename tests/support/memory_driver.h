// A storage driver that keeps every document in memory, for tests of the layers above
// the driver contract (the document service, the API routes) without a database.
//
// It implements storage/driver.h honestly and no more:
// - Capabilities are all false, so the document service runs its own foreign-key
//   checks and cascades (service/document_service.cpp), as it does for MongoDB and
//   Elasticsearch (docs/DECISIONS.md §3 "Cascading deletes").
// - Ids are unique: inserting an existing id throws UniqueViolation{"id"}
//   (docs/DECISIONS.md §2.9).
// - The schema's `unique` constraints are enforced here, as the document backends do
//   (the service checks none itself): two documents whose constraint fields are equal
//   under the matching rule throw UniqueViolation naming the constraint's fields in
//   schema order; documents with a null constrained field do not take part
//   (docs/DECISIONS.md §2.15, §2.23; storage/document/unique_key.h).
// - write() is atomic and serialized: the work runs on a copy of the store, swapped in
//   only when the work returns; any exception leaves the store as it was.
// - list() applies the ListQuery's filters, sort (NULLs last in both directions, ties
//   by id; docs/DECISIONS.md §2.13), offset/limit and total with the matching rule of
//   core/list_query.h: text fields compare through core/comparison_form.h
//   (docs/DECISIONS.md §2.21, §2.23), other fields by their canonical value.
//
// Thread-safe: reads take a snapshot of the store under a mutex; writes hold a second
// mutex for their whole run, so they never interleave.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace events::testing_support {

class MemoryDriver : public StorageDriver {
public:
    // `schema` must outlive the driver. `case_sensitive` is the config key of the same
    // name: whether text comparisons (filters, sort, uniques) keep case.
    explicit MemoryDriver(const Schema& schema, bool case_sensitive = false);

    std::string_view backend_name() const override { return "memory"; }
    Capabilities capabilities() const override { return Capabilities{}; }   // all false

    void open() override {}
    void open_read_only() override {}
    StoredSchemaState stored_schema_state() override { return {}; }
    void record_schema(const SchemaRecord&) override {}
    void rename_field(const Entity&, const std::string&, const std::string&) override {}
    void close() override {}

    std::optional<Document> get(const Entity& e, std::string_view id) override;
    std::vector<Document> get_many(const Entity& e, const std::vector<std::string>& ids) override;
    ListPage list(const Entity& e, const ListQuery& q) override;
    void write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) override;

    void wipe() override;
    // {"<Entity>": <document count>} for every entity of the schema.
    boost::json::object entity_counts() override;
    // {"store": "memory"}: nothing else to report.
    boost::json::object report_details() override;
    // True unless a test made the store unreachable (set_reachable(false)).
    bool ping() override { return reachable_; }

    // ---- for tests only ------------------------------------------------------
    // Stores `doc` (which must hold a string `id`) as it is, bypassing every check, as
    // data written before a schema change or behind the server's back would be: a
    // dangling foreign key, a value the schema no longer allows.
    void put_unchecked(const Entity& e, Document doc);
    // The options of the last write() call (nullopt before the first), to prove that
    // the service passes the request's options on.
    std::optional<WriteOptions> last_write_options() const;
    // Count of write() calls whose work returned (committed writes).
    int64_t committed_writes() const;
    // What ping() answers from now on: false plays a database that does not answer
    // (GET /api/health is then a 503). Reads and writes still work.
    void set_reachable(bool reachable) { reachable_ = reachable; }
    // Makes every get() and list() fail from now on as a broken backend would: with
    // StorageUnavailable when `unavailable`, else with std::runtime_error, both carrying
    // `what` (engine text the answer must not show); nullopt ends it.
    void set_read_failure(std::optional<std::string> what, bool unavailable = false);

    // One entity's documents by id; the whole store by entity. Shared between snapshots
    // until a write copies them (copy on write). Public for the transaction's sake.
    using Table = std::map<std::string, Document>;
    using Store = std::map<const Entity*, Table>;

private:
    std::shared_ptr<const Store> snapshot() const;

    const Schema& schema_;
    const bool case_sensitive_;
    mutable std::mutex state_mutex_;   // guards store_, last_options_, committed_
    std::mutex write_mutex_;           // held by a write() from start to end
    std::shared_ptr<const Store> store_;
    std::optional<WriteOptions> last_options_;
    int64_t committed_ = 0;
    std::atomic<bool> reachable_{true};
    std::optional<std::string> read_failure_;   // guarded by state_mutex_
    bool read_failure_unavailable_ = false;     // guarded by state_mutex_
    void fail_read_if_asked() const;
};

}  // namespace events::testing_support
