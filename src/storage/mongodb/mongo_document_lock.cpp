#include "storage/mongodb/mongo_document_lock.h"

#include "storage/driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <thread>

namespace events::mongo {

namespace {

// How long a writer waits for a lock before it answers WriteConflict (409): far longer
// than one update holds it.
constexpr int64_t kWaitMs = 5000;

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void append_key(bson_t* doc, const std::string& key) {
    bson_append_utf8(doc, "_id", 3, key.data(), static_cast<int>(key.size()));
}

// When the lock `key` was taken, or nullopt when nobody holds it.
std::optional<int64_t> taken_at(mongoc_collection_t* locks, const std::string& key) {
    Bson filter, opts;
    append_key(filter, key);
    bson_append_int64(opts, "limit", -1, 1);
    Cursor cursor(mongoc_collection_find_with_opts(locks, filter, opts, nullptr));
    const bson_t* d = nullptr;
    std::optional<int64_t> at;
    if (mongoc_cursor_next(cursor.get(), &d)) {
        bson_iter_t it;
        at = bson_iter_init_find(&it, d, "at") && BSON_ITER_HOLDS_INT64(&it) ? bson_iter_int64(&it) : 0;
    }
    bson_error_t err;
    if (mongoc_cursor_error(cursor.get(), &err)) raise(err, "read a document lock");
    return at;
}

}  // namespace

DocumentLock::DocumentLock(mongoc_client_t* client, const std::string& db, const Entity& e, std::string_view id)
    : locks_(mongoc_client_get_collection(client, db.c_str(), kLockCollection)), key_(e.name + "/" + std::string(id)) {
    thread_local std::minstd_rand rng(std::random_device{}());
    const int64_t deadline = now_ms() + kWaitMs;
    for (;;) {
        taken_at_ms_ = now_ms();
        Bson lock, reply;
        append_key(lock, key_);
        bson_append_int64(lock, "at", -1, taken_at_ms_);
        bson_error_t err;
        if (mongoc_collection_insert_one(locks_.get(), lock, nullptr, reply, &err)) return;
        if (!is_duplicate_key(err)) raise(err, "take a document lock");
        if (auto at = taken_at(locks_.get(), key_); at && now_ms() - *at > kStaleLockMs) {
            spdlog::warn("mongodb: breaking the stale lock of {} (taken {} ms ago)", key_, now_ms() - *at);
            Bson stale;
            append_key(stale, key_);
            bson_append_int64(stale, "at", -1, *at);
            if (!mongoc_collection_delete_one(locks_.get(), stale, nullptr, nullptr, &err))
                raise(err, "break a document lock");
            continue;
        }
        if (now_ms() > deadline)
            throw WriteConflict(e.name + " " + std::string(id) + " is being modified by other requests; retry");
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, 4)(rng)));
    }
}

DocumentLock::~DocumentLock() {
    Bson mine;
    append_key(mine, key_);
    bson_append_int64(mine, "at", -1, taken_at_ms_);
    bson_error_t err;
    if (!mongoc_collection_delete_one(locks_.get(), mine, nullptr, nullptr, &err))
        spdlog::warn("mongodb: releasing the lock of {}: {}", key_, err.message);
}

}  // namespace events::mongo
