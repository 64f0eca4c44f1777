#include "core/field_check.h"

#include "core/client_text.h"
#include "core/input_limits.h"
#include "core/value_format.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <fmt/format.h>
#include <re2/re2.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace events {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Characters, not bytes: counts UTF-8 lead bytes.
int64_t code_points(std::string_view s) {
    int64_t n = 0;
    for (const char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

std::optional<int64_t> parse_integer_text(std::string_view text) {
    std::string_view s = trim(text);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '-')) return std::nullopt;
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// Decimal numbers only: no "nan", "inf" or hex, which from_chars would accept.
std::optional<double> parse_number_text(std::string_view text) {
    std::string_view s = trim(text);
    std::string_view body = s;
    if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
    if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body.front())) || body.front() == '.')) return std::nullopt;
    if (s.front() == '+') s.remove_prefix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<int64_t> to_integer(const json::value& in) {
    if (in.is_int64()) return in.get_int64();
    if (in.is_uint64()) {
        if (in.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return static_cast<int64_t>(in.get_uint64());
    }
    if (in.is_double()) {
        const double d = in.get_double();
        // 2^63 is exactly representable; anything at or above it does not fit.
        if (!std::isfinite(d) || d != std::trunc(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
            return std::nullopt;
        return static_cast<int64_t>(d);
    }
    if (in.is_string()) return parse_integer_text(in.get_string());
    return std::nullopt;
}

std::optional<double> to_number(const json::value& in) {
    if (in.is_int64()) return static_cast<double>(in.get_int64());
    if (in.is_uint64()) return static_cast<double>(in.get_uint64());
    if (in.is_double()) return std::isfinite(in.get_double()) ? std::optional<double>(in.get_double()) : std::nullopt;
    if (in.is_string()) return parse_number_text(in.get_string());
    return std::nullopt;
}

// Text or epoch seconds -> epoch milliseconds.
std::optional<int64_t> to_timestamp_ms(const json::value& in) {
    if (in.is_string()) return parse_timestamp_ms(in.get_string());
    if (in.is_int64() || in.is_uint64() || in.is_double()) return epoch_seconds_to_ms(in.to_number<double>());
    return std::nullopt;
}

std::string quote_list(const std::vector<std::string>& values) {
    // pydantic: 'a'; 'a' or 'b'; 'a', 'b' or 'c'
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += i + 1 == values.size() ? " or " : ", ";
        out += "'" + values[i] + "'";
    }
    return out;
}

std::string plural(int64_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::optional<std::string> convert(const Field& f, const json::value& in, json::value& out) {
    switch (f.type) {
        case FieldType::String:
            if (!in.is_string()) return "Input should be a valid string";
            out = in.get_string();
            return std::nullopt;
        case FieldType::Integer:
            if (auto v = to_integer(in)) {
                out = *v;
                return std::nullopt;
            }
            return "Input should be a valid integer";
        case FieldType::Number:
        case FieldType::Currency:
            if (auto v = to_number(in)) {
                out = *v;
                return std::nullopt;
            }
            return "Input should be a valid number";
        case FieldType::Boolean:
            if (!in.is_bool()) return "Input should be a valid boolean";
            out = in.get_bool();
            return std::nullopt;
        case FieldType::Date:
            if (auto ms = to_timestamp_ms(in)) {
                out = format_date(*ms);
                return std::nullopt;
            }
            return "Input should be a valid date";
        case FieldType::Datetime:
            if (auto ms = to_timestamp_ms(in)) {
                out = format_datetime(*ms);
                return std::nullopt;
            }
            return "Input should be a valid datetime";
        case FieldType::ObjectId: {
            if (!in.is_string()) return "Input should be a valid string";
            // Stored ids are lower case; FK values must compare equal to them.
            std::string id(trim(in.get_string()));
            for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            out = id;
            return std::nullopt;
        }
        case FieldType::Json:
            if (!in.is_object()) return "Input should be a valid dictionary";
            out = in.get_object();
            return std::nullopt;
        case FieldType::StringArray:
            if (!in.is_array()) return "Input should be a valid list";
            for (const auto& item : in.get_array())
                if (!item.is_string()) return "Input should be a valid list of strings";
            out = in.get_array();
            return std::nullopt;
    }
    return "Input has an unsupported type";
}

}  // namespace

std::optional<std::string> check_field_value(const Field& f, const json::value& input, json::value& out) {
    // docs/DECISIONS.md §2.24: in any field type, inside JSON objects and string arrays too.
    if (json_text_fault(input) != TextFault::None) return "Input should not contain the NUL character (U+0000)";
    // docs/DECISIONS.md §4.6: a number beyond a double (`1e400`) is refused, never stored as null.
    if (has_non_finite_number(input)) return "Input should be a finite number";
    if (auto failure = convert(f, input, out)) return failure;

    if (out.is_string() && f.type == FieldType::String) {
        const std::string_view s = out.get_string();
        if (f.is_enum()) {
            for (const auto& v : f.enum_values)
                if (v == s) return std::nullopt;
            return f.enum_message.empty() ? "Input should be " + quote_list(f.enum_values) : f.enum_message;
        }
        const int64_t n = (f.min_length || f.max_length) ? code_points(s) : 0;
        if (f.min_length && n < *f.min_length)
            return "String should have at least " + plural(*f.min_length, "character");
        if (f.max_length && n > *f.max_length)
            return "String should have at most " + plural(*f.max_length, "character");
        if (f.regex && !RE2::PartialMatch(s, *f.regex))
            return f.pattern_message.empty() ? "String should match pattern '" + f.pattern + "'" : f.pattern_message;
    }

    if (out.is_int64() || out.is_double()) {
        const double d = out.to_number<double>();
        if (f.ge && !(d >= *f.ge)) return "Input should be greater than or equal to " + format_number(*f.ge);
        if (f.le && !(d <= *f.le)) return "Input should be less than or equal to " + format_number(*f.le);
    }
    return std::nullopt;
}

}  // namespace events
