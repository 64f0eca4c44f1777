#include "apis/access_log.h"

#include "core/value_format.h"
#include "tools/json_text.h"

#include <fmt/chrono.h>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <iterator>

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
    if (json) {
        logger->log(spdlog::level::info, spdlog::string_view_t(access_json(r)));
        return;
    }
    // Formatted here with a format compiled at build time, then handed to spdlog as a
    // finished message: the same text as a runtime format string, for a third of the work.
    fmt::memory_buffer line;
    fmt::format_to(std::back_inserter(line), FMT_COMPILE("{} {} {} {} B {:.3f} ms id={}"), r.method, r.route,
                   r.status, r.bytes, std::max(0.0, r.ms), r.request_id);   // ms as ms_text() prints them
    logger->log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace events
