#include "storage/mongodb/mongo_write_txn.h"

#include "storage/mongodb/mongo_codec.h"
#include "storage/mongodb/mongo_document_lock.h"
#include "storage/mongodb/mongo_driver.h"
#include "storage/mongodb/mongo_layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace events {

using mongo::Bson;

namespace {

void append_id(bson_t* filter, std::string_view id) {
    bson_append_utf8(filter, "_id", 3, id.data(), static_cast<int>(id.size()));
}

// {field: value} for an FK (ObjectId: plain string equality).
void append_equals(bson_t* filter, const Field& field, std::string_view value) {
    bson_append_utf8(filter, field.name.c_str(), -1, value.data(), static_cast<int>(value.size()));
}

// A fresh revision for a document being written (mongo_layout.h `_rv`).
void append_new_revision(bson_t* stored) {
    thread_local std::mt19937_64 rng(std::random_device{}());
    bson_append_int64(stored, mongo::kRevisionField, -1, static_cast<int64_t>(rng()));
}

int64_t reply_count(const bson_t* reply, const char* key) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, reply, key) && BSON_ITER_HOLDS_NUMBER(&it)) return bson_iter_as_int64(&it);
    return 0;
}

}  // namespace

void MongoWriteTxn::append_session(bson_t* opts) const {
    if (!session_) return;
    bson_error_t err;
    if (!mongoc_client_session_append(session_, opts, &err)) mongo::raise(err, "session");
}

void MongoWriteTxn::raise_write(const bson_error_t& err, const Entity& e, const Document* doc, bool is_insert,
                                const std::string& what) const {
    if (mongo::is_unreachable(err)) mongo::raise(err, what);
    if (doc) {
        // Code 11000 everywhere but FerretDB's updates (an internal error there): the
        // colliding constraint is found by probing the keys outside the session, which
        // also names it where the server's message does not. A collision with a write of
        // this same transaction is invisible to the probe: then the message's index name.
        auto fields = driver_.colliding_constraint(client_, nullptr, e, *doc, is_insert);
        if (!fields.empty()) throw UniqueViolation(&e, std::move(fields));
        if (mongo::is_duplicate_key(err)) {
            const std::string message = err.message;
            for (const auto& constraint : e.uniques) {
                const std::string index = std::string(mongo::kIndexPrefix) + mongo::unique_field(constraint).substr(1);
                if (message.find(index + " ") != std::string::npos || message.find(index + "\"") != std::string::npos ||
                    (message.size() >= index.size() && message.compare(message.size() - index.size(), index.size(), index) == 0)) {
                    std::vector<std::string> names;
                    for (const Field* f : constraint) names.push_back(f->name);
                    throw UniqueViolation(&e, std::move(names));
                }
            }
            if (message.find("_id_") != std::string::npos || message.find("_id:") != std::string::npos ||
                message.find("{ _id") != std::string::npos)
                throw UniqueViolation(&e, {"id"});
            throw UniqueViolation(&e, is_insert ? std::vector<std::string>{"id"} : std::vector<std::string>{});
        }
    }
    mongo::raise(err, what);
}

std::optional<Document> MongoWriteTxn::get(const Entity& e, std::string_view id) {
    auto coll = driver_.collection(client_, e);
    Bson filter, opts;
    append_id(filter, id);
    bson_append_int64(opts, "limit", -1, 1);
    append_session(opts);
    mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
    const bson_t* stored = nullptr;
    std::optional<Document> out;
    std::optional<int64_t> revision;
    if (mongoc_cursor_next(cursor.get(), &stored)) {
        out = mongo::decode(e, stored);
        bson_iter_t it;
        if (bson_iter_init_find(&it, stored, mongo::kRevisionField) && BSON_ITER_HOLDS_INT64(&it))
            revision = bson_iter_int64(&it);
    }
    bson_error_t err;
    if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
    // What update() compares against: the version this write merges onto.
    if (out) read_revisions_[{&e, std::string(id)}] = revision;
    return out;
}

std::optional<std::optional<int64_t>> MongoWriteTxn::revision_of(const Entity& e, std::string_view id) {
    auto coll = driver_.collection(client_, e);
    Bson filter, opts;
    append_id(filter, id);
    bson_t projection;
    bson_append_document_begin(opts, "projection", -1, &projection);
    bson_append_int32(&projection, mongo::kRevisionField, -1, 1);
    bson_append_document_end(opts, &projection);
    bson_append_int64(opts, "limit", -1, 1);
    append_session(opts);
    mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
    const bson_t* d = nullptr;
    std::optional<std::optional<int64_t>> out;
    if (mongoc_cursor_next(cursor.get(), &d)) {
        bson_iter_t it;
        out.emplace();
        if (bson_iter_init_find(&it, d, mongo::kRevisionField) && BSON_ITER_HOLDS_INT64(&it)) *out = bson_iter_int64(&it);
    }
    bson_error_t err;
    if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
    return out;
}

bool MongoWriteTxn::exists(const Entity& e, std::string_view id) {
    // A find of the id alone, not count_documents: FerretDB runs the count's aggregation
    // over the whole collection, the find through its filter pushdown.
    auto coll = driver_.collection(client_, e);
    Bson filter, opts;
    append_id(filter, id);
    bson_t projection;
    bson_append_document_begin(opts, "projection", -1, &projection);
    bson_append_int32(&projection, "_id", -1, 1);
    bson_append_document_end(opts, &projection);
    bson_append_int64(opts, "limit", -1, 1);
    append_session(opts);
    mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
    const bson_t* d = nullptr;
    const bool found = mongoc_cursor_next(cursor.get(), &d);
    bson_error_t err;
    if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
    return found;
}

void MongoWriteTxn::insert(const Entity& e, const Document& doc) {
    auto coll = driver_.collection(client_, e);
    Bson stored, opts, reply;
    mongo::encode(e, doc, driver_.codec(), stored);
    append_new_revision(stored);
    append_session(opts);
    bson_error_t err;
    if (!mongoc_collection_insert_one(coll.get(), stored, opts, reply, &err))
        raise_write(err, e, &doc, /*is_insert=*/true, "insert into " + e.name);
    changed_ = true;
}

void MongoWriteTxn::insert_many(const Entity& e, const std::vector<Document>& docs) {
    if (docs.empty()) return;
    auto coll = driver_.collection(client_, e);
    std::vector<std::unique_ptr<Bson>> stored;
    std::vector<const bson_t*> ptrs;
    stored.reserve(docs.size());
    for (const Document& d : docs) {
        stored.push_back(std::make_unique<Bson>());
        mongo::encode(e, d, driver_.codec(), *stored.back());
        ptrs.push_back(stored.back()->get());
    }
    Bson opts, reply;
    append_session(opts);
    bson_error_t err;
    if (!mongoc_collection_insert_many(coll.get(), ptrs.data(), ptrs.size(), opts, reply, &err)) {
        if (!session_) {
            // Without a transaction an ordered insert keeps the documents before the one
            // that failed: take them out again, so the batch fails as a whole (the
            // caller then inserts one by one to name the failing document).
            const int64_t inserted = std::min<int64_t>(reply_count(reply, "insertedCount"), docs.size());
            for (int64_t i = 0; i < inserted; ++i) {
                const boost::json::value* id = docs[i].if_contains("id");
                if (id && id->is_string()) remove(e, id->get_string());
            }
        }
        if (mongo::is_duplicate_key(err)) throw UniqueViolation(&e, {});
        raise_write(err, e, nullptr, true, "insert into " + e.name);
    }
    changed_ = true;
}

bool MongoWriteTxn::update(const Entity& e, const Document& doc) {
    auto coll = driver_.collection(client_, e);
    Bson filter, stored, opts, reply;
    const boost::json::value* id = doc.if_contains("id");
    const std::string_view id_text = id && id->is_string() ? std::string_view(id->get_string()) : std::string_view();
    append_id(filter, id_text);
    // Compare-and-set: a document this write read is replaced only while it is still the
    // version read (docs/DECISIONS.md §4.1); without a transaction nothing else would keep
    // a concurrent write from being overwritten.
    const bool was_read = append_revision_read(filter, e, id_text);
    std::optional<mongo::DocumentLock> lock;
    if (driver_.updates_need_lock()) {
        lock.emplace(client_, driver_.db_name(), e, id_text);
        // Under the lock the revision is checked, and stays, until the replace is done.
        if (was_read && !revision_still_read(e, id_text)) return false;
    }
    mongo::encode(e, doc, driver_.codec(), stored);
    append_new_revision(stored);
    append_session(opts);
    bson_error_t err;
    // A replacement, not $set: jongodb checks unique indexes on replacements only.
    if (!mongoc_collection_replace_one(coll.get(), filter, stored, opts, reply, &err)) {
        // In a transaction a concurrent write of the document aborts this one: run it again.
        if (session_ && mongoc_error_has_label(reply, "TransientTransactionError")) throw LostRace{};
        raise_write(err, e, &doc, /*is_insert=*/false, "update " + e.name);
    }
    if (reply_count(reply, "matchedCount") > 0) {
        changed_ = true;
        return true;
    }
    if (!was_read || !exists(e, id_text)) return false;
    // Another write landed since the read: the work runs again on the newer version, unless
    // it already stored something a second run would store twice.
    if (session_ || !changed_) throw LostRace{};
    throw WriteConflict(fmt::format("{} {} was modified by another request during this write; retry", e.name, id_text));
}

bool MongoWriteTxn::append_revision_read(bson_t* filter, const Entity& e, std::string_view id) const {
    const auto read = read_revisions_.find(std::pair<const Entity*, std::string>(&e, std::string(id)));
    if (read == read_revisions_.end()) return false;
    if (read->second) {
        bson_append_int64(filter, mongo::kRevisionField, -1, *read->second);
    } else {
        bson_t absent;
        bson_append_document_begin(filter, mongo::kRevisionField, -1, &absent);
        bson_append_bool(&absent, "$exists", -1, false);
        bson_append_document_end(filter, &absent);
    }
    return true;
}

bool MongoWriteTxn::revision_still_read(const Entity& e, std::string_view id) {
    const auto current = revision_of(e, id);
    if (!current) return false;
    if (*current == read_revisions_.at(std::pair<const Entity*, std::string>(&e, std::string(id)))) return true;
    if (!changed_) throw LostRace{};
    throw WriteConflict(fmt::format("{} {} was modified by another request during this write; retry", e.name, id));
}

bool MongoWriteTxn::remove(const Entity& e, std::string_view id) {
    auto coll = driver_.collection(client_, e);
    Bson filter, opts, reply;
    append_id(filter, id);
    // With keep_versions_read(), only the version read is deleted (If-Match).
    const bool exact = exact_removes_ && append_revision_read(filter, e, id);
    std::optional<mongo::DocumentLock> lock;
    if (exact && driver_.updates_need_lock()) {
        lock.emplace(client_, driver_.db_name(), e, id);
        if (!revision_still_read(e, id)) return false;
    }
    append_session(opts);
    bson_error_t err;
    if (!mongoc_collection_delete_one(coll.get(), filter, opts, reply, &err)) mongo::raise(err, "delete from " + e.name);
    const bool deleted = reply_count(reply, "deletedCount") > 0;
    changed_ = changed_ || deleted;
    if (!deleted && exact && exists(e, id)) {
        if (session_ || !changed_) throw LostRace{};
        throw WriteConflict(fmt::format("{} {} was modified by another request during this write; retry", e.name, id));
    }
    return deleted;
}

std::vector<std::string> MongoWriteTxn::ids_where(const Entity& e, const Field& field, std::string_view value,
                                                  int64_t limit) {
    auto coll = driver_.collection(client_, e);
    Bson filter, opts;
    append_equals(filter, field, value);
    bson_t projection;
    bson_append_document_begin(opts, "projection", -1, &projection);
    bson_append_int32(&projection, "_id", -1, 1);
    bson_append_document_end(opts, &projection);
    bson_t sort;
    bson_append_document_begin(opts, "sort", -1, &sort);
    bson_append_int32(&sort, "_id", -1, 1);
    bson_append_document_end(opts, &sort);
    if (limit > 0 && limit < INT64_MAX) bson_append_int64(opts, "limit", -1, limit);
    append_session(opts);
    mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
    std::vector<std::string> ids;
    const bson_t* d = nullptr;
    while (mongoc_cursor_next(cursor.get(), &d)) {
        bson_iter_t it;
        if (bson_iter_init_find(&it, d, "_id") && BSON_ITER_HOLDS_UTF8(&it)) ids.emplace_back(bson_iter_utf8(&it, nullptr));
    }
    bson_error_t err;
    if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
    return ids;
}

int64_t MongoWriteTxn::count_where(const Entity& e, const Field& field, std::string_view value) {
    auto coll = driver_.collection(client_, e);
    Bson filter, opts, reply;
    append_equals(filter, field, value);
    append_session(opts);
    bson_error_t err;
    const int64_t n = mongoc_collection_count_documents(coll.get(), filter, opts, nullptr, reply, &err);
    if (n < 0) mongo::raise(err, "count " + e.name);
    return n;
}

void MongoWriteTxn::clear_where(const Entity& e, const Field& field, std::string_view value) {
    auto coll = driver_.collection(client_, e);
    Bson filter, update, opts, reply;
    append_equals(filter, field, value);
    bson_t set;
    bson_append_document_begin(update, "$set", -1, &set);
    bson_append_null(&set, field.name.c_str(), -1);
    bson_append_bool(&set, mongo::null_field(field).c_str(), -1, true);
    if (mongo::has_form_field(field)) bson_append_null(&set, mongo::form_field(field).c_str(), -1);
    append_new_revision(&set);   // a merge onto the version before must not put the value back
    bson_append_document_end(update, &set);
    // A constraint with a null field no longer takes part: its key goes.
    bool any = false;
    bson_t unset;
    for (const auto& constraint : e.uniques)
        for (const Field* f : constraint)
            if (f == &field) {
                if (!any) bson_append_document_begin(update, "$unset", -1, &unset);
                any = true;
                bson_append_utf8(&unset, mongo::unique_field(constraint).c_str(), -1, "", 0);
            }
    if (any) bson_append_document_end(update, &unset);
    append_session(opts);
    bson_error_t err;
    if (!mongoc_collection_update_many(coll.get(), filter, update, opts, reply, &err))
        mongo::raise(err, "update " + e.name);
    changed_ = changed_ || reply_count(reply, "modifiedCount") > 0;
}

}  // namespace events
