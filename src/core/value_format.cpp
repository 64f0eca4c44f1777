#include "core/value_format.h"

#include <fmt/format.h>

#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace events {

namespace {

// Civil-calendar conversions (H. Hinnant's algorithms), valid for any int64 day count
// we can produce; they avoid timegm/gmtime, which depend on the C library and locale.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil { int64_t y; unsigned m, d; };

Civil civil_from_days(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

constexpr int64_t kMsPerDay = 86400000;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Reads exactly `n` digits at `pos`; advances pos.
bool digits(std::string_view s, size_t& pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    pos += n;
    return true;
}

bool consume(std::string_view s, size_t& pos, char c) {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<int64_t> parse_timestamp_ms(std::string_view text) {
    const std::string_view s = trim(text);
    size_t pos = 0;
    int year, month, day;
    if (!digits(s, pos, 4, year) || !consume(s, pos, '-') || !digits(s, pos, 2, month) ||
        !consume(s, pos, '-') || !digits(s, pos, 2, day))
        return std::nullopt;
    if (year < 1 || month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month))
        return std::nullopt;
    int64_t ms = days_from_civil(year, month, day) * kMsPerDay;
    if (pos == s.size()) return ms;

    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    int hour, minute, second = 0, millis = 0;
    if (!digits(s, pos, 2, hour) || !consume(s, pos, ':') || !digits(s, pos, 2, minute)) return std::nullopt;
    if (consume(s, pos, ':')) {
        if (!digits(s, pos, 2, second)) return std::nullopt;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            ++pos;
            size_t n = 0;
            int scale = 100;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                // Sub-millisecond digits are dropped (truncation, not rounding, so that a
                // value never moves into the next second/day).
                if (scale > 0) millis += (s[pos] - '0') * scale;
                scale /= 10;
                ++pos;
                ++n;
            }
            if (n == 0) return std::nullopt;
        }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    ms += ((hour * 60LL + minute) * 60 + second) * 1000 + millis;

    if (pos == s.size()) return ms;   // naive = UTC
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        const int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh, om = 0;
        if (!digits(s, pos, 2, oh)) return std::nullopt;
        if (consume(s, pos, ':')) {
            if (!digits(s, pos, 2, om)) return std::nullopt;
        } else if (pos < s.size()) {
            if (!digits(s, pos, 2, om)) return std::nullopt;
        }
        if (oh > 23 || om > 59) return std::nullopt;
        // Local time = UTC + offset, so UTC = local - offset.
        ms -= sign * (oh * 60LL + om) * 60000;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    return ms;
}

std::optional<int64_t> epoch_seconds_to_ms(double seconds) {
    if (!std::isfinite(seconds)) return std::nullopt;
    // Years 0001-9999: the range the text formats can express.
    constexpr double kMin = -62135596800.0, kMax = 253402300799.999;
    if (seconds < kMin || seconds > kMax) return std::nullopt;
    return static_cast<int64_t>(std::floor(seconds * 1000.0 + 0.5));
}

std::string format_date(int64_t epoch_ms) {
    const Civil c = civil_from_days(floor_div(epoch_ms, kMsPerDay));
    return fmt::format("{:04d}-{:02d}-{:02d}", c.y, c.m, c.d);
}

std::string format_datetime(int64_t epoch_ms) {
    const int64_t day = floor_div(epoch_ms, kMsPerDay);
    const Civil c = civil_from_days(day);
    const int64_t in_day = epoch_ms - day * kMsPerDay;
    const int64_t secs = in_day / 1000;
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", c.y, c.m, c.d, secs / 3600,
                       secs / 60 % 60, secs % 60, in_day % 1000);
}

std::optional<std::string> canonical_date(std::string_view text) {
    const auto ms = parse_timestamp_ms(text);
    if (!ms) return std::nullopt;
    return format_date(*ms);
}

std::optional<std::string> canonical_datetime(std::string_view text) {
    const auto ms = parse_timestamp_ms(text);
    if (!ms) return std::nullopt;
    return format_datetime(*ms);
}

std::string now_datetime() {
    const auto now = std::chrono::system_clock::now();
    return format_datetime(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}


}  // namespace events
