#include "apis/server_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <sstream>
#include <unordered_map>

namespace events {

namespace {

// Seconds; from 0.5 ms (a cached read) to 10 s (a write queued behind a long commit).
const prometheus::Histogram::BucketBoundaries& latency_buckets() {
    static const prometheus::Histogram::BucketBoundaries buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                 0.1,    0.25,  0.5,    1,     2.5,   5,    10};
    return buckets;
}

struct RequestSeries {
    prometheus::Counter* requests;
    prometheus::Histogram* latency;
    prometheus::Counter* bytes;
};

// Each thread remembers the series it has used: Family::Add builds the label map, hashes
// it, takes the family's lock and constructs a metric (a bucket vector for histograms)
// on every call, even for an existing series. Series are never removed, so the pointers
// stay valid for the life of their ServerMetrics (`owner`).
struct ThreadCache {
    uint64_t owner = 0;
    std::unordered_map<std::string, RequestSeries> requests;     // "route\nmethod\nstatus"
    std::unordered_map<std::string, prometheus::Histogram*> storage;
};

thread_local ThreadCache t_cache;
std::atomic<uint64_t> g_next_owner{1};

}  // namespace

struct ServerMetrics::Impl {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Counter>& requests =
        prometheus::BuildCounter().Name("events_http_requests_total")
            .Help("HTTP requests answered by the API, by route template, method and status").Register(*registry);
    prometheus::Family<prometheus::Histogram>& latency =
        prometheus::BuildHistogram().Name("events_http_request_duration_seconds")
            .Help("Time from the parsed request to the built response, by route template and method").Register(*registry);
    prometheus::Family<prometheus::Counter>& bytes =
        prometheus::BuildCounter().Name("events_http_response_bytes_total")
            .Help("Response body bytes, by route template and method").Register(*registry);
    prometheus::Family<prometheus::Histogram>& storage =
        prometheus::BuildHistogram().Name("events_storage_operation_duration_seconds")
            .Help("Time spent in the document service and storage driver, by operation").Register(*registry);
    prometheus::Family<prometheus::Gauge>& uptime_family =
        prometheus::BuildGauge().Name("events_uptime_seconds").Help("Seconds since the server started").Register(*registry);
    prometheus::Family<prometheus::Gauge>& start_family =
        prometheus::BuildGauge().Name("events_start_time_seconds").Help("Start time of the server, Unix seconds").Register(*registry);
    prometheus::Family<prometheus::Gauge>& pool_in_use =
        prometheus::BuildGauge().Name("events_storage_pool_connections_in_use")
            .Help("Storage connections leased to a request right now, by backend").Register(*registry);
    prometheus::Family<prometheus::Gauge>& pool_open =
        prometheus::BuildGauge().Name("events_storage_pool_connections_open")
            .Help("Storage connections open right now (idle + in use), by backend").Register(*registry);
    prometheus::Gauge& uptime = uptime_family.Add({});
    prometheus::Gauge& start_time = start_family.Add({});
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    const uint64_t owner = g_next_owner++;

    ThreadCache& cache() {
        if (t_cache.owner != owner) t_cache = ThreadCache{owner, {}, {}};
        return t_cache;
    }
};

ServerMetrics::ServerMetrics() : impl_(std::make_unique<Impl>()) {
    impl_->start_time.Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::observe_request(std::string_view route, std::string_view method, int status, double seconds,
                                    size_t bytes) {
    std::string key;
    key.reserve(route.size() + method.size() + 6);
    key.append(route).append(1, '\n').append(method).append(1, '\n').append(std::to_string(status));
    auto& cache = impl_->cache().requests;
    auto it = cache.find(key);
    if (it == cache.end()) {
        const std::string r(route), m(method);
        RequestSeries series{&impl_->requests.Add({{"route", r}, {"method", m}, {"status", std::to_string(status)}}),
                             &impl_->latency.Add({{"route", r}, {"method", m}}, latency_buckets()),
                             &impl_->bytes.Add({{"route", r}, {"method", m}})};
        it = cache.emplace(std::move(key), series).first;
    }
    it->second.requests->Increment();
    it->second.latency->Observe(seconds);
    it->second.bytes->Increment(static_cast<double>(bytes));
}

void ServerMetrics::observe_storage(std::string_view operation, double seconds) {
    auto& cache = impl_->cache().storage;
    auto it = cache.find(std::string(operation));
    if (it == cache.end())
        it = cache.emplace(std::string(operation),
                           &impl_->storage.Add({{"operation", std::string(operation)}}, latency_buckets())).first;
    it->second->Observe(seconds);
}

std::string ServerMetrics::scrape(std::string_view backend, const std::optional<PoolStats>& pool) const {
    impl_->uptime.Set(std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->started).count());
    if (pool) {
        // Family::Add returns the existing series for the same labels (under the
        // family's lock): scrapes are rare, so no cache is needed here.
        const std::string label(backend);
        impl_->pool_in_use.Add({{"backend", label}}).Set(static_cast<double>(pool->in_use));
        impl_->pool_open.Add({{"backend", label}}).Set(static_cast<double>(pool->open));
    }
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, impl_->registry->Collect());
    return out.str();
}

}  // namespace events
