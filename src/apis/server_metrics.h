// The counters behind GET /metrics (docs/OPERATIONS.md), in the Prometheus text format through
// prometheus-cpp's registry and text serializer. Labels carry route templates
// ("/api/user/{id}"), never raw paths: the number of series stays bounded by the route
// table and the schema, whatever ids clients send. Thread-safe.
#pragma once

#include "storage/pool_stats.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace events {

class ServerMetrics {
public:
    ServerMetrics();
    ~ServerMetrics();

    // One answered request: events_http_requests_total{route,method,status},
    // events_http_request_duration_seconds{route,method} (histogram, seconds) and
    // events_http_response_bytes_total{route,method} (body bytes).
    void observe_request(std::string_view route, std::string_view method, int status, double seconds, size_t bytes);
    // One call into the storage (through the document service), by operation name
    // (list, get, create, replace, patch, delete, ping, report, wipe):
    // events_storage_operation_duration_seconds{operation} (histogram, seconds).
    void observe_storage(std::string_view operation, double seconds);

    // The text exposition format 0.0.4, with events_uptime_seconds and
    // events_start_time_seconds (Unix time) as of now, and the storage pool sampled now
    // (docs/OPERATIONS.md): events_storage_pool_connections_in_use{backend} and
    // events_storage_pool_connections_open{backend} from `pool` (connections; no sample
    // when nullopt, i.e. the driver cannot tell). `backend` is the driver's
    // backend_name(): one bounded label value per process.
    std::string scrape(std::string_view backend, const std::optional<PoolStats>& pool) const;

    // Times one storage operation from construction to destruction (also when it throws).
    class StorageTimer {
    public:
        StorageTimer(ServerMetrics& m, std::string_view operation)
            : metrics_(m), operation_(operation), start_(std::chrono::steady_clock::now()) {}
        ~StorageTimer() {
            metrics_.observe_storage(
                operation_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
        }
        StorageTimer(const StorageTimer&) = delete;
        StorageTimer& operator=(const StorageTimer&) = delete;

    private:
        ServerMetrics& metrics_;
        std::string_view operation_;
        std::chrono::steady_clock::time_point start_;
    };

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace events
