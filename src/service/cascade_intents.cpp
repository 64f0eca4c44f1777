#include "service/cascade_intents.h"

#include "core/ulid.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <array>

namespace events {

namespace {

std::string process_name() {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    return fmt::format("{}:{}:{}", host.data(), static_cast<long>(::getpid()), new_ulid());
}

}  // namespace

int64_t CascadeIntents::system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

CascadeIntents::CascadeIntents(CascadeIntentStore& store, std::chrono::milliseconds renew_every, Clock now)
    : store_(store), renew_every_(renew_every), lease_(renew_every * 3), now_(std::move(now)), owner_(process_name()) {}

std::string CascadeIntents::begin(const Entity& e, const std::string& id) {
    CascadeIntent intent;
    intent.key = new_ulid();
    intent.entity = e.name;
    intent.entity_id = id;
    intent.owner = owner_;
    intent.since_ms = intent.heartbeat_ms = now_();
    // Running before it is recorded, so that no completion pass of this process sees it
    // unowned in between.
    {
        std::lock_guard lock(mutex_);
        running_[intent.key] = intent.heartbeat_ms;
    }
    try {
        store_.record(intent);
    } catch (...) {
        std::lock_guard lock(mutex_);
        running_.erase(intent.key);
        throw;
    }
    return intent.key;
}

void CascadeIntents::keep_alive(const std::string& key) {
    const int64_t now = now_();
    {
        std::lock_guard lock(mutex_);
        auto it = running_.find(key);
        if (it == running_.end() || now - it->second < renew_every_.count()) return;
        it->second = now;
    }
    try {
        store_.renew(key, owner_, now);
    } catch (const std::exception& e) {
        spdlog::warn("cascade {}: heartbeat not renewed: {}", key, e.what());
    }
}

void CascadeIntents::end(const std::string& key, bool completed) {
    if (completed) {
        try {
            store_.remove(key);
        } catch (const std::exception& e) {
            spdlog::warn("cascade {}: done, but its intent record stays until the next completion pass: {}", key,
                         e.what());
        }
    }
    std::lock_guard lock(mutex_);
    running_.erase(key);
}

std::vector<CascadeIntent> CascadeIntents::abandoned() {
    std::vector<CascadeIntent> all = store_.all();
    const int64_t now = now_();
    std::vector<CascadeIntent> out;
    std::lock_guard lock(mutex_);
    for (CascadeIntent& i : all) {
        if (running_.count(i.key)) continue;
        if (i.owner == owner_ || now - i.heartbeat_ms > lease_.count()) out.push_back(std::move(i));
    }
    return out;
}

bool CascadeIntents::adopt(const CascadeIntent& intent) {
    const int64_t now = now_();
    {
        std::lock_guard lock(mutex_);
        if (!running_.emplace(intent.key, now).second) return false;   // a request here runs it
    }
    bool taken = false;
    try {
        taken = store_.take_over(intent, owner_, now);
    } catch (...) {
        std::lock_guard lock(mutex_);
        running_.erase(intent.key);
        throw;
    }
    if (!taken) {
        std::lock_guard lock(mutex_);
        running_.erase(intent.key);
    }
    return taken;
}

std::vector<CascadeIntent> CascadeIntents::pending() { return store_.all(); }

}  // namespace events
