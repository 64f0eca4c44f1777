#include "apis/server_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace events {

namespace {

// Seconds; from 0.5 ms (a cached read) to 10 s (a write queued behind a long commit).
prometheus::Histogram::BucketBoundaries latency_buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

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
    prometheus::Gauge& uptime = uptime_family.Add({});
    prometheus::Gauge& start_time = start_family.Add({});
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

ServerMetrics::ServerMetrics() : impl_(std::make_unique<Impl>()) {
    impl_->start_time.Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::observe_request(std::string_view route, std::string_view method, int status, double seconds,
                                    size_t bytes) {
    const std::string r(route), m(method);
    impl_->requests.Add({{"route", r}, {"method", m}, {"status", std::to_string(status)}}).Increment();
    impl_->latency.Add({{"route", r}, {"method", m}}, latency_buckets()).Observe(seconds);
    impl_->bytes.Add({{"route", r}, {"method", m}}).Increment(static_cast<double>(bytes));
}

void ServerMetrics::observe_storage(std::string_view operation, double seconds) {
    impl_->storage.Add({{"operation", std::string(operation)}}, latency_buckets()).Observe(seconds);
}

std::string ServerMetrics::scrape() const {
    impl_->uptime.Set(std::chrono::duration<double>(std::chrono::steady_clock::now() - impl_->started).count());
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, impl_->registry->Collect());
    return out.str();
}

}  // namespace events
