// The MongoDB driver (docs/MONGODB.md): one collection per entity in `db_name`, `_id` our id,
// values typed by the schema (mongo_codec.h) with shadow fields for comparisons, nulls
// and unique keys (mongo_layout.h). Runs on MongoDB, FerretDB 1.x and jongodb.
//
// Capabilities: uniques are native (a sparse unique index on each constraint's key, so
// two concurrent writes can never both win); FKs and cascades are not: DocumentService
// checks and cascades, inside a multi-document transaction where the server has them
// (probed at open()), otherwise as ordered steps (docs/MONGODB.md says what a crash can
// leave; /api/db/report counts dangling references).
#pragma once

#include "storage/driver.h"
#include "storage/mongodb/mongo_codec.h"
#include "storage/mongodb/mongo_handles.h"
#include "storage/pool_stats.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace events {

class MongoDriver : public StorageDriver {
public:
    // `options.uri`: mongodb://[user:pass@]host:port/[?options]; `options.db_name`: the
    // database. Throws std::invalid_argument for a URI libmongoc refuses.
    MongoDriver(const Schema& schema, const DriverOptions& options);
    ~MongoDriver() override;

    std::string_view backend_name() const override { return "mongodb"; }
    Capabilities capabilities() const override;

    void open() override;
    // The pool and the server probe, nothing created (MongoDB creates nothing on reads).
    void open_read_only() override;
    // The record is one document {_id: "schema", fingerprint, source, text, recorded_at}
    // of the collection "_events_meta" (mongo_schema_record.cpp). On a server without
    // listCollections (jongodb) `present` holds the entities with documents and `others`
    // stays empty.
    StoredSchemaState stored_schema_state() override;
    void record_schema(const SchemaRecord& record) override;
    // $set of `to` and $unset of `from` document by document (jongodb has no $rename);
    // the shadow fields follow at open() (the layout signature changed).
    void rename_field(const Entity& e, const std::string& from, const std::string& to) override;
    // Batch by batch in _id order, resumable from a mark in "_events_meta"
    // (mongo_field_conversion.cpp).
    void convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) override;
    // $unset of the field and its shadow fields / the collection dropped (emptied on jongodb).
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
    // Our own counts of the client pool (mongo::PoolCounts); nullopt while closed.
    std::optional<PoolStats> pool_stats() const override;

    // ---- used by the write transaction and the reconciliation -------------------
    mongo::Collection collection(mongoc_client_t* client, const Entity& e) const;
    // Documents of `e` (an exact count); raises StorageUnavailable when unreachable.
    int64_t count_all(mongoc_client_t* client, const Entity& e);
    const mongo::CodecOptions& codec() const { return codec_; }
    bool transactions() const { return transactions_; }
    const std::string& db_name() const { return options_.db_name; }
    // True when an update must hold the document's lock (mongo_document_lock.h): the
    // server's filtered replace is no compare-and-set (FerretDB 1.x) and no transaction
    // makes it one.
    bool updates_need_lock() const { return server_kind_ == "FerretDB" && !transactions_; }
    // Which unique constraint of `e` the stored form `doc` collides with (probing each
    // key: FerretDB names no index, and reports some collisions without code 11000);
    // {"id"} for the id; empty when none is found.
    std::vector<std::string> colliding_constraint(mongoc_client_t* client, const mongoc_client_session_t* session,
                                                  const Entity& e, const Document& doc, bool is_insert) const;

private:
    mongoc_client_pool_t* pool() const;
    // Start-up reconciliation (mongo_reconcile.cpp): collections, shadow fields, indexes.
    void reconcile(mongoc_client_t* client);
    void reconcile_entity(mongoc_client_t* client, const Entity& e, std::vector<std::string>& problems);
    // Counts of FK values that name no document, per "Entity.field" (report).
    boost::json::object dangling_references(mongoc_client_t* client);
    void probe_server(mongoc_client_t* client);

    const Schema& schema_;
    DriverOptions options_;
    mongo::CodecOptions codec_;
    mongoc_uri_t* uri_ = nullptr;
    mongoc_client_pool_t* pool_ = nullptr;
    mutable mongo::PoolCounts pool_counts_;
    std::atomic<bool> pool_open_{false};
    bool transactions_ = false;
    // jongodb 0.1.6 loses writes of transactions that commit concurrently (a commit
    // replaces what another committed meanwhile): there, this process runs its
    // writes one at a time (docs/MONGODB.md).
    bool serialize_writes_ = false;
    std::mutex write_mutex_;
    std::string server_version_;
    std::string server_kind_;   // "MongoDB", "FerretDB <version>", "jongodb"
};

}  // namespace events
