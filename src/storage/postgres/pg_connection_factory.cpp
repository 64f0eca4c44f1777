#include "storage/postgres/pg_connection_factory.h"

#include "storage/driver.h"
#include "tools/quoting.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace events {

namespace {

// The maintenance database every cluster has; used to create ours.
constexpr const char* kMaintenanceDatabase = "postgres";

}  // namespace

struct PgConnectionFactory::Slots {
    std::mutex mutex;
    std::vector<bool> used;

    int take() {
        std::lock_guard lock(mutex);
        for (size_t i = 0; i < used.size(); ++i)
            if (!used[i]) {
                used[i] = true;
                return static_cast<int>(i);
            }
        used.push_back(true);
        return static_cast<int>(used.size() - 1);
    }
    void give_back(int slot) {
        std::lock_guard lock(mutex);
        used[static_cast<size_t>(slot)] = false;
    }
};

PgConnectionFactory::PgConnectionFactory(PgTarget target)
    : target_(std::move(target)), slots_(std::make_shared<Slots>()) {}

std::unique_ptr<PgConnection> PgConnectionFactory::connect_to_database() const {
    auto conn = std::make_unique<PgConnection>(target_.params_for(target_.database()));
    // The lowest free row-counter slot, released when the connection is destroyed.
    const int slot = slots_->take();
    conn->set_count_slot(slot, [slots = slots_, slot] { slots->give_back(slot); });
    return conn;
}

std::unique_ptr<PooledConnection> PgConnectionFactory::connect() {
    try {
        return connect_to_database();
    } catch (const SqlError& err) {
        throw StorageUnavailable(err.what());
    }
}

size_t PgConnectionFactory::fit_pool_size(PooledConnection& first, size_t configured) {
    int64_t room = -1;
    try {
        first.query("SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
                    " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    " AND pid <> pg_backend_pid())",
                    {}, [&](const SqlRow& row) { room = row.get_int64(0); });
    } catch (const SqlError& err) {
        spdlog::debug("postgresql: cannot read max_connections: {}", err.what());
        return configured;
    }
    if (room < 0 || static_cast<size_t>(room) >= configured) return configured;
    const size_t fitted = static_cast<size_t>(std::max<int64_t>(room, 1));
    spdlog::warn("postgresql: pool_size {} is more than the server accepts now (max_connections minus reserved "
                 "and connected sessions leaves {}); using {} connections",
                 configured, room, fitted);
    return fitted;
}

void PgConnectionFactory::create_database_if_missing(const SqlError& first_failure) const {
    std::unique_ptr<PgConnection> admin;
    try {
        admin = std::make_unique<PgConnection>(target_.params_for(kMaintenanceDatabase));
    } catch (const SqlError&) {
        throw StorageUnavailable(first_failure.what());   // the server itself is not reachable
    }
    bool exists = false;
    try {
        admin->query("SELECT 1 FROM pg_database WHERE datname = $1", {SqlParam(target_.database())},
                     [&](const SqlRow&) { exists = true; });
    } catch (const SqlError& err) {
        throw StorageUnavailable(err.what());
    }
    if (exists) throw StorageUnavailable(first_failure.what());   // it failed for another reason
    try {
        admin->exec("CREATE DATABASE " + quote_doubling(target_.database(), '"'));
        spdlog::info("postgresql: created database {}", target_.database());
    } catch (const SqlError& err) {
        // 42P04: another server created it a moment ago (23505 is the same race seen from the catalog).
        if (err.state != "42P04" && err.state != "23505")
            throw StorageUnavailable("cannot create database " + target_.database() + ": " + err.what());
    }
}

std::unique_ptr<PooledConnection> PgConnectionFactory::open_first() {
    try {
        return connect_to_database();
    } catch (const SqlError& err) {
        create_database_if_missing(err);
        return connect();
    }
}

}  // namespace events
