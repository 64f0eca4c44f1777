// Numbers printed as JSON text: one spelling for every writer of numbers (JSON answers,
// SQL parameters, BSON decimals, messages), so a value reads back the same everywhere.
#pragma once

#include <string>

namespace events {

// Shortest text that reads back as the same double, never exponent form for
// ordinary magnitudes (1e-6 <= |v| < 1e21): 236153.61 -> "236153.61", 50000.0 -> "50000".
// Non-finite values print as fmt does ("inf", "nan"); callers that emit JSON check first.
std::string format_number(double v);

}  // namespace events
