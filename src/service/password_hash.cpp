#include "service/password_hash.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace events {

namespace {

void init_sodium() {
    static const bool ok = sodium_init() >= 0;
    if (!ok) throw std::runtime_error("libsodium cannot be initialised");
}

constexpr std::string_view kPrefix = "$argon2id$";

}  // namespace

std::string hash_secret(std::string_view secret) {
    init_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw std::runtime_error("out of memory while hashing a secret");
    return out;
}

bool is_secret_hash(std::string_view stored) { return stored.substr(0, kPrefix.size()) == kPrefix; }

SecretMatch verify_secret(std::string_view given, std::string_view stored) {
    init_sodium();
    if (is_secret_hash(stored)) {
        const std::string hash(stored);   // NUL-terminated for libsodium
        return crypto_pwhash_str_verify(hash.c_str(), given.data(), given.size()) == 0 ? SecretMatch::Yes
                                                                                        : SecretMatch::No;
    }
    // An adopted plaintext: compare digests, so the time does not depend on where the
    // texts differ nor on their lengths.
    unsigned char a[crypto_generichash_BYTES], b[crypto_generichash_BYTES];
    crypto_generichash(a, sizeof a, reinterpret_cast<const unsigned char*>(given.data()), given.size(), nullptr, 0);
    crypto_generichash(b, sizeof b, reinterpret_cast<const unsigned char*>(stored.data()), stored.size(), nullptr, 0);
    return sodium_memcmp(a, b, sizeof a) == 0 && !stored.empty() ? SecretMatch::YesPlaintext : SecretMatch::No;
}

void verify_against_dummy(std::string_view given) {
    static const std::string dummy = hash_secret("events: no such login");
    (void)verify_secret(given, dummy);
}

std::string random_hex(size_t bytes) {
    init_sodium();
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
    hex.pop_back();
    return hex;
}

}  // namespace events
