// Password and secret hashing (docs/DECISIONS.md §6.4): Argon2id through libsodium's
// crypto_pwhash_str, so that a stored secret is never the secret itself.
//
// Thread-safe: no shared state beyond libsodium's, which is initialised once.
#pragma once

#include <string>
#include <string_view>

namespace events {

// The Argon2id hash of `secret` in libsodium's self-describing text form
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), salted at random. About 50 ms and 64 MiB
// (libsodium's INTERACTIVE limits). Throws std::runtime_error when memory runs out.
std::string hash_secret(std::string_view secret);

// Whether `stored` is a hash this module writes (starts with "$argon2id$"). Anything else
// stored in a secret field is a plaintext adopted from the reference (docs/DECISIONS.md §6.4).
bool is_secret_hash(std::string_view stored);

enum class SecretMatch {
    No,               // wrong secret
    Yes,              // matches a stored hash
    YesPlaintext,     // matches a stored plaintext: the caller rehashes it (accepted once)
};

// Compares `given` with `stored`: through crypto_pwhash_str_verify for a hash, in
// constant time (sodium_memcmp over a fixed-size digest) for an adopted plaintext.
SecretMatch verify_secret(std::string_view given, std::string_view stored);

// Burns the time of one verification against a hash of nothing, so that an unknown
// login is answered in the time of a wrong password (docs/DECISIONS.md §6.2).
void verify_against_dummy(std::string_view given);

// Random bytes as lower-case hex: `bytes` of libsodium randombytes_buf, 2 x bytes
// characters (session ids: 32 bytes, 256 bits).
std::string random_hex(size_t bytes);

}  // namespace events
