// A small in-process cache whose entries live a fixed, short time: what gating remembers
// between requests (service/auth_service.h, docs/DECISIONS.md §6.5). Bounded: when full,
// the entry used least recently goes first.
//
// A value is read from storage outside the cache and inserted afterwards; an erase() that
// runs in between (a logout, a role written) must not be undone by that insert. So an
// insert carries the epoch() taken before the read, and is dropped when any erase() or
// clear() happened since: one of them may have concerned this very key.
//
// Thread-safe: every method takes one mutex, held for a hash lookup and a list splice.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace events {

template <class Value>
class ExpiringCache {
public:
    // Entries live `lifetime_ms` milliseconds from their insert; at most `capacity` of them.
    // lifetime_ms <= 0 or capacity 0: nothing is ever kept (find() always misses).
    ExpiringCache(size_t capacity, int64_t lifetime_ms) : capacity_(capacity), lifetime_ms_(lifetime_ms) {}

    bool enabled() const { return capacity_ > 0 && lifetime_ms_ > 0; }

    // The value under `key` if it was inserted and its time (see insert) has not passed at
    // `now_ms` (epoch milliseconds); nullopt otherwise. An expired entry is dropped.
    std::optional<Value> find(const std::string& key, int64_t now_ms) {
        std::lock_guard lock(mutex_);
        const auto it = index_.find(key);
        if (it == index_.end()) return std::nullopt;
        if (it->second->until_ms <= now_ms) {
            entries_.erase(it->second);
            index_.erase(it);
            return std::nullopt;
        }
        entries_.splice(entries_.begin(), entries_, it->second);   // now the most recently used
        return it->second->value;
    }

    // Taken before reading a value from storage; pass it to insert().
    uint64_t epoch() const {
        std::lock_guard lock(mutex_);
        return epoch_;
    }

    // Keeps `value` under `key` until min(now_ms + lifetime, not_after_ms) (epoch
    // milliseconds; not_after_ms: when the value itself stops being true, e.g. a session's
    // end), replacing an entry of that key. Does nothing when an erase() or clear() ran
    // after `epoch` was taken, when that time is not after now_ms, or when not enabled().
    void insert(const std::string& key, Value value, int64_t now_ms, int64_t not_after_ms, uint64_t epoch) {
        if (!enabled()) return;
        const int64_t until = std::min(now_ms + lifetime_ms_, not_after_ms);
        if (until <= now_ms) return;
        std::lock_guard lock(mutex_);
        if (epoch != epoch_) return;
        if (const auto it = index_.find(key); it != index_.end()) {
            it->second->value = std::move(value);
            it->second->until_ms = until;
            entries_.splice(entries_.begin(), entries_, it->second);
            return;
        }
        if (index_.size() >= capacity_) {
            index_.erase(entries_.back().key);
            entries_.pop_back();
        }
        entries_.push_front(Entry{key, std::move(value), until});
        index_.emplace(key, entries_.begin());
    }

    // Forgets `key` now (whether or not it is kept) and voids the inserts of reads begun
    // before this call.
    void erase(const std::string& key) {
        std::lock_guard lock(mutex_);
        ++epoch_;
        if (const auto it = index_.find(key); it != index_.end()) {
            entries_.erase(it->second);
            index_.erase(it);
        }
    }

    // Forgets every entry, as erase() does one.
    void clear() {
        std::lock_guard lock(mutex_);
        ++epoch_;
        index_.clear();
        entries_.clear();
    }

    // How many entries are kept, expired ones not yet dropped included.
    size_t size() const {
        std::lock_guard lock(mutex_);
        return index_.size();
    }

private:
    struct Entry {
        std::string key;
        Value value;
        int64_t until_ms;
    };
    const size_t capacity_;
    const int64_t lifetime_ms_;
    mutable std::mutex mutex_;
    uint64_t epoch_ = 0;
    std::list<Entry> entries_;   // most recently used first
    std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace events
