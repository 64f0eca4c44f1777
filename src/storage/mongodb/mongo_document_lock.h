// A lock on one document, for servers whose filtered update is no compare-and-set.
//
// FerretDB 1.x runs an update in two steps: it queries the documents the filter matches,
// then writes each back by `_id` (its handler's UpdateDocument). A replace filtered on
// the revision read (mongo_layout.h `_rv`) can therefore overwrite a write that landed in
// between, and the merge of a PATCH would lose it (docs/DECISIONS.md §4.1). Its inserts
// are atomic, though (a unique `_id`): a lock is a document of the collection
// kLockCollection whose `_id` names the entity and the document, inserted before the
// update and deleted after it. Every update takes it there, so that a write without a
// read cannot land between a merge's check of the revision and its replace.
//
// A lock older than kStaleLockMs (its holder crashed or lost the server) is broken by the
// next writer that meets it.
#pragma once

#include "core/schema.h"
#include "storage/mongodb/mongo_handles.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace events::mongo {

inline constexpr const char* kLockCollection = "_events_locks";
inline constexpr int64_t kStaleLockMs = 10000;

class DocumentLock {
public:
    // Takes the lock of document `id` of `e` in database `db`, waiting (a few ms at a
    // time) while another writer holds it. Throws WriteConflict when it stays held for
    // longer than a write takes, StorageUnavailable / std::runtime_error as mongo::raise.
    DocumentLock(mongoc_client_t* client, const std::string& db, const Entity& e, std::string_view id);
    // Releases the lock; a failure is logged (the lock then goes stale and is broken).
    ~DocumentLock();
    DocumentLock(const DocumentLock&) = delete;
    DocumentLock& operator=(const DocumentLock&) = delete;

private:
    Collection locks_;
    std::string key_;
    int64_t taken_at_ms_ = 0;
};

}  // namespace events::mongo
