// MongoDriver::drop_field() and drop_entity(): removed data dropped when named
// (`events migrate --apply --drop`, docs/DECISIONS.md §5.4). Apart from mongo_driver.cpp
// because they concern the schema's evolution, not the documents' reads and writes.
#include "storage/mongodb/mongo_driver.h"
#include "storage/mongodb/mongo_handles.h"
#include "storage/mongodb/mongo_layout.h"

#include <mongoc/mongoc.h>
#include <spdlog/spdlog.h>

namespace events {

void MongoDriver::drop_field(const Entity& e, const std::string& field) {
    Field dropped;   // its shadow fields are named after it (mongo_layout.h)
    dropped.name = field;
    mongo::PooledClient client(pool(), pool_counts_);
    auto coll = collection(client.get(), e);
    mongo::Bson all, update, reply;
    bson_t unset;
    bson_append_document_begin(update, "$unset", -1, &unset);
    for (const std::string& key : {field, mongo::form_field(dropped), mongo::null_field(dropped)})
        bson_append_utf8(&unset, key.c_str(), -1, "", 0);
    bson_append_document_end(update, &unset);
    bson_error_t err;
    if (!mongoc_collection_update_many(coll.get(), all, update, nullptr, reply, &err))
        mongo::raise(err, "drop " + e.name + "." + field);
    spdlog::info("mongodb: dropped {}.{} and its values", e.name, field);
}

void MongoDriver::drop_entity(const std::string& name) {
    Entity dropped;
    dropped.name = name;
    mongo::PooledClient client(pool(), pool_counts_);
    auto coll = collection(client.get(), dropped);
    bson_error_t err;
    if (!mongoc_collection_drop_with_opts(coll.get(), nullptr, &err) && err.code != 26 /* NamespaceNotFound */) {
        if (mongo::is_unreachable(err)) mongo::raise(err, "drop " + name);
        // jongodb has no `drop`: the collection is emptied instead (as wipe() does).
        mongo::Bson all, reply;
        if (!mongoc_collection_delete_many(coll.get(), all, nullptr, reply, &err)) mongo::raise(err, "drop " + name);
    }
    spdlog::info("mongodb: dropped the collection {} and its documents", name);
}

}  // namespace events
