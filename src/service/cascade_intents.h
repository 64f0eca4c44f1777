// Who runs which cascade (docs/DECISIONS.md §4.3): the intent records of the cascades the
// document service runs itself (storage/cascade_intent_store.h), the process's own name
// as their owner, the ones a request of this process is running now, and the lease that
// tells a cascade cut by a dead process from one a live process is still running.
//
// The lease (docs/OPERATIONS.md "Cascades cut short"): the process running a cascade
// renews its record's heartbeat at least every `renew_every` while it deletes; a record
// whose heartbeat is older than three times that belongs to a process that died (or lost
// the database for that long) and may be taken over. A record of this process that no
// request of it is running (its request failed half-way) is taken over at once. Taking
// over is atomic per record; two processes completing one cascade anyway only delete
// what is already gone, which changes nothing.
//
// Thread-safe: one instance serves every request thread and the background completion.
#pragma once

#include "core/schema.h"
#include "storage/cascade_intent_store.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace events {

class CascadeIntents {
public:
    // Unix time in milliseconds; tests pass their own clock.
    using Clock = std::function<int64_t()>;
    static int64_t system_now_ms();

    // `store` must outlive this. `renew_every` is config `cascade_check_interval_s`
    // (docs/OPERATIONS.md): how often a running cascade renews its heartbeat; the lease
    // is three times that.
    CascadeIntents(CascadeIntentStore& store, std::chrono::milliseconds renew_every, Clock now = system_now_ms);

    // This process's name as an owner: "<host>:<pid>:<ulid>", new at every start.
    const std::string& owner() const { return owner_; }
    std::chrono::milliseconds lease() const { return lease_; }

    // Records the cascade below document `id` of `e`, owned by this process and marked as
    // running here, before its first deletion; returns the record's key. Throws
    // StorageUnavailable (the delete then answers 503 and deletes nothing).
    std::string begin(const Entity& e, const std::string& id);
    // Renews the heartbeat of the running cascade `key` when `renew_every` has passed since
    // its last renewal; called between deletions. A failed renewal is logged, not thrown:
    // the cascade goes on, and at worst another process completes it too.
    void keep_alive(const std::string& key);
    // The cascade `key` is no longer running here. `completed`: every document is deleted,
    // so its record is removed (a failure to remove it is logged, and the record is later
    // completed again, deleting nothing); otherwise the record stays for the completion.
    void end(const std::string& key, bool completed);

    // The records nobody is running: not running in this process, and either owned by it
    // or with a heartbeat older than the lease. Oldest first. Throws StorageUnavailable.
    std::vector<CascadeIntent> abandoned();
    // Makes this process the owner of `intent` (an element of abandoned()) and marks it
    // running here; false when another process took it first or it is done. Throws
    // StorageUnavailable.
    bool adopt(const CascadeIntent& intent);
    // Every record: the cascades running (here or elsewhere) and those cut short.
    // Throws StorageUnavailable.
    std::vector<CascadeIntent> pending();

private:
    CascadeIntentStore& store_;
    const std::chrono::milliseconds renew_every_;
    const std::chrono::milliseconds lease_;
    const Clock now_;
    const std::string owner_;
    std::mutex mutex_;
    std::map<std::string, int64_t> running_;   // key -> last heartbeat written (ms); under mutex_
};

}  // namespace events
