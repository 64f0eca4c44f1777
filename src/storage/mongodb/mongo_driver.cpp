#include "storage/mongodb/mongo_driver.h"

#include "storage/report_format.h"

#include "storage/document/unique_key.h"
#include "storage/mongodb/mongo_layout.h"
#include "storage/mongodb/mongo_query.h"
#include "storage/mongodb/mongo_write_txn.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <cstring>
#include <map>
#include <set>
#include <mutex>
#include <stdexcept>

namespace events {

using mongo::Bson;

namespace {

// How long an operation waits for a reachable server before answering 503: short, so
// that an outage is reported promptly (the outage test bounds it), unless the URI says.
constexpr int32_t kServerSelectionTimeoutMs = 3000;
constexpr int32_t kConnectTimeoutMs = 3000;
// A transaction that a concurrent one disturbed is tried again this many times.
constexpr int kTransactionAttempts = 5;
// Runs of one write whose update lost the race to a concurrent write before it gives up
// with WriteConflict: enough for some dozens of writers of one document at once, each
// run being one read and one write.
constexpr int kLostRaceAttempts = 64;

// A short random pause before a lost write runs again, so that the writers of one
// document spread out instead of colliding again in step.
void pause_before_rerun(int lost_races) {
    thread_local std::minstd_rand rng(std::random_device{}());
    const int ceiling_ms = std::min(20, 1 + lost_races);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, ceiling_ms)(rng)));
}

void init_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        mongoc_init();
        // libmongoc logs to stderr by default; route its warnings to our log.
        mongoc_log_set_handler(
            [](mongoc_log_level_t level, const char* domain, const char* message, void*) {
                // jongodb has no endSessions: libmongoc's complaint about it is noise.
                if (level <= MONGOC_LOG_LEVEL_WARNING && std::strstr(message, "endSessions") == nullptr)
                    spdlog::warn("libmongoc {}: {}", domain, message);
            },
            nullptr);
    });
}

void set_default(mongoc_uri_t* uri, const char* option, int32_t value) {
    if (!mongoc_uri_has_option(uri, option)) mongoc_uri_set_option_as_int32(uri, option, value);
}

}  // namespace

MongoDriver::MongoDriver(const Schema& schema, const DriverOptions& options) : schema_(schema), options_(options) {
    init_library();
    codec_.case_sensitive = options.case_sensitive;
    bson_error_t err;
    uri_ = mongoc_uri_new_with_error(options.uri.c_str(), &err);
    if (!uri_) throw std::invalid_argument(std::string("invalid MongoDB URI (db_uri): ") + err.message);
    if (options_.db_name.empty()) {
        const char* db = mongoc_uri_get_database(uri_);
        options_.db_name = db && *db ? db : "events";
    }
    set_default(uri_, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, kServerSelectionTimeoutMs);
    set_default(uri_, MONGOC_URI_CONNECTTIMEOUTMS, kConnectTimeoutMs);
}

MongoDriver::~MongoDriver() {
    close();
    if (uri_) mongoc_uri_destroy(uri_);
}

Capabilities MongoDriver::capabilities() const {
    Capabilities c;
    c.native_uniques = true;   // sparse unique indexes on the constraint keys
    c.converts_field_types = true;
    return c;
}

std::optional<PoolStats> MongoDriver::pool_stats() const {
    if (!pool_open_) return std::nullopt;
    const int64_t in_use = pool_counts_.in_use.load(std::memory_order_relaxed);
    return PoolStats{in_use, std::max(in_use, pool_counts_.peak.load(std::memory_order_relaxed))};
}

mongoc_client_pool_t* MongoDriver::pool() const {
    if (!pool_) throw StorageUnavailable("MongoDB driver is not open");
    return pool_;
}

mongo::Collection MongoDriver::collection(mongoc_client_t* client, const Entity& e) const {
    return mongo::Collection(mongoc_client_get_collection(client, options_.db_name.c_str(), e.name.c_str()));
}

void MongoDriver::open() {
    open_read_only();
    mongo::PooledClient client(pool_, pool_counts_);
    reconcile(client.get());
}

void MongoDriver::open_read_only() {
    if (!pool_) {
        pool_ = mongoc_client_pool_new(uri_);
        mongoc_client_pool_set_error_api(pool_, MONGOC_ERROR_API_VERSION_2);
        mongoc_client_pool_set_appname(pool_, "events");
        mongoc_client_pool_max_size(pool_, static_cast<uint32_t>(std::max(options_.pool_size, 1) * 2));
        pool_counts_.reset();
        pool_open_ = true;
    }
    mongo::PooledClient client(pool_, pool_counts_);
    probe_server(client.get());
}

void MongoDriver::close() {
    if (pool_) {
        pool_open_ = false;
        mongoc_client_pool_destroy(pool_);
        pool_ = nullptr;
    }
}

void MongoDriver::probe_server(mongoc_client_t* client) {
    Bson cmd, reply;
    bson_append_int32(cmd, "buildInfo", -1, 1);
    bson_error_t err;
    if (!mongoc_client_command_simple(client, "admin", cmd, nullptr, reply, &err)) mongo::raise(err, "buildInfo");
    bson_iter_t it;
    server_version_ = bson_iter_init_find(&it, reply, "version") && BSON_ITER_HOLDS_UTF8(&it) ? bson_iter_utf8(&it, nullptr) : "";
    server_kind_ = "MongoDB";
    std::string ferretdb_version;
    if (bson_iter_init_find(&it, reply, "ferretdbVersion")) {
        server_kind_ = "FerretDB";
        if (BSON_ITER_HOLDS_UTF8(&it)) ferretdb_version = bson_iter_utf8(&it, nullptr);
    } else if (server_version_.find("jongodb") != std::string::npos) server_kind_ = "jongodb";

    // decimal128: FerretDB 1.x cannot decode it (it drops the connection, so it is not
    // probed there). Other servers are probed with a read that sends one: nothing is written.
    // (Embedded FerretDB, as our test server, reports its version as "unknown".)
    const bool ferretdb_1 = server_kind_ == "FerretDB" &&
                            (ferretdb_version.rfind("v1.", 0) == 0 || ferretdb_version.rfind("1.", 0) == 0 ||
                             ferretdb_version == "unknown" || ferretdb_version.empty());
    if (ferretdb_1) {
        codec_.decimal128 = false;
        spdlog::info("mongodb: FerretDB {} has no decimal128; Currency is stored as double", ferretdb_version);
    } else {
        auto coll = collection(client, *schema_.entities().front());
        Bson filter, opts;
        bson_decimal128_t zero;
        bson_decimal128_from_string("0", &zero);
        bson_append_decimal128(filter, "_id", -1, &zero);
        bson_append_int64(opts, "limit", -1, 1);
        mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
        const bson_t* d;
        while (mongoc_cursor_next(cursor.get(), &d)) {
        }
        codec_.decimal128 = !mongoc_cursor_error(cursor.get(), &err);
        if (!codec_.decimal128) spdlog::info("mongodb: the server has no decimal128; Currency is stored as double");
    }

    // Transactions: a transaction that reads and commits. Servers without them
    // (standalone MongoDB, FerretDB) refuse the first command or the commit.
    transactions_ = false;
    mongo::Session session(mongoc_client_start_session(client, nullptr, &err));
    if (session && mongoc_client_session_start_transaction(session.get(), nullptr, &err)) {
        auto coll = collection(client, *schema_.entities().front());
        Bson filter, opts, reply2;
        bson_append_int64(opts, "limit", -1, 1);
        if (mongoc_client_session_append(session.get(), opts, &err)) {
            mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
            const bson_t* d;
            while (mongoc_cursor_next(cursor.get(), &d)) {
            }
            const bool read_ok = !mongoc_cursor_error(cursor.get(), &err);
            if (read_ok && mongoc_client_session_commit_transaction(session.get(), reply2, &err)) transactions_ = true;
            else mongoc_client_session_abort_transaction(session.get(), nullptr);
        }
    }
    serialize_writes_ = transactions_ && server_kind_ == "jongodb";
    spdlog::info("mongodb: {} {} (database {}), transactions {}", server_kind_, server_version_, options_.db_name,
                 transactions_ ? "yes" : "no");
}

std::optional<Document> MongoDriver::get(const Entity& e, std::string_view id) {
    mongo::PooledClient client(pool(), pool_counts_);
    MongoWriteTxn reader(*this, client.get(), nullptr);
    return reader.get(e, id);
}

std::vector<Document> MongoDriver::get_many(const Entity& e, const std::vector<std::string>& ids) {
    std::vector<Document> out;
    if (ids.empty()) return out;
    mongo::PooledClient client(pool(), pool_counts_);
    auto coll = collection(client.get(), e);
    Bson filter;
    bson_t in, list;
    bson_append_document_begin(filter, "_id", -1, &in);
    bson_append_array_begin(&in, "$in", -1, &list);
    for (size_t i = 0; i < ids.size(); ++i)
        bson_append_utf8(&list, std::to_string(i).c_str(), -1, ids[i].data(), static_cast<int>(ids[i].size()));
    bson_append_array_end(&in, &list);
    bson_append_document_end(filter, &in);
    mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, nullptr, nullptr));
    const bson_t* d;
    while (mongoc_cursor_next(cursor.get(), &d)) out.push_back(mongo::decode(e, d));
    bson_error_t err;
    if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "read " + e.name);
    return out;
}

ListPage MongoDriver::list(const Entity& e, const ListQuery& q) {
    mongo::PooledClient client(pool(), pool_counts_);
    auto coll = collection(client.get(), e);
    Bson filter, opts;
    mongo::build_filter(q.filters, codec_, filter);
    bson_t sort;
    bson_append_document_begin(opts, "sort", -1, &sort);
    mongo::build_sort(q, &sort);
    bson_append_document_end(opts, &sort);
    ListPage page;
    // A deep page ordered by id: the first id of the page is found by a query that reads
    // only ids (the _id index), then the page starts at that id; the skipped documents
    // themselves are never read.
    const bool id_ordered = q.sort.empty() || q.sort.front().field->is_id();
    Bson anchored;
    const bson_t* page_filter = filter;
    if (q.offset > 0 && id_ordered && q.limit != 0) {
        const bool descending = !q.sort.empty() && q.sort.front().descending;
        Bson id_opts;
        bson_t id_sort, projection;
        bson_append_document_begin(id_opts, "projection", -1, &projection);
        bson_append_int32(&projection, "_id", -1, 1);
        bson_append_document_end(id_opts, &projection);
        bson_append_document_begin(id_opts, "sort", -1, &id_sort);
        bson_append_int32(&id_sort, "_id", -1, descending ? -1 : 1);
        bson_append_document_end(id_opts, &id_sort);
        bson_append_int64(id_opts, "skip", -1, q.offset);
        bson_append_int64(id_opts, "limit", -1, 1);
        mongo::Cursor ids(mongoc_collection_find_with_opts(coll.get(), filter, id_opts, nullptr));
        const bson_t* d;
        std::optional<std::string> first;
        if (mongoc_cursor_next(ids.get(), &d)) {
            bson_iter_t it;
            if (bson_iter_init_find(&it, d, "_id") && BSON_ITER_HOLDS_UTF8(&it)) first = bson_iter_utf8(&it, nullptr);
        }
        bson_error_t err;
        if (mongoc_cursor_error(ids.get(), &err)) mongo::raise(err, "list " + e.name);
        if (first) {
            bson_t all, clause, range;
            bson_append_array_begin(anchored, "$and", -1, &all);
            bson_append_document(&all, "0", -1, filter);
            bson_append_document_begin(&all, "1", -1, &clause);
            bson_append_document_begin(&clause, "_id", -1, &range);
            bson_append_utf8(&range, descending ? "$lte" : "$gte", -1, first->data(), static_cast<int>(first->size()));
            bson_append_document_end(&clause, &range);
            bson_append_document_end(&all, &clause);
            bson_append_array_end(anchored, &all);
            page_filter = anchored;
        } else {
            page_filter = nullptr;   // past the end: an empty page
        }
    } else if (q.offset > 0) {
        bson_append_int64(opts, "skip", -1, q.offset);
    }
    if (q.limit >= 0) bson_append_int64(opts, "limit", -1, q.limit);
    if (q.limit != 0 && page_filter) {
        mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), page_filter, opts, nullptr));
        const bson_t* d;
        while (mongoc_cursor_next(cursor.get(), &d)) page.docs.push_back(mongo::decode(e, d));
        bson_error_t err;
        if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "list " + e.name);
    }
    page.total = -1;
    if (q.with_total) {
        const int64_t shown = static_cast<int64_t>(page.docs.size());
        if (q.offset == 0 && q.limit > 0 && shown < q.limit) {
            page.total = shown;   // the page holds every match: no second query
        } else {
            Bson reply;
            bson_error_t err;
            page.total = mongoc_collection_count_documents(coll.get(), filter, nullptr, nullptr, reply, &err);
            if (page.total < 0) mongo::raise(err, "count " + e.name);
        }
    }
    return page;
}

// MongoDB writes are visible at once: WriteOptions::no_consistency changes nothing here.
void MongoDriver::write(const WriteOptions&, const std::function<void(WriteTxn&)>& work) {
    std::unique_lock<std::mutex> serial(write_mutex_, std::defer_lock);
    if (serialize_writes_) serial.lock();
    mongo::PooledClient client(pool(), pool_counts_);
    // A work whose update lost the race to a concurrent write of the same document
    // (MongoWriteTxn::update(), LostRace) runs again from its read, a bounded number of
    // times (docs/DECISIONS.md §4.1).
    int lost_races = 0;
    auto lost_race = [&] {
        if (++lost_races >= kLostRaceAttempts)
            throw WriteConflict("the document is being modified by too many requests at once; retry");
        pause_before_rerun(lost_races);
    };
    if (!transactions_) {
        for (;;) {
            MongoWriteTxn txn(*this, client.get(), nullptr);
            try {
                work(txn);
                return;
            } catch (const LostRace&) {
                lost_race();
            }
        }
    }
    bson_error_t err;
    for (int attempt = 1;; ++attempt) {
        mongo::Session session(mongoc_client_start_session(client.get(), nullptr, &err));
        if (!session) mongo::raise(err, "start session");
        if (!mongoc_client_session_start_transaction(session.get(), nullptr, &err)) mongo::raise(err, "start transaction");
        MongoWriteTxn txn(*this, client.get(), session.get());
        try {
            work(txn);
        } catch (const LostRace&) {
            mongoc_client_session_abort_transaction(session.get(), nullptr);
            lost_race();
            --attempt;
            continue;
        } catch (...) {
            mongoc_client_session_abort_transaction(session.get(), nullptr);
            throw;
        }
        Bson reply;
        if (mongoc_client_session_commit_transaction(session.get(), reply, &err)) return;
        const bool transient = mongoc_error_has_label(reply, "TransientTransactionError") ||
                               mongoc_error_has_label(reply, "UnknownTransactionCommitResult");
        if (!transient || attempt >= kTransactionAttempts) mongo::raise(err, "commit");
    }
}

std::vector<std::string> MongoDriver::colliding_constraint(mongoc_client_t* client,
                                                           const mongoc_client_session_t* session, const Entity& e,
                                                           const Document& doc, bool is_insert) const {
    (void)session;
    auto coll = collection(client, e);
    const boost::json::value* idv = doc.if_contains("id");
    const std::string id = idv && idv->is_string() ? std::string(idv->get_string()) : std::string();
    // Whether any document matches (a find of one id: see MongoWriteTxn::exists).
    auto count = [&](bson_t* filter) {
        Bson opts;
        bson_t projection;
        bson_append_document_begin(opts, "projection", -1, &projection);
        bson_append_int32(&projection, "_id", -1, 1);
        bson_append_document_end(opts, &projection);
        bson_append_int64(opts, "limit", -1, 1);
        mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
        const bson_t* d = nullptr;
        return mongoc_cursor_next(cursor.get(), &d) ? 1 : 0;
    };
    if (is_insert) {
        Bson filter;
        bson_append_utf8(filter, "_id", -1, id.data(), static_cast<int>(id.size()));
        if (count(filter) > 0) return {"id"};
    }
    for (const auto& constraint : e.uniques) {
        std::optional<std::string> key = unique_key(constraint, doc, codec_.case_sensitive);
        if (!key) continue;
        Bson filter;
        const std::string name = mongo::unique_field(constraint);
        bson_append_utf8(filter, name.c_str(), -1, key->data(), static_cast<int>(key->size()));
        bson_t ne;
        bson_append_document_begin(filter, "_id", -1, &ne);
        bson_append_utf8(&ne, "$ne", -1, id.data(), static_cast<int>(id.size()));
        bson_append_document_end(filter, &ne);
        if (count(filter) > 0) {
            std::vector<std::string> names;
            for (const Field* f : constraint) names.push_back(f->name);
            return names;
        }
    }
    return {};
}

void MongoDriver::wipe() {
    mongo::PooledClient client(pool(), pool_counts_);
    std::vector<const Entity*> order = schema_.parents_first();
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        auto coll = collection(client.get(), **it);
        bson_error_t err;
        if (mongoc_collection_drop_with_opts(coll.get(), nullptr, &err)) continue;
        if (err.code == 26) continue;   // NamespaceNotFound: nothing to drop
        if (mongo::is_unreachable(err)) mongo::raise(err, "drop " + (*it)->name);
        // jongodb has no `drop`: empty the collection instead (its indexes stay, and
        // the reconciliation below keeps them as the schema says).
        Bson all, reply;
        if (!mongoc_collection_delete_many(coll.get(), all, nullptr, reply, &err)) mongo::raise(err, "wipe " + (*it)->name);
    }
    reconcile(client.get());
}

boost::json::object MongoDriver::entity_counts() {
    mongo::PooledClient client(pool(), pool_counts_);
    boost::json::object out;
    for (const auto& e : schema_.entities()) out[e->name] = count_all(client.get(), *e);
    return out;
}

int64_t MongoDriver::count_all(mongoc_client_t* client, const Entity& e) {
    auto coll = collection(client, e);
    Bson filter, reply;
    bson_error_t err;
    const int64_t n = mongoc_collection_count_documents(coll.get(), filter, nullptr, nullptr, reply, &err);
    if (n < 0) mongo::raise(err, "count " + e.name);
    return n;
}

boost::json::object MongoDriver::dangling_references(mongoc_client_t* client) {
    boost::json::object out;
    for (const auto& e : schema_.entities()) {
        for (const Field* fk : e->foreign_keys) {
            // Distinct FK values of the children, then which of them have no parent.
            std::set<std::string> values;
            auto coll = collection(client, *e);
            Bson filter, opts;
            bson_t ne, p;
            bson_append_document_begin(filter, fk->name.c_str(), -1, &ne);
            bson_append_null(&ne, "$ne", -1);
            bson_append_document_end(filter, &ne);
            bson_append_document_begin(opts, "projection", -1, &p);
            bson_append_int32(&p, fk->name.c_str(), -1, 1);
            bson_append_document_end(opts, &p);
            std::map<std::string, int64_t> per_value;
            mongo::Cursor cursor(mongoc_collection_find_with_opts(coll.get(), filter, opts, nullptr));
            const bson_t* d;
            while (mongoc_cursor_next(cursor.get(), &d)) {
                bson_iter_t it;
                if (bson_iter_init_find(&it, d, fk->name.c_str()) && BSON_ITER_HOLDS_UTF8(&it))
                    ++per_value[bson_iter_utf8(&it, nullptr)];
            }
            bson_error_t err;
            if (mongoc_cursor_error(cursor.get(), &err)) mongo::raise(err, "report " + e->name);
            int64_t dangling = 0;
            std::vector<std::string> keys;
            for (const auto& kv : per_value) keys.push_back(kv.first);
            std::set<std::string> present;
            for (const Document& parent : get_many(*fk->fk_target, keys))
                if (auto* v = parent.if_contains("id"); v && v->is_string()) present.insert(std::string(v->get_string()));
            for (const auto& kv : per_value)
                if (!present.count(kv.first)) dangling += kv.second;
            out[e->name + "." + fk->name] = dangling;
        }
    }
    return out;
}

boost::json::object MongoDriver::report_details() {
    mongo::PooledClient client(pool(), pool_counts_);
    boost::json::object details;
    for (const auto& e : schema_.entities()) {
        const int64_t n = count_all(client.get(), *e);
        auto coll = collection(client.get(), *e);
        bson_error_t err;
        boost::json::array indexes;
        mongo::Cursor cursor(mongoc_collection_find_indexes_with_opts(coll.get(), nullptr));
        const bson_t* d;
        while (mongoc_cursor_next(cursor.get(), &d)) {
            bson_iter_t it;
            if (bson_iter_init_find(&it, d, "name") && BSON_ITER_HOLDS_UTF8(&it)) indexes.emplace_back(bson_iter_utf8(&it, nullptr));
        }
        if (mongoc_cursor_error(cursor.get(), &err) && mongo::is_unreachable(err)) mongo::raise(err, "report");
        details[e->name] = report_entity(n, std::move(indexes));
    }
    boost::json::object info;
    info["db_name"] = options_.db_name;
    info["server"] = server_kind_;
    info["server_version"] = server_version_;
    info["transactions"] = transactions_;
    info["currency_type"] = codec_.decimal128 ? "decimal128" : "double";
    boost::json::object out;
    out["db_info"] = std::move(info);
    out["collections"] = report_collections(std::move(details));
    out["dangling_references"] = dangling_references(client.get());
    return out;
}

bool MongoDriver::ping() {
    try {
        mongo::PooledClient client(pool(), pool_counts_);
        Bson cmd, reply;
        bson_append_int32(cmd, "ping", -1, 1);
        bson_error_t err;
        return mongoc_client_command_simple(client.get(), "admin", cmd, nullptr, reply, &err);
    } catch (...) {
        return false;
    }
}

}  // namespace events
