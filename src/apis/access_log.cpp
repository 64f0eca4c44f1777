#include "apis/access_log.h"

#include "core/value_format.h"
#include "tools/json_text.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>

namespace events {

namespace {

std::string iso_time(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", tm, static_cast<int>(ms % 1000));
}

// Milliseconds with 3 decimals, never in exponent form.
std::string ms_text(double ms) { return fmt::format("{:.3f}", std::max(0.0, ms)); }

}  // namespace

std::string access_json(const AccessRecord& r) {
    std::string out = "{\"time\":\"" + iso_time(r.time) + "\",\"request_id\":";
    append_json_string(out, r.request_id);
    out += ",\"method\":";
    append_json_string(out, r.method);
    out += ",\"route\":";
    append_json_string(out, r.route);
    out += fmt::format(",\"status\":{},\"ms\":{},\"bytes\":{}}}", r.status, ms_text(r.ms), r.bytes);
    return out;
}

void log_access(const AccessRecord& r, bool json) {
    static const auto logger = [] {
        auto l = spdlog::get("access");
        return l ? l : spdlog::default_logger();
    }();
    if (!logger->should_log(spdlog::level::info)) return;
    if (json) logger->info(access_json(r));
    else
        logger->info("{} {} {} {} B {} ms id={}", r.method, r.route, r.status, r.bytes, ms_text(r.ms), r.request_id);
}

}  // namespace events
