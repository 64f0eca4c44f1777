// Start-up reconciliation of the MongoDB driver (docs/MONGODB.md, docs/DECISIONS.md §2.14): the
// collections, the shadow fields of documents written under another layout (schema
// changes, databases of the Python framework) and the indexes.
#include "storage/mongodb/mongo_driver.h"
#include "storage/mongodb/mongo_layout.h"
#include "tools/json_text.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

namespace events {

using mongo::Bson;

namespace {

constexpr int kDuplicatesShown = 5;        // duplicate groups listed per refused constraint
constexpr int64_t kProgressEvery = 10000;  // back-fill progress is logged this often

struct IndexSpec {
    std::string name;
    std::vector<std::string> keys;
    bool unique = false;
};

std::string joined(const std::vector<const Field*>& fields, const char* sep) {
    std::string out;
    for (const Field* f : fields) out += (out.empty() ? "" : sep) + f->name;
    return out;
}

std::vector<IndexSpec> wanted_indexes(const Entity& e) {
    std::vector<IndexSpec> out;
    for (const auto& u : e.uniques)
        out.push_back({std::string(mongo::kIndexPrefix) + "uq_" + joined(u, "_"), {mongo::unique_field(u)}, true});
    for (const auto& ix : e.indexes) {
        IndexSpec spec{std::string(mongo::kIndexPrefix) + "ix_" + joined(ix, "_"), {}, false};
        for (const Field* f : ix) {
            if (!f->is_id()) spec.keys.push_back(mongo::null_field(*f));
            spec.keys.push_back(mongo::key_field(*f));
        }
        out.push_back(std::move(spec));
    }
    for (const Field* fk : e.foreign_keys)
        out.push_back({std::string(mongo::kIndexPrefix) + "fk_" + fk->name, {fk->name}, false});
    return out;
}

}  // namespace

void MongoDriver::reconcile(mongoc_client_t* client) {
    std::vector<std::string> problems;
    for (const Entity* e : schema_.parents_first()) reconcile_entity(client, *e, problems);
    if (!problems.empty()) {
        std::string text;
        for (const std::string& p : problems) text += (text.empty() ? "" : "\n") + p;
        throw ReconcileError(text);
    }
}

void MongoDriver::reconcile_entity(mongoc_client_t* client, const Entity& e, std::vector<std::string>& problems) {
    auto coll = collection(client, e);
    bson_error_t err;

    // 1. The collection (servers without `create`, like jongodb, create it on first use).
    {
        Bson cmd, reply;
        bson_append_utf8(cmd, "create", -1, e.name.c_str(), -1);
        mongoc_database_t* db = mongoc_client_get_database(client, options_.db_name.c_str());
        const bool ok = mongoc_database_write_command_with_opts(db, cmd, nullptr, reply, &err);
        mongoc_database_destroy(db);
        if (!ok) {
            if (mongo::is_unreachable(err)) mongo::raise(err, "create collection " + e.name);
            if (err.code != 48 && err.code != 59) spdlog::debug("mongodb: create {}: {}", e.name, err.message);
        } else {
            spdlog::info("mongodb: created collection {}", e.name);
        }
    }

    // 2. Shadow fields of documents laid out otherwise (user values are not rewritten).
    const std::string signature = mongo::layout_signature(e, codec_.case_sensitive);
    {
        Bson filter;
        bson_t ne;
        bson_append_document_begin(filter, mongo::kSignatureField, -1, &ne);
        bson_append_utf8(&ne, "$ne", -1, signature.c_str(), -1);
        bson_append_document_end(filter, &ne);
        std::vector<Document> stale;
        mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, nullptr, nullptr));
        const bson_t* d;
        while (mongoc_cursor_next(cursor.get(), &d)) stale.push_back(mongo::decode(e, d));
        if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
        if (!stale.empty())
            spdlog::info("mongodb: {}: adding comparison keys to {} document(s) of another layout", e.name, stale.size());
        int64_t done = 0;
        for (const Document& doc : stale) {
            Bson id_filter, update, reply;
            const auto& id = doc.at("id");
            if (!id.is_string()) continue;
            bson_append_utf8(id_filter, "_id", -1, id.get_string().data(), static_cast<int>(id.get_string().size()));
            std::vector<std::string> unset;
            bson_t set;
            bson_append_document_begin(update, "$set", -1, &set);
            mongo::encode_shadows(e, doc, codec_, &set, unset);
            bson_append_document_end(update, &set);
            if (!unset.empty()) {
                bson_t u;
                bson_append_document_begin(update, "$unset", -1, &u);
                for (const std::string& name : unset) bson_append_utf8(&u, name.c_str(), -1, "", 0);
                bson_append_document_end(update, &u);
            }
            if (!mongoc_collection_update_one(coll.get(), id_filter, update, nullptr, reply, &err))
                mongo::raise(err, "update " + e.name);
            if (++done % kProgressEvery == 0) spdlog::info("mongodb: {}: {} of {} documents done", e.name, done, stale.size());
        }
    }

    // 3. Indexes: ours are named ev_*; the others belong to someone else and stay.
    std::set<std::string> present;
    {
        mongo::Cursor cursor(mongoc_collection_find_indexes_with_opts(coll.get(), nullptr));
        const bson_t* d;
        while (mongoc_cursor_next(cursor.get(), &d)) {
            bson_iter_t it;
            if (bson_iter_init_find(&it, d, "name") && BSON_ITER_HOLDS_UTF8(&it)) present.insert(bson_iter_utf8(&it, nullptr));
        }
        if (mongoc_cursor_error(cursor.get(), &err) && mongo::is_unreachable(err)) mongo::raise(err, "list indexes");
    }
    const std::vector<IndexSpec> wanted = wanted_indexes(e);
    std::set<std::string> wanted_names;
    for (const IndexSpec& ix : wanted) wanted_names.insert(ix.name);
    for (const std::string& name : present) {
        if (name.rfind(mongo::kIndexPrefix, 0) != 0 || wanted_names.count(name)) continue;
        spdlog::info("mongodb: dropping index {} of {} (no longer in the schema)", name, e.name);
        if (!mongoc_collection_drop_index_with_opts(coll.get(), name.c_str(), nullptr, &err)) {
            if (mongo::is_unreachable(err)) mongo::raise(err, "drop index");
            spdlog::warn("mongodb: cannot drop index {} of {}: {}", name, e.name, err.message);
        }
    }
    for (const IndexSpec& ix : wanted) {
        if (present.count(ix.name)) continue;
        if (ix.unique) {
            // Refuse to start over duplicates, listing them (as the SQL backends do).
            std::map<std::string, int64_t> seen;
            Bson filter, opts;
            bson_t p;
            bson_append_document_begin(opts, "projection", -1, &p);
            bson_append_int32(&p, ix.keys.front().c_str(), -1, 1);
            bson_append_document_end(opts, &p);
            mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
            const bson_t* d;
            while (mongoc_cursor_next(cursor.get(), &d)) {
                bson_iter_t it;
                if (bson_iter_init_find(&it, d, ix.keys.front().c_str()) && BSON_ITER_HOLDS_UTF8(&it))
                    ++seen[bson_iter_utf8(&it, nullptr)];
            }
            if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
            std::string groups;
            int shown = 0;
            for (const auto& [key, n] : seen) {
                if (n < 2 || shown >= kDuplicatesShown) continue;
                ++shown;
                std::string parts;
                size_t start = 0;
                for (;;) {
                    const size_t end = key.find('\x1f', start);
                    parts += (parts.empty() ? "" : ", ") + to_json_text(boost::json::string(key.substr(start, end - start)));
                    if (end == std::string::npos) break;
                    start = end + 1;
                }
                groups += (groups.empty() ? "" : ", ") + (parts.find(", ") != std::string::npos ? "(" + parts + ")" : parts) +
                          " (" + std::to_string(n) + " documents)";
            }
            if (!groups.empty()) {
                std::string fields = ix.name.substr(std::string(mongo::kIndexPrefix).size() + 3);
                for (const auto& u : e.uniques)
                    if (std::string(mongo::kIndexPrefix) + "uq_" + joined(u, "_") == ix.name) fields = joined(u, ", ");
                problems.push_back(e.name + " unique (" + fields + "): duplicate values " + groups);
                continue;
            }
        }
        Bson cmd, reply;
        bson_append_utf8(cmd, "createIndexes", -1, e.name.c_str(), -1);
        bson_t list, spec, key;
        bson_append_array_begin(cmd, "indexes", -1, &list);
        bson_append_document_begin(&list, "0", -1, &spec);
        bson_append_document_begin(&spec, "key", -1, &key);
        for (const std::string& k : ix.keys) bson_append_int32(&key, k.c_str(), -1, 1);
        bson_append_document_end(&spec, &key);
        bson_append_utf8(&spec, "name", -1, ix.name.c_str(), -1);
        if (ix.unique) {
            bson_append_bool(&spec, "unique", -1, true);
            // Documents without the key (a null field) take no part. FerretDB ignores
            // `sparse`, but its SQLite index lets any number of absent keys through.
            bson_append_bool(&spec, "sparse", -1, true);
        }
        bson_append_document_end(&list, &spec);
        bson_append_array_end(cmd, &list);
        if (!mongoc_collection_write_command_with_opts(coll.get(), cmd, nullptr, reply, &err)) {
            if (mongo::is_unreachable(err)) mongo::raise(err, "create index");
            if (mongo::is_duplicate_key(err)) {
                problems.push_back(e.name + ": unique index " + ix.name + " refused over duplicates: " + err.message);
                continue;
            }
            mongo::raise(err, "create index " + ix.name + " on " + e.name);
        }
        spdlog::info("mongodb: created index {} on {}", ix.name, e.name);
    }
}

}  // namespace events
