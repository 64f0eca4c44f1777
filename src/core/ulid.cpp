#include "core/ulid.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace events {

namespace {
constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";   // Crockford base32, lower case

struct UlidState {
    std::mutex mu;
    uint64_t last_ms = 0;
    uint8_t random[10] = {};
    std::mt19937_64 rng{std::random_device{}()};
};

// 128 bits -> 26 base32 characters (the first carries only 3 bits).
std::string encode(const uint8_t (&bytes)[16]) {
    std::string out(26, '0');
    unsigned __int128 v = 0;
    for (uint8_t b : bytes) v = (v << 8) | b;
    for (int i = 25; i >= 0; --i) {
        out[i] = kAlphabet[static_cast<int>(v & 31)];
        v >>= 5;
    }
    return out;
}

uint64_t now_ms() {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
}

UlidState& state() {
    static UlidState s;
    return s;
}
}  // namespace

std::string new_ulid() {
    const uint64_t ms = now_ms();
    uint8_t bytes[16];
    {
        auto& s = state();
        std::lock_guard lock(s.mu);
        if (ms > s.last_ms) {
            s.last_ms = ms;
            uint64_t a = s.rng(), b = s.rng();
            for (int i = 0; i < 8; ++i) s.random[i] = static_cast<uint8_t>(a >> (8 * i));
            for (int i = 0; i < 2; ++i) s.random[8 + i] = static_cast<uint8_t>(b >> (8 * i));
            s.random[0] &= 0x7f;   // headroom so the monotonic increment never overflows in practice
        } else {
            // Same (or earlier) millisecond: increment the random part so ids stay ordered.
            for (int i = 9; i >= 0; --i)
                if (++s.random[i] != 0) break;
        }
        const uint64_t t = s.last_ms;
        for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(t >> (8 * (5 - i)));
        for (int i = 0; i < 10; ++i) bytes[6 + i] = s.random[i];
    }
    return encode(bytes);
}

std::string new_unordered_ulid() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    uint8_t bytes[16];
    const uint64_t t = now_ms();
    for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(t >> (8 * (5 - i)));
    const uint64_t a = rng(), b = rng();
    for (int i = 0; i < 8; ++i) bytes[6 + i] = static_cast<uint8_t>(a >> (8 * i));
    for (int i = 0; i < 2; ++i) bytes[14 + i] = static_cast<uint8_t>(b >> (8 * i));
    return encode(bytes);
}

}  // namespace events
