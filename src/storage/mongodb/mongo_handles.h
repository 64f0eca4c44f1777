// Owning handles for the C objects of libmongoc/libbson (one place for their cleanup),
// and the mapping of a libmongoc error to the driver-contract exceptions.
#pragma once

#include <mongoc/mongoc.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace events::mongo {

// A bson_t on the heap or initialised in place, destroyed at scope exit.
class Bson {
public:
    Bson() { bson_init(&b_); }
    // Copies `src` (e.g. a document a cursor lends).
    explicit Bson(const bson_t* src) { bson_copy_to(src, &b_); }
    Bson(const Bson&) = delete;
    Bson& operator=(const Bson&) = delete;
    ~Bson() { bson_destroy(&b_); }
    bson_t* get() { return &b_; }
    const bson_t* get() const { return &b_; }
    operator bson_t*() { return &b_; }
    operator const bson_t*() const { return &b_; }

private:
    bson_t b_;
};

struct CursorDeleter {
    void operator()(mongoc_cursor_t* c) const { mongoc_cursor_destroy(c); }
};
struct CollectionDeleter {
    void operator()(mongoc_collection_t* c) const { mongoc_collection_destroy(c); }
};
struct SessionDeleter {
    void operator()(mongoc_client_session_t* s) const { mongoc_client_session_destroy(s); }
};
using Cursor = std::unique_ptr<mongoc_cursor_t, CursorDeleter>;
using Collection = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;
using Session = std::unique_ptr<mongoc_client_session_t, SessionDeleter>;

// Our own counts of a mongoc_client_pool_t, which has no API to report them (GET
// /metrics, storage/pool_stats.h). libmongoc creates a client only when none is idle
// and keeps every client it created until the pool is destroyed (no minPoolSize is
// set), so the clients open are the most ever leased at once.
struct PoolCounts {
    std::atomic<int64_t> in_use{0};   // popped and not yet pushed back (or waiting in pop)
    std::atomic<int64_t> peak{0};     // most in_use ever seen since the pool was created

    void lease() {
        const int64_t now = in_use.fetch_add(1, std::memory_order_relaxed) + 1;
        int64_t seen = peak.load(std::memory_order_relaxed);
        while (seen < now && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
        }
    }
    void give_back() { in_use.fetch_sub(1, std::memory_order_relaxed); }
    void reset() {
        in_use.store(0, std::memory_order_relaxed);
        peak.store(0, std::memory_order_relaxed);
    }
};

// A client taken from the pool for one operation, given back at scope exit; counted
// in `counts` from before the pop to after the push.
class PooledClient {
public:
    PooledClient(mongoc_client_pool_t* pool, PoolCounts& counts) : pool_(pool), counts_(counts) {
        counts_.lease();
        client_ = mongoc_client_pool_pop(pool);
    }
    PooledClient(const PooledClient&) = delete;
    PooledClient& operator=(const PooledClient&) = delete;
    ~PooledClient() {
        mongoc_client_pool_push(pool_, client_);
        counts_.give_back();
    }
    mongoc_client_t* get() const { return client_; }

private:
    mongoc_client_pool_t* pool_;
    PoolCounts& counts_;
    mongoc_client_t* client_ = nullptr;
};

// True when `err` says the server could not be reached or the connection broke
// (stream, server selection, socket timeouts), as opposed to a refused command.
bool is_unreachable(const bson_error_t& err);

// True for a duplicate-key refusal (server code 11000, or 11001/12582 of old servers).
bool is_duplicate_key(const bson_error_t& err);

// Throws StorageUnavailable for an unreachable server, std::runtime_error otherwise;
// `what` names the operation (e.g. "insert into User").
[[noreturn]] void raise(const bson_error_t& err, const std::string& what);

}  // namespace events::mongo
