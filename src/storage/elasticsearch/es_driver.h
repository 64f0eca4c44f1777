// The Elasticsearch / OpenSearch driver (REST API common to Elasticsearch 7/8 and
// OpenSearch 1/2). docs/ELASTICSEARCH.md describes the design; in short:
//   - one index per entity with an explicit strict mapping (es_mapping.h);
//   - no transactions: each WriteTxn operation is one or a few requests, ordered so that
//     a crash leaves only work that start-up reconciliation repairs;
//   - uniques (docs/DECISIONS.md §2.15) are claim documents in `<db_name>__uniques` whose _id is
//     entity + constraint + unique key (storage/document/unique_key.h), created with
//     op_type=create BEFORE the document is written, moved on update (new claim, write,
//     old claim released) and released after a delete; open() deletes claims whose
//     owner no longer holds the value and creates missing ones;
//   - POST with an existing id: op_type=create (409); PUT/PATCH: if_seq_no/if_primary_term;
//   - writes wait for refresh (refresh=wait_for) unless strict consistency is off or the
//     request says no_consistency=true (WriteOptions, storage/driver.h);
//   - lists: exact totals (track_total_hits), pages past 10,000 hits by search_after.
#pragma once

#include "storage/driver.h"
#include "storage/elasticsearch/es_client.h"
#include "storage/pool_stats.h"

#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace events {

class EsDriver : public StorageDriver {
public:
    // Throws std::invalid_argument for a malformed options.uri (es_client.h).
    EsDriver(const Schema& schema, const DriverOptions& options);
    ~EsDriver() override;

    std::string_view backend_name() const override { return "elasticsearch"; }
    // Uniques are enforced here (claims), FKs and cascades by DocumentService.
    Capabilities capabilities() const override { return {true, false, false}; }

    void open() override;
    // Checks the node answers; creates nothing.
    void open_read_only() override;
    // The record is the document "schema" of the index "<db_name>__meta" (es_mapping.h).
    // `others` stays empty: index names of another db_name may share this one's prefix,
    // so indices of another schema cannot be told apart from them.
    StoredSchemaState stored_schema_state() override;
    void record_schema(const SchemaRecord& record) override;
    // _update_by_query over the documents that have `from`: the value (and its comparison
    // form) moves to `to`. The index mapping keeps the old field, unused.
    void rename_field(const Entity& e, const std::string& from, const std::string& to) override;
    // Throws NotSupported: an index cannot change a mapped field's type, and the reindex
    // into a new index behind an alias is not carried out by this version
    // (docs/SCHEMA.md "Changing a schema").
    void convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) override;
    // The documents rewritten without the field (_bulk) / the index deleted.
    // The new index with its mapping first, then the copy of StorageDriver::rename_entity().
    void rename_entity(const Entity& recorded, const Entity& renamed, int64_t batch) override;
    void drop_field(const Entity& e, const std::string& field) override;
    void drop_entity(const std::string& name) override;
    void close() override;
    std::optional<Document> get(const Entity& e, std::string_view id) override;
    std::vector<Document> get_many(const Entity& e, const std::vector<std::string>& ids) override;
    ListPage list(const Entity& e, const ListQuery& q) override;
    void write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) override;
    void wipe() override;
    boost::json::object entity_counts() override;
    boost::json::object report_details() override;
    bool ping() override;
    // The HTTP connection pool of the client (EsClient::stats()).
    std::optional<PoolStats> pool_stats() const override { return client_->stats(); }

    // How long a claim whose owner does not hold its value must stay so, seen by this
    // process, before a write that meets it releases it (docs/DECISIONS.md §4.4). Longer
    // than any write takes between its claim and its document. Tests shorten it.
    void set_orphan_claim_grace(std::chrono::milliseconds grace) { orphan_claim_grace_ = grace; }

    // ---- used by the write transaction (es_write_txn.cpp) ----
    struct Stored {
        Document doc;           // response form
        int64_t seq_no = -1;
        int64_t primary_term = -1;
        std::string version() const { return std::to_string(seq_no) + ":" + std::to_string(primary_term); }
    };
    std::optional<Stored> get_stored(const Entity& e, std::string_view id);
    // The writes below wait for the refresh that makes them searchable unless `w` or the
    // driver options say not to (refresh_param()).
    // Throws InvalidValue (id over 512 bytes), UniqueViolation.
    void insert(const WriteOptions& w, const Entity& e, const Document& doc);
    // Inserts in _bulk requests of 1,000 (claims first); appends what it created to `created`.
    void insert_many(const WriteOptions& w, const Entity& e, const std::vector<Document>& docs,
                     std::vector<std::pair<const Entity*, Document>>& created);
    // Deletes these documents and releases their claims (undo of a failed write).
    void remove_created(const WriteOptions& w, const std::vector<std::pair<const Entity*, Document>>& created);
    // Replaces the document with doc["id"]; false when absent. `base`: the version `doc`
    // was built on (null: none); when the stored version moved on, only the fields `doc`
    // changed relative to `base` are written onto the newer one, unless `exact_base`:
    // then a newer version throws WriteConflict (WriteTxn::keep_versions_read()). Throws
    // UniqueViolation, WriteConflict after kUpdateAttempts lost races.
    bool update(const WriteOptions& w, const Entity& e, const Document& doc, const Stored* base,
                bool exact_base = false);
    // Deletes one document and releases its claims; false when absent. WriteConflict as
    // update(); with `exact_base`, a version other than `base` throws WriteConflict.
    bool remove(const WriteOptions& w, const Entity& e, std::string_view id, const Stored* base = nullptr,
                bool exact_base = false);
    std::vector<std::string> ids_where(const Entity& e, const Field& f, std::string_view value, int64_t limit);
    int64_t count_where(const Entity& e, const Field& f, std::string_view value);
    void clear_where(const WriteOptions& w, const Entity& e, const Field& f, std::string_view value);

private:
    struct Claim;
    // One request; the parsed JSON answer. Throws StorageUnavailable (node down, 429/5xx
    // answers) and std::runtime_error for an answer with a status not in `ok`.
    boost::json::value call(std::string_view method, const std::string& target, std::string_view body,
                            std::initializer_list<int> ok, int* status = nullptr);
    std::string index(const Entity& e) const;
    // "refresh=wait_for" when strict consistency is on and `w` does not waive it, else
    // "refresh=false".
    std::string refresh_param(const WriteOptions& w) const;
    void create_indices();
    void ensure_index(const std::string& name, const boost::json::object& mappings);
    void reconcile_claims();
    std::string claim_id(const Entity& e, size_t constraint, const std::string& key) const;
    // Claims `key` of constraint `c` of `e` for document `owner`: true when taken (or
    // already held by `owner`), false when another document holds it.
    bool claim(const Entity& e, size_t c, const std::string& key, const std::string& owner);
    // A claim held by `held_owner` (its _seq_no `seq_no`) that blocks `e`'s constraint `c` at
    // `key`: true when it was released because its owner has not held the value for the
    // grace period (an outage or crash cut the write that claimed it).
    bool release_if_orphaned(const Entity& e, size_t c, const std::string& key, const std::string& held_owner,
                             int64_t seq_no, int64_t primary_term);
    // Deletes the claim when `owner` holds it.
    void release(const Entity& e, size_t c, const std::string& key, const std::string& owner);
    // The hits of a search for `body` (sort required) from `offset`, at most `limit`
    // (-1: all), walking past the 10,000-hit window with search_after. `total` gets
    // hits.total when asked for.
    std::vector<boost::json::object> search_all(const std::string& index, boost::json::object body, int64_t offset,
                                                int64_t limit, int64_t* total);

    const Schema& schema_;
    DriverOptions options_;
    std::unique_ptr<EsClient> client_;
    // Claims seen orphaned (owner without the value), by claim id (or by owner, when the
    // owner does not exist): (_seq_no or -1, first seen).
    std::chrono::milliseconds orphan_claim_grace_{30000};
    std::mutex orphans_mutex_;
    std::map<std::string, std::pair<int64_t, std::chrono::steady_clock::time_point>> orphans_seen_;
};

}  // namespace events
