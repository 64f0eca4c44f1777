// A deterministic short hash (32-bit FNV-1a) for shortening over-long identifiers:
// the same input gives the same name on every run and every machine.
#pragma once

#include <cstdint>
#include <string_view>

namespace events {

inline uint32_t fnv1a(std::string_view s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

// 64-bit FNV-1a, for labels that must rarely collide (schema fingerprints, core/schema_record.h).
inline uint64_t fnv1a64(std::string_view s) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace events
