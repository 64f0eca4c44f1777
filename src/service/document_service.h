// The document service: every rule common to all backends, between the API layer
// and one storage driver. Ids, body validation, FK checks on write, uniques and
// cascades where the backend has no native ones, FK expansion (`view`) and read
// validation on the way out, and the mapping of driver failures to API errors.
//
// Thread-safe: one instance serves every request; all request state is passed in.
#pragma once

#include "core/list_query.h"
#include "core/notifications.h"
#include "core/schema.h"
#include "service/cascade_intents.h"
#include "storage/driver.h"

#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace events {

enum class ReadValidation { Off, Single, Multiple };   // config `validation` (docs/API.md "Reads")

struct ServiceOptions {
    ReadValidation validation = ReadValidation::Off;
    bool cascade_delete = true;
    // Called with the entity and the (normalised) id after a create, replace, patch or
    // delete of a document has committed, on the request's thread; documents a delete
    // cascaded to are not reported one by one (the callee can follow
    // Entity::referenced_by). Must not throw. Used to forget cached roles at once
    // (AuthService::document_written, docs/DECISIONS.md §6.5).
    std::function<void(const Entity&, std::string_view id)> after_write;
};

struct ListResult {
    std::vector<Document> docs;
    int64_t total = 0;
};

class DocumentService {
public:
    // `intents`, when given (it must outlive the service), records each cascade the
    // service runs on a backend without transactions or foreign keys before it starts,
    // so that one cut short is completed (docs/DECISIONS.md §4.3); without it a cut
    // cascade waits for a second DELETE.
    DocumentService(const Schema& schema, StorageDriver& driver, ServiceOptions options,
                    CascadeIntents* intents = nullptr);

    // All methods throw ApiError; warnings go to `notes`. Returned documents are in
    // response form: `id` first, then the fields in schema order, then expansions.
    // An `id` from the URL is trimmed and lower-cased (stored ids are lower case); one
    // holding U+0000 or bytes that are no UTF-8 is a 400 naming `id`, and a body id or
    // value holding U+0000 a 422 naming the field (docs/DECISIONS.md §2.24).
    // `etag`, when given, receives the stored document's entity tag (service/entity_tag.h).
    Document get(const Entity& e, std::string_view id, const RequestParams& p, Notifications& notes,
                 std::string* etag = nullptr);
    ListResult list(const Entity& e, const RequestParams& p, Notifications& notes);
    // get() and list() as JSON text printed by the driver, for reads that pass the
    // stored documents on unchanged (no `view`, no read validation, no id filter);
    // nullopt when the caller has to use get()/list() instead. Same errors as those.
    std::optional<std::string> get_json(const Entity& e, std::string_view id, const RequestParams& p);
    std::optional<ListPageJson> list_json(const Entity& e, const RequestParams& p);
    Document create(const Entity& e, const boost::json::value& body, const RequestParams& p, Notifications& notes);
    Document replace(const Entity& e, std::string_view id, const boost::json::value& body,
                     const RequestParams& p, Notifications& notes);
    Document patch(const Entity& e, std::string_view id, const boost::json::value& body,
                   const RequestParams& p, Notifications& notes);
    // replace(), patch() and remove() honour p.if_match against the version read inside
    // the write: a stale tag, or a missing document, throws ApiError 412
    // (docs/DECISIONS.md §4.2, RFC 9110 §13.1.1).
    // The deleted document, or nullopt when it did not exist (DELETE is idempotent).
    // A cascade the service runs without a transaction is recorded in `intents` first;
    // when it fails half-way (StorageUnavailable, WriteConflict) the record stays and
    // complete_abandoned_cascades() finishes what the client asked for (docs/DECISIONS.md
    // §4.3). StorageUnavailable when the record cannot be written: nothing is deleted.
    std::optional<Document> remove(const Entity& e, std::string_view id, const RequestParams& p,
                                   Notifications& notes);

    // Deletes every document of every entity (POST /api/db/init, docs/API.md "Routes"),
    // then reports each entity to ServiceOptions::after_write with an empty id. Throws
    // StorageUnavailable like the driver.
    void wipe();

    // Completes every cascade nobody runs (CascadeIntents::abandoned(): cut by a crash,
    // an outage or a process that died): deletes the children below the recorded
    // document by their foreign keys, depth first, then the document, then sweeps once
    // more, and removes the record. Idempotent: what is gone already is skipped. A record
    // naming an entity the schema no longer has is removed with a warning. Returns the
    // number of cascades completed; failures are logged and the record stays for the
    // next pass (docs/DECISIONS.md §4.3). Does nothing without `intents`.
    int complete_abandoned_cascades();
    // The cascades recorded as running or cut short, oldest first, for /api/db/report
    // (docs/API.md "Routes"); empty without `intents`. Throws StorageUnavailable.
    std::vector<CascadeIntent> cascades_in_progress();

    const Schema& schema() const { return schema_; }
    StorageDriver& driver() { return driver_; }

private:
    enum class WriteKind { Create, Replace, Patch };
    Document write(const Entity& e, std::string id, const boost::json::value& body, WriteKind kind,
                   const RequestParams& p, Notifications& notes);
    // Backends without foreign keys (docs/STORAGE.md "Foreign keys without transactions"):
    // after a write, looks up again each parent whose FK value the write set (not kept
    // from `previous`, the version replaced); when one is gone, undoes the reference
    // (removes a created document, puts the FK values back on an updated one) and throws
    // ApiError 422 naming each missing parent, as the check inside the write would.
    void recheck_parents(const Entity& e, const std::string& id, Document& written,
                         const std::optional<Document>& previous, const WriteOptions& write_options);
    // Deletes (required FK) or unlinks (optional FK) every document below `pid` of
    // `parent`, depth first: the cascade of a backend without ON DELETE actions.
    // `intent`, when not empty, is the cascade's record, kept alive between deletions.
    void cascade_below(WriteTxn& txn, const Entity& parent, const std::string& pid, const std::string& intent = {});
    // Whether a delete of `e` is a cascade the service runs without a transaction or
    // foreign keys to order it, so it needs an intent record.
    bool needs_intent(const Entity& e, bool service_cascades) const;
    // Whether stored documents are validated on the way out: GET by id (single) or lists.
    bool validates_reads(bool single) const;
    void expand(const Entity& e, std::vector<Document>& docs, const RequestParams& p, bool validate,
                Notifications& notes);

    const Schema& schema_;
    StorageDriver& driver_;
    ServiceOptions options_;
    CascadeIntents* intents_;
};

}  // namespace events
