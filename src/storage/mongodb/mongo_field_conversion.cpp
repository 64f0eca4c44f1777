// MongoDriver::convert_field(): a field's values rewritten in every document
// (docs/DECISIONS.md §5.4, §5.5). Apart from mongo_driver.cpp because it concerns the
// schema's evolution, not the documents' reads and writes.
//
// Without transactions to make it atomic (standalone MongoDB, FerretDB, jongodb), the
// conversion is resumable: documents are taken in _id order, a batch at a time, each
// read in the recorded type, converted (core/type_conversion.h, by the caller) and
// written back through write(), which keeps the shadow fields right; after each batch
// the last _id done is kept in "_events_meta" under "convert:<Entity>.<field>". A run
// cut short continues after it; the mark is removed when the field is done. A batch
// cut short before its mark is converted again: reading a converted value in the
// recorded type gives the value itself (the codec reads any BSON type), and converting
// it gives it back.
#include "storage/mongodb/mongo_codec.h"
#include "storage/mongodb/mongo_driver.h"
#include "storage/mongodb/mongo_handles.h"

#include <mongoc/mongoc.h>
#include <spdlog/spdlog.h>

namespace events {

namespace {

constexpr const char* kMetaCollection = "_events_meta";

void append_text(bson_t* b, const char* key, const std::string& value) {
    bson_append_utf8(b, key, -1, value.c_str(), static_cast<int>(value.size()));
}

}  // namespace

void MongoDriver::convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) {
    Entity recorded = e;   // how the stored values read
    for (Field& f : recorded.fields)
        if (f.name == field.name) f.type = conversion.from;
    const std::string mark = "convert:" + e.name + "." + field.name;

    mongo::PooledClient client(pool(), pool_counts_);
    mongo::Collection meta(mongoc_client_get_collection(client.get(), options_.db_name.c_str(), kMetaCollection));
    auto coll = collection(client.get(), e);
    bson_error_t err;

    std::string after;   // the last _id converted by a run cut short
    int64_t done = 0;
    {
        mongo::Bson filter;
        append_text(filter, "_id", mark);
        mongo::Cursor cursor(mongoc_collection_find_with_opts(meta.get(), filter, nullptr, nullptr));
        const bson_t* d;
        if (mongoc_cursor_next(cursor.get(), &d)) {
            bson_iter_t it;
            if (bson_iter_init_find(&it, d, "after") && BSON_ITER_HOLDS_UTF8(&it)) after = bson_iter_utf8(&it, nullptr);
            if (bson_iter_init_find(&it, d, "done") && BSON_ITER_HOLDS_INT64(&it)) done = bson_iter_int64(&it);
        }
        if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + std::string(kMetaCollection));
    }
    if (!after.empty()) spdlog::info("mongodb: resuming the conversion of {}.{} after {} document(s)", e.name, field.name, done);
    const int64_t total = count_all(client.get(), e);

    for (;;) {
        mongo::Bson filter, opts;
        if (!after.empty()) {
            bson_t cond;
            bson_append_document_begin(filter, "_id", -1, &cond);
            append_text(&cond, "$gt", after);
            bson_append_document_end(filter, &cond);
        }
        bson_t sort;
        bson_append_document_begin(opts, "sort", -1, &sort);
        bson_append_int32(&sort, "_id", -1, 1);
        bson_append_document_end(opts, &sort);
        bson_append_int64(opts, "limit", -1, conversion.batch);
        std::vector<Document> docs;
        {
            mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
            const bson_t* d;
            while (mongoc_cursor_next(cursor.get(), &d)) docs.push_back(mongo::decode(recorded, d));
            if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
        }
        if (docs.empty()) break;
        std::vector<Document*> changed;
        for (Document& d : docs) {
            boost::json::value& v = d[field.name];
            if (v.is_null()) continue;
            v = conversion.convert(v);
            changed.push_back(&d);
        }
        if (!changed.empty())
            write(WriteOptions{}, [&](WriteTxn& txn) {
                for (Document* d : changed) txn.update(e, *d);
            });
        after = std::string(docs.back().at("id").as_string());
        done += static_cast<int64_t>(docs.size());
        mongo::Bson by_id, doc, upsert, reply;
        append_text(by_id, "_id", mark);
        append_text(doc, "_id", mark);
        append_text(doc, "after", after);
        bson_append_int64(doc, "done", -1, done);
        bson_append_bool(upsert, "upsert", -1, true);
        if (!mongoc_collection_replace_one(meta.get(), by_id, doc, upsert, reply, &err))
            mongo::raise(err, "write " + std::string(kMetaCollection));
        if (conversion.progress) conversion.progress(done, total);
        if (static_cast<int64_t>(docs.size()) < conversion.batch) break;
    }
    mongo::Bson by_id, reply;
    append_text(by_id, "_id", mark);
    if (!mongoc_collection_delete_one(meta.get(), by_id, nullptr, reply, &err))
        mongo::raise(err, "write " + std::string(kMetaCollection));
    spdlog::info("mongodb: {}.{} converted from {} to {} in {} document(s)", e.name, field.name,
                 type_name(conversion.from), type_name(field.type), done);
}

}  // namespace events
