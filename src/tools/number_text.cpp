#include "tools/number_text.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace events {

std::string format_number(double v) {
    if (v == 0) return "0";   // also -0
    std::string s = fmt::format("{}", v);   // shortest round-trip digits
    if (!std::isfinite(v)) return s;
    const size_t e = s.find('e');
    if (e == std::string::npos) {
        if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
        return s;
    }
    const double a = std::fabs(v);
    if (a < 1e-6 || a >= 1e21) return s;

    // Rewrite d.ddde±X in positional notation.
    const bool negative = s[0] == '-';
    std::string mantissa = s.substr(negative ? 1 : 0, e - (negative ? 1 : 0));
    const int exponent = std::atoi(s.c_str() + e + 1);
    std::string digits_only;
    for (char c : mantissa)
        if (c != '.') digits_only += c;
    const int point = 1 + exponent;   // digits before the decimal point
    std::string out = negative ? "-" : "";
    if (point <= 0) {
        out += "0.";
        out.append(static_cast<size_t>(-point), '0');
        out += digits_only;
    } else if (static_cast<size_t>(point) >= digits_only.size()) {
        out += digits_only;
        out.append(static_cast<size_t>(point) - digits_only.size(), '0');
    } else {
        out += digits_only.substr(0, point);
        out += '.';
        out += digits_only.substr(point);
    }
    return out;
}

}  // namespace events
