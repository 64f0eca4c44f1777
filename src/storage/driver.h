// The storage-driver contract: everything a backend must do, nothing more. This header
// alone tells the author of a new backend what to implement: the operations, the
// options a write carries, and the failures a driver reports (the exception types
// below; any other exception is an internal error, answered 500 without its text).
//
// Rules common to all backends (validation, ids, FK checks, uniques where the
// backend has no native ones, cascades where it has no native ones, views) live
// in the document service (service/document_service.h), not here. Documents cross this
// interface in the canonical value form of core/value_format.h, keyed by schema field
// names, `id` included.
//
// Thread-safety: a driver is used by every request thread at once; each method is safe
// to call concurrently. A WriteTxn belongs to the one thread running its write().
#pragma once

#include "core/list_query.h"
#include "core/schema.h"
#include "core/schema_record.h"
#include "storage/pool_stats.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace events {

using Document = boost::json::object;

struct Capabilities {
    bool native_uniques = false;    // the backend enforces `unique` itself (atomic with the write)
    bool native_cascades = false;   // the backend applies cascade_delete itself (FK ON DELETE)
    bool native_foreign_keys = false; // the backend rejects a write whose FK target is missing
    // StorageDriver::convert_field() carries out type changes (docs/DECISIONS.md §5.4);
    // false: it throws NotSupported saying why.
    bool converts_field_types = false;
};

// A write broke a unique constraint. `fields` are the constraint's fields in the
// order the schema declares them; {"id"} when the primary key collided.
struct UniqueViolation : std::runtime_error {
    const Entity* entity;
    std::vector<std::string> fields;
    UniqueViolation(const Entity* e, std::vector<std::string> f)
        : std::runtime_error("unique violation"), entity(e), fields(std::move(f)) {}
};

// A write referenced a missing parent, or a RESTRICT delete found children.
struct ForeignKeyViolation : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The backend cannot be reached (after the driver's own retry). Answered with 503.
struct StorageUnavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A value this backend cannot store although the schema allows it (an id longer than
// the backend's key limit). `field` names the schema field; `message` is the client's
// explanation, free of engine text. Answered with 422 naming `field`.
struct InvalidValue : std::runtime_error {
    std::string field;
    InvalidValue(std::string f, const std::string& message) : std::runtime_error(message), field(std::move(f)) {}
};

// A write kept losing a race with concurrent writes of the same document and gave up
// after the driver's own retries. Nothing was changed. Answered with 409; the client
// may retry.
struct WriteConflict : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The backend cannot carry out this operation; the message says why, for people
// (`events migrate` prints it). Nothing was changed.
struct NotSupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Start-up reconciliation refused to go on (e.g. data violates a new unique constraint).
struct ReconcileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ListPage {
    std::vector<Document> docs;
    int64_t total = 0;   // count of all matches (ignores offset/limit); -1 when !with_total
};

// A list page already printed as JSON: `docs` is a JSON array of the documents,
// each exactly as to_json_text() prints the Document list() returns for it.
struct ListPageJson {
    std::string docs = "[]";
    size_t count = 0;
    int64_t total = 0;   // as ListPage::total
};

// How StorageDriver::convert_field() rewrites the values of one field.
struct FieldConversion {
    FieldType from = FieldType::String;   // the field's recorded type: how its stored values read
    // A stored value (canonical form of `from`, never null) -> its value in the field's new
    // type. Every value was checked to convert before (service/field_conversion.h).
    std::function<boost::json::value(const boost::json::value&)> convert;
    int64_t batch = 500;                  // documents read and written at a time
    // Called after each batch: documents converted so far, of `total` (-1 when unknown).
    std::function<void(int64_t done, int64_t total)> progress;
};

struct DriverOptions {
    std::string uri;            // SQLite: file path; PostgreSQL: postgresql://user:pass@host:port
    std::string db_name;
    bool case_sensitive = false;
    bool cascade_delete = true;
    int pool_size = 8;          // read connections (SQLite) / pool size (PostgreSQL, Elasticsearch)
    // Elasticsearch: writes wait for the refresh that makes them searchable (docs/API.md "Reads",
    // config `elasticsearch_strict_consistency`); other backends are always consistent.
    bool strict_consistency = true;
};

// What one write request asks of the driver beyond its documents, passed by value to
// StorageDriver::write() (as LevelDB passes WriteOptions to DB::Write).
struct WriteOptions {
    // The request's `no_consistency=true` (docs/API.md, query parameters): the client does
    // not need to read its write back at once, so a backend whose writes become searchable
    // later (Elasticsearch) need not wait for that. Ignored by always-consistent backends.
    bool no_consistency = false;
};


// Operations inside one atomic write. Obtained only through StorageDriver::write().
class WriteTxn {
public:
    virtual ~WriteTxn() = default;
    // The stored document, read inside the write: what a read-merge-write (PATCH) merges
    // onto. The driver guarantees that an update() of this document in the same write
    // does not overwrite a concurrent write that landed after this read: by holding the
    // write lock or a row lock (SQL), or by checking the version it read and re-applying
    // the changes onto a newer one (Elasticsearch).
    virtual std::optional<Document> get(const Entity& e, std::string_view id) = 0;
    // From now on in this write, an update() of a document get() read writes onto the
    // version read or not at all (throwing WriteConflict): a driver that re-applies the
    // changes onto a newer version instead (Elasticsearch) stops doing so. A write with a
    // precondition on the version (If-Match, docs/DECISIONS.md §4.2) asks for it. The
    // default does nothing: a driver whose get() locks or compare-and-sets already complies.
    virtual void keep_versions_read() {}
    virtual bool exists(const Entity& e, std::string_view id) = 0;
    // Throws UniqueViolation (fields {"id"} for an existing id) / ForeignKeyViolation.
    virtual void insert(const Entity& e, const Document& doc) = 0;
    // Inserts many documents of `e` (bulk loads). Fails like insert(), but without
    // telling which document failed. The default inserts them one by one.
    virtual void insert_many(const Entity& e, const std::vector<Document>& docs) {
        for (const Document& doc : docs) insert(e, doc);
    }
    // Full replacement of the stored document with doc["id"]; false when absent.
    virtual bool update(const Entity& e, const Document& doc) = 0;
    // Deletes one document. With native cascades the backend also applies the
    // ON DELETE actions; a RESTRICT hit throws ForeignKeyViolation. False when absent.
    virtual bool remove(const Entity& e, std::string_view id) = 0;
    // Ids of documents of `e` whose `field` equals `value` (for synthetic cascades
    // and for the cascade_delete=false message).
    virtual std::vector<std::string> ids_where(const Entity& e, const Field& field, std::string_view value,
                                               int64_t limit) = 0;
    virtual int64_t count_where(const Entity& e, const Field& field, std::string_view value) = 0;
    // Sets `field` to null on every document of `e` where it equals `value`.
    virtual void clear_where(const Entity& e, const Field& field, std::string_view value) = 0;
};

class StorageDriver {
public:
    virtual ~StorageDriver() = default;

    virtual std::string_view backend_name() const = 0;   // "sqlite", "postgresql", ...
    virtual Capabilities capabilities() const = 0;
    // Whether the backend applies cascade_delete itself to this one FK field. Normally
    // capabilities().native_cascades; a backend that cannot declare some cascades (SQL
    // Server: a second cascade path to a table, error 1785) answers false for those, and
    // the document service cascades them in the write transaction.
    virtual bool cascades_natively(const Field& fk) const {
        (void)fk;
        return capabilities().native_cascades;
    }

    // Start-up: connect, create what is missing, reconcile unique/declared indexes
    // with the schema (docs/DECISIONS.md §2.14). Throws ReconcileError / StorageUnavailable.
    virtual void open() = 0;
    // Connects and creates, reconciles and records nothing (docs/DECISIONS.md §5.1: start-up
    // reads what the database holds before deciding to change it; `events export` writes
    // nothing). Reads work afterwards on what exists; open() may follow to finish a
    // start-up. A database that does not exist yet is not created (an embedded file) or
    // is left empty. Throws StorageUnavailable.
    virtual void open_read_only() = 0;
    // What the database holds (core/schema_record.h): the schema record in the driver's
    // meta store, which of this schema's entities have storage, and other user data.
    // Reads only. After open_read_only() or open(). Throws StorageUnavailable.
    virtual StoredSchemaState stored_schema_state() = 0;
    // Replaces the schema record with `record` (docs/DECISIONS.md §5.1), creating the meta
    // store when missing. After open(). Throws StorageUnavailable.
    virtual void record_schema(const SchemaRecord& record) = 0;
    // Carries the stored values of field `from` of `e` over to `e`'s field `to` (a
    // `renamed_from` in the schema, docs/DECISIONS.md §5.3), in every document. Runs after
    // open_read_only() and before open(), whose reconciliation then builds what the
    // backend derives from the field (comparison forms, indexes). Idempotent: when no
    // stored value goes by `from` any more it does nothing, so a rename cut short is
    // finished by the next run. Throws StorageUnavailable.
    virtual void rename_field(const Entity& e, const std::string& from, const std::string& to) = 0;
    // Carries the documents of entity `recorded` (as the recorded schema describes it) over
    // to `renamed`, its new name (`renamed_from` on an entity, docs/DECISIONS.md §5.3),
    // keeping every id. A field of `renamed` whose `renamed_from` names a field of
    // `recorded` takes its values. Runs after open_read_only() and before any
    // rename_field(); open() then rebuilds what the backend derives (indexes, forms). The
    // default copies the documents through list() and write() (so every shadow field and
    // unique claim is made anew), `batch` at a time, skipping ids already copied, then
    // drops the old storage (drop_entity()): a copy cut short is finished by the next
    // run. SQL renames the table in one transaction (its foreign keys follow). Throws
    // StorageUnavailable.
    virtual void rename_entity(const Entity& recorded, const Entity& renamed, int64_t batch = 500);
    // Converts the stored values of `field` of `e` (both of the schema being migrated to;
    // `field` has its new type) from `conversion.from`, in every document, and changes
    // what the backend keeps of the field's type (a SQL column's type). Runs after
    // open_read_only() (and any rename_field()) and before open(), whose reconciliation
    // then rebuilds what the backend derives from the field (comparison forms, indexes,
    // substring indexes). Atomic where the backend has transactions (SQL: one
    // transaction); elsewhere resumable: the progress is kept in the meta store after
    // each batch, and a run cut short continues after the last batch done.
    // (docs/DECISIONS.md §5.4, §5.5). Throws NotSupported (the default: the backend
    // cannot change a field's type, capabilities().converts_field_types is false) and
    // StorageUnavailable.
    virtual void convert_field(const Entity& e, const Field& field, const FieldConversion& conversion);
    // Removes field `field`, which `e` no longer has, from every stored document of `e`
    // (`events migrate --apply --drop Entity.field`, docs/DECISIONS.md §5.4): SQL drops the
    // column with its comparison-form column, MongoDB unsets it with its shadow fields,
    // Elasticsearch rewrites the documents without it (an index cannot unmap a field: the
    // mapping keeps it, unused). After open_read_only(), before open(). Idempotent. Throws
    // NotSupported (the default) and StorageUnavailable.
    virtual void drop_field(const Entity& e, const std::string& field);
    // Removes the table / collection / index of entity `name`, no longer in the schema,
    // with every document in it (`--drop Entity`). After open_read_only(), before open().
    // Idempotent. Throws NotSupported (the default) and StorageUnavailable.
    virtual void drop_entity(const std::string& name);
    // Writes a consistent copy of the whole database to the file `path` while the database
    // stays in use (`events backup`, docs/OPERATIONS.md "Backups"); returns the pages (or
    // units) copied. After open_read_only(). The default throws std::runtime_error: a
    // database server has its own tools, named in that section.
    virtual int64_t backup_to(const std::string& path);
    // Flushes and closes every connection (graceful shutdown).
    virtual void close() = 0;

    // Documents come back in response form: `id` first, then the entity's fields in
    // schema order.
    virtual std::optional<Document> get(const Entity& e, std::string_view id) = 0;
    // Documents with these ids (any order; missing ids are simply absent).
    virtual std::vector<Document> get_many(const Entity& e, const std::vector<std::string>& ids) = 0;
    virtual ListPage list(const Entity& e, const ListQuery& q) = 0;
    // get() and list() answered as JSON text, for reads that pass the stored documents
    // on unchanged. The defaults print what get()/list() return; a driver can print
    // its rows directly instead of building Documents first.
    virtual std::optional<std::string> get_json(const Entity& e, std::string_view id);
    virtual ListPageJson list_json(const Entity& e, const ListQuery& q);

    // Runs `work` atomically: all its operations commit together or not at all (on a
    // backend without transactions: in order, created documents undone on failure).
    // Exceptions thrown by `work` roll back and propagate to the caller; the driver adds
    // UniqueViolation, ForeignKeyViolation, InvalidValue, WriteConflict and
    // StorageUnavailable.
    virtual void write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) = 0;

    // One insert that is a whole write on its own (a POST on a backend that checks foreign
    // keys and uniques itself): as atomic as write() with only that insert, without a
    // transaction block where the backend can spare one (PostgreSQL: one round trip
    // instead of BEGIN, INSERT, COMMIT). Throws as WriteTxn::insert(), and
    // StorageUnavailable when the backend is lost while it runs.
    virtual void insert_alone(const WriteOptions& options, const Entity& e, const Document& doc) {
        write(options, [&](WriteTxn& t) { t.insert(e, doc); });
    }

    // Bulk loads (`events import`, app/transfer.h): begin_bulk_load() runs before the
    // first write of the load and end_bulk_load() after the last, also when the load
    // failed. In between, a backend may drop what is cheaper to build once than to keep
    // up document by document, and builds it again in end_bulk_load() (PostgreSQL: the
    // trigram substring indexes, pg_driver.h). Results stay exact in between, only
    // slower; a load that never ended is repaired by the next start-up reconciliation.
    // Both throw StorageUnavailable like write(). The defaults do nothing.
    virtual void begin_bulk_load() {}
    virtual void end_bulk_load() {}

    // Drops and recreates only this schema's tables/collections/indices.
    virtual void wipe() = 0;
    // Per-entity document counts.
    virtual boost::json::object entity_counts() = 0;
    // Driver-specific details for /api/db/report (tables, indexes, ...). No secrets.
    virtual boost::json::object report_details() = 0;
    // True when the backend answers right now (used by /api/health).
    virtual bool ping() = 0;
    // The connection pool's counts right now, for /metrics; exact (read under the pool's
    // own lock or from atomics) and never blocking on a request. nullopt (the default)
    // when the driver keeps no pool it can count; no sample is exported then.
    virtual std::optional<PoolStats> pool_stats() const { return std::nullopt; }
};

// Creates the driver named by `backend`: a name or alias of storage/backends.h, any
// capitalisation. Throws std::invalid_argument for a name that table does not hold.
std::unique_ptr<StorageDriver> make_driver(std::string_view backend, const Schema& schema,
                                           const DriverOptions& options);

}  // namespace events
