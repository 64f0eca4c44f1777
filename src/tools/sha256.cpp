#include "tools/sha256.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace events {

namespace {

// Fetched once: the explicit fetch avoids OpenSSL 3's per-call implicit lookup.
const EVP_MD* sha256_algorithm() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                    &EVP_MD_free);
    if (!md) throw std::runtime_error("SHA-256 is not available from OpenSSL");
    return md.get();
}

EVP_MD_CTX* thread_context() {
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                  &EVP_MD_CTX_free);
    if (!ctx) throw std::runtime_error("SHA-256 context allocation failed");
    return ctx.get();
}

}  // namespace

std::array<unsigned char, 32> sha256(std::string_view data) {
    std::array<unsigned char, 32> digest{};
    EVP_MD_CTX* ctx = thread_context();
    unsigned int size = 0;
    if (EVP_DigestInit_ex2(ctx, sha256_algorithm(), nullptr) != 1 || EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, digest.data(), &size) != 1 || size != digest.size())
        throw std::runtime_error("SHA-256 failed");
    return digest;
}

std::string sha256_hex(std::string_view data, size_t bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto digest = sha256(data);
    if (bytes > digest.size()) bytes = digest.size();
    std::string hex(bytes * 2, '0');
    for (size_t i = 0; i < bytes; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0xf];
    }
    return hex;
}

}  // namespace events
