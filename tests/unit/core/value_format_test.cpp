#include "core/value_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <regex>

namespace events {
namespace {

TEST(ValueFormat, ParsesBareDateAsMidnightUtc) {
    EXPECT_EQ(parse_timestamp_ms("1970-01-01"), 0);
    EXPECT_EQ(parse_timestamp_ms("1970-01-02"), 86400000);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12"), 1762905600000LL);
    EXPECT_EQ(parse_timestamp_ms("1969-12-31"), -86400000);
}

TEST(ValueFormat, ParsesDatetimeVariants) {
    const int64_t base = 1762905600000LL;   // 2025-11-12T00:00:00Z
    const int64_t t = base + ((20 * 60 + 11) * 60 + 17) * 1000LL;
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T20:11:17"), t);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T20:11:17Z"), t);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12 20:11:17z"), t);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12t20:11:17+00:00"), t);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T20:11"), t - 17000);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T20:11:17.123Z"), t + 123);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T20:11:17.1Z"), t + 100);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T20:11:17.123456Z"), t + 123);   // truncated to ms
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T22:11:17+02:00"), t);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T18:11:17-0200"), t);
    EXPECT_EQ(parse_timestamp_ms("2025-11-12T22:11:17+02"), t);
    EXPECT_EQ(parse_timestamp_ms("  2025-11-12T20:11:17Z "), t);
}

TEST(ValueFormat, RejectsMalformedAndImpossibleDates) {
    for (const char* bad : {"", "not-a-date", "2025-02-30", "2025-13-01", "2025-00-10", "2025-1-5", "25-11-12",
                            "2025-11-12T", "2025-11-12T24:00:00", "2025-11-12T10:60", "2025-11-12T10:00:61",
                            "2025-11-12T10:00:00.", "2025-11-12T10:00:00+2", "2025-11-12T10:00:00+25:00",
                            "2025-11-12T10:00:00Zjunk", "2025-11-12X10:00", "0000-01-01", "2025/11/12"})
        EXPECT_FALSE(parse_timestamp_ms(bad).has_value()) << bad;
}

TEST(ValueFormat, LeapYearsFollowTheGregorianRules) {
    EXPECT_TRUE(parse_timestamp_ms("2024-02-29").has_value());
    EXPECT_TRUE(parse_timestamp_ms("2000-02-29").has_value());
    EXPECT_FALSE(parse_timestamp_ms("1900-02-29").has_value());
    EXPECT_FALSE(parse_timestamp_ms("2025-02-29").has_value());
}

TEST(ValueFormat, FormatsDatesAndDatetimesInUtc) {
    EXPECT_EQ(format_date(0), "1970-01-01");
    EXPECT_EQ(format_datetime(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_datetime(1762978277123LL), "2025-11-12T20:11:17.123Z");
    EXPECT_EQ(format_date(-1), "1969-12-31");
    EXPECT_EQ(format_datetime(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(format_date(*parse_timestamp_ms("0001-01-01")), "0001-01-01");
    EXPECT_EQ(format_datetime(*parse_timestamp_ms("9999-12-31T23:59:59.999")), "9999-12-31T23:59:59.999Z");
}

TEST(ValueFormat, CanonicalDateKeepsTheUtcDate) {
    EXPECT_EQ(canonical_date("2025-11-12"), "2025-11-12");
    EXPECT_EQ(canonical_date("2025-11-12T23:30:00-02:00"), "2025-11-13");
    EXPECT_EQ(canonical_date("2025-11-12T00:30:00+02:00"), "2025-11-11");
    EXPECT_FALSE(canonical_date("2025-02-30").has_value());
}

TEST(ValueFormat, CanonicalDatetimeAlwaysHasMilliseconds) {
    EXPECT_EQ(canonical_datetime("2025-11-12"), "2025-11-12T00:00:00.000Z");
    EXPECT_EQ(canonical_datetime("2025-11-12T20:11:17+01:00"), "2025-11-12T19:11:17.000Z");
    EXPECT_EQ(canonical_datetime("2025-12-31T23:30:00-01:00"), "2026-01-01T00:30:00.000Z");
    EXPECT_FALSE(canonical_datetime("yesterday").has_value());
}

TEST(ValueFormat, EpochSecondsBecomeMilliseconds) {
    EXPECT_EQ(epoch_seconds_to_ms(0), 0);
    EXPECT_EQ(epoch_seconds_to_ms(1762978277.5), 1762978277500LL);
    EXPECT_EQ(epoch_seconds_to_ms(-1), -1000);
    EXPECT_FALSE(epoch_seconds_to_ms(std::nan("")).has_value());
    EXPECT_FALSE(epoch_seconds_to_ms(1e300).has_value());
}

TEST(ValueFormat, NowIsCanonicalDatetime) {
    const std::string now = now_datetime();
    EXPECT_TRUE(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"))) << now;
    EXPECT_EQ(canonical_datetime(now), now);
}

TEST(ValueFormat, NumbersUseShortestPlainText) {
    EXPECT_EQ(format_number(236153.61), "236153.61");
    EXPECT_EQ(format_number(50000.0), "50000");
    EXPECT_EQ(format_number(0.0), "0");
    EXPECT_EQ(format_number(-0.0), "0");
    EXPECT_EQ(format_number(-2.5), "-2.5");
    EXPECT_EQ(format_number(0.1), "0.1");
    EXPECT_EQ(format_number(1e-6), "0.000001");
    EXPECT_EQ(format_number(1.5e-5), "0.000015");
    EXPECT_EQ(format_number(-1.25e-6), "-0.00000125");
    EXPECT_EQ(format_number(1e16), "10000000000000000");
    EXPECT_EQ(format_number(1.5e17), "150000000000000000");
    EXPECT_EQ(format_number(1e20), "100000000000000000000");
    EXPECT_EQ(format_number(123456789012345680.0), "123456789012345680");
    EXPECT_EQ(format_number(10000000.0), "10000000");
}

TEST(ValueFormat, NumbersOutsideOrdinaryRangeMayUseExponent) {
    EXPECT_EQ(std::strtod(format_number(1e21).c_str(), nullptr), 1e21);
    EXPECT_EQ(std::strtod(format_number(1e-7).c_str(), nullptr), 1e-7);
}

TEST(ValueFormat, NumbersRoundTripWithoutExponentInOrdinaryRange) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> exponent(-6, 20.9);
    std::uniform_real_distribution<double> mantissa(1, 10);
    for (int i = 0; i < 20000; ++i) {
        double v = mantissa(rng) * std::pow(10.0, std::floor(exponent(rng)));
        if (i % 2) v = -v;
        if (std::fabs(v) < 1e-6 || std::fabs(v) >= 1e21) continue;
        const std::string s = format_number(v);
        ASSERT_EQ(s.find_first_of("eE"), std::string::npos) << s;
        ASSERT_EQ(std::strtod(s.c_str(), nullptr), v) << s;
    }
}

}  // namespace
}  // namespace events
