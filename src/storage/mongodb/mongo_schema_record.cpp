// MongoDriver's schema record (docs/DECISIONS.md §5.1, core/schema_record.h): one
// document of the collection "_events_meta", whose name no entity can take (entity
// names start with a letter).
#include "storage/mongodb/mongo_driver.h"

#include "storage/mongodb/mongo_handles.h"

#include <mongoc/mongoc.h>

#include <memory>
#include <vector>

namespace events {

namespace {

constexpr const char* kMetaCollection = "_events_meta";
constexpr const char* kRecordId = "schema";

std::string utf8_of(const bson_t* doc, const char* key) {
    bson_iter_t it;
    if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_UTF8(&it)) return bson_iter_utf8(&it, nullptr);
    return {};
}

void append(bson_t* b, const char* key, const std::string& value) {
    bson_append_utf8(b, key, -1, value.c_str(), static_cast<int>(value.size()));
}

}  // namespace

StoredSchemaState MongoDriver::stored_schema_state() {
    StoredSchemaState state;
    mongo::PooledClient client(pool(), pool_counts_);
    bson_error_t err;
    mongoc_database_t* db = mongoc_client_get_database(client.get(), options_.db_name.c_str());
    char** names = mongoc_database_get_collection_names_with_opts(db, nullptr, &err);
    mongoc_database_destroy(db);
    if (names) {
        for (char** n = names; *n; ++n) {
            const std::string name = *n;
            // Internal collections start with '_' (ours) or "system." (the server's).
            if (name.empty() || name[0] == '_' || name.rfind("system.", 0) == 0) continue;
            if (const Entity* e = schema_.find(name); e && e->name == name) state.present.push_back(name);
            else state.others.push_back(name);
        }
        bson_strfreev(names);
    } else if (mongo::is_unreachable(err)) {
        mongo::raise(err, "list collections");
    } else {
        // A server without listCollections (jongodb 0.1.6): an entity counts as present
        // when its collection holds a document; other collections cannot be seen.
        for (const auto& e : schema_.entities())
            if (count_all(client.get(), *e) > 0) state.present.push_back(e->name);
    }

    mongo::Collection meta(mongoc_client_get_collection(client.get(), options_.db_name.c_str(), kMetaCollection));
    mongo::Bson filter;
    append(filter, "_id", kRecordId);
    mongo::Cursor cursor(mongoc_collection_find_with_opts(meta.get(), filter, nullptr, nullptr));
    const bson_t* d;
    if (mongoc_cursor_next(cursor.get(), &d)) {
        SchemaRecord r;
        r.fingerprint = utf8_of(d, "fingerprint");
        r.source = utf8_of(d, "source");
        r.text = utf8_of(d, "text");
        r.recorded_at = utf8_of(d, "recorded_at");
        r.kept = utf8_of(d, "kept");
        if (!r.fingerprint.empty()) state.record = std::move(r);
    }
    if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + std::string(kMetaCollection));
    return state;
}

void MongoDriver::record_schema(const SchemaRecord& record) {
    mongo::PooledClient client(pool(), pool_counts_);
    mongo::Collection meta(mongoc_client_get_collection(client.get(), options_.db_name.c_str(), kMetaCollection));
    mongo::Bson filter, doc, opts, reply;
    append(filter, "_id", kRecordId);
    append(doc, "_id", kRecordId);
    append(doc, "fingerprint", record.fingerprint);
    append(doc, "source", record.source);
    append(doc, "text", record.text);
    append(doc, "recorded_at", record.recorded_at);
    append(doc, "kept", record.kept);
    bson_append_bool(opts, "upsert", -1, true);
    bson_error_t err;
    if (!mongoc_collection_replace_one(meta.get(), filter, doc, opts, reply, &err))
        mongo::raise(err, "write " + std::string(kMetaCollection));
}

void MongoDriver::rename_field(const Entity& e, const std::string& from, const std::string& to) {
    // Document by document with $set and $unset: jongodb has no $rename.
    mongo::PooledClient client(pool(), pool_counts_);
    auto coll = collection(client.get(), e);
    mongo::Bson filter;
    bson_t cond;
    bson_append_document_begin(filter, from.c_str(), -1, &cond);
    bson_append_bool(&cond, "$exists", -1, true);
    bson_append_document_end(filter, &cond);
    bson_error_t err;
    std::vector<std::unique_ptr<mongo::Bson>> docs;
    {
        mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, nullptr, nullptr));
        const bson_t* d;
        while (mongoc_cursor_next(cursor.get(), &d)) docs.push_back(std::make_unique<mongo::Bson>(d));
        if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
    }
    for (const auto& doc : docs) {
        bson_iter_t id, value;
        if (!bson_iter_init_find(&id, *doc, "_id") || !bson_iter_init_find(&value, *doc, from.c_str())) continue;
        mongo::Bson by_id, update, reply;
        bson_append_iter(by_id, "_id", -1, &id);
        bson_t set, unset;
        bson_append_document_begin(update, "$set", -1, &set);
        bson_append_iter(&set, to.c_str(), -1, &value);
        bson_append_document_end(update, &set);
        bson_append_document_begin(update, "$unset", -1, &unset);
        append(&unset, from.c_str(), "");
        bson_append_document_end(update, &unset);
        if (!mongoc_collection_update_one(coll.get(), by_id, update, nullptr, reply, &err))
            mongo::raise(err, "rename " + e.name + "." + from);
    }
}

}  // namespace events
