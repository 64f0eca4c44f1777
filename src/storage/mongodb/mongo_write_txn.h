// The WriteTxn of the MongoDB driver: every operation on one pooled client, inside the
// client session's multi-document transaction when the server has transactions (then
// all of a work commits or none), as single-document atomic steps otherwise.
#pragma once

#include "storage/driver.h"
#include "storage/mongodb/mongo_handles.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace events {

class MongoDriver;

// Thrown by MongoWriteTxn::update() when the document changed since this write read it
// and the work can be run again from the start (nothing of it is stored yet, or it runs
// in a transaction that is aborted): MongoDriver::write() catches it and runs the work
// again, which reads the newer version (docs/DECISIONS.md §4.1). Not an std::exception,
// so that nothing but write() handles it.
struct LostRace {};

class MongoWriteTxn : public WriteTxn {
public:
    // `session` may be null (no transaction).
    MongoWriteTxn(const MongoDriver& driver, mongoc_client_t* client, mongoc_client_session_t* session)
        : driver_(driver), client_(client), session_(session) {}

    std::optional<Document> get(const Entity& e, std::string_view id) override;
    bool exists(const Entity& e, std::string_view id) override;
    void insert(const Entity& e, const Document& doc) override;
    void insert_many(const Entity& e, const std::vector<Document>& docs) override;
    bool update(const Entity& e, const Document& doc) override;
    bool remove(const Entity& e, std::string_view id) override;
    // Updates compare-and-set always; this makes remove() of a document read do so too.
    void keep_versions_read() override { exact_removes_ = true; }
    std::vector<std::string> ids_where(const Entity& e, const Field& field, std::string_view value,
                                       int64_t limit) override;
    int64_t count_where(const Entity& e, const Field& field, std::string_view value) override;
    void clear_where(const Entity& e, const Field& field, std::string_view value) override;

private:
    // The stored revision of document `id` of `e` (mongo_layout.h `_rv`): nullopt when the
    // document is absent, an empty revision when it has none.
    std::optional<std::optional<int64_t>> revision_of(const Entity& e, std::string_view id);
    // Options of one operation: the session, when there is one.
    void append_session(bson_t* opts) const;
    // Throws UniqueViolation for a write refused over a unique key, else as mongo::raise.
    [[noreturn]] void raise_write(const bson_error_t& err, const Entity& e, const Document* doc, bool is_insert,
                                  const std::string& what) const;

    // The revision (mongo_layout.h `_rv`) of each document get() read, by entity and id;
    // nullopt when the stored document had none.
    std::map<std::pair<const Entity*, std::string>, std::optional<int64_t>, std::less<>> read_revisions_;
    // True once an operation of this write changed a document.
    bool changed_ = false;
    bool exact_removes_ = false;   // keep_versions_read()
    // Appends to `filter` the revision read of document `id` of `e`, when this write read
    // it; returns whether it did.
    bool append_revision_read(bson_t* filter, const Entity& e, std::string_view id) const;
    // Under the document's lock (FerretDB): throws LostRace (or WriteConflict once this
    // write changed something) when the stored revision is no longer the one read; false
    // when the document is gone.
    bool revision_still_read(const Entity& e, std::string_view id);

    const MongoDriver& driver_;
    mongoc_client_t* client_;
    mongoc_client_session_t* session_;
};

}  // namespace events
