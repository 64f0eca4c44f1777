// SHA-256 (FIPS 180-4) through OpenSSL, for the digests the server keeps or sends: entity
// tags (docs/DECISIONS.md §4.2) and the stored ids of login sessions (docs/AUTH.md
// "Sessions"). The digest algorithm is fetched once per process and each thread reuses
// one digest context: OpenSSL 3's one-shot EVP_Digest(EVP_sha256()) looks the algorithm
// up again on every call, which cost more than hashing a document (bench/README.md).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace events {

// The 32-byte SHA-256 digest of `data`. Throws std::runtime_error when OpenSSL fails
// (no SHA-256 provider loaded), which a working installation never does.
std::array<unsigned char, 32> sha256(std::string_view data);

// The first `bytes` bytes (at most 32) of sha256(data) as lower-case hex, 2 * bytes
// characters. Errors as sha256().
std::string sha256_hex(std::string_view data, size_t bytes = 32);

}  // namespace events
