#include "tools/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace events {
namespace {

// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf").
TEST(Sha256, MatchesTheStandardsExamples) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, HexIsCutToTheBytesAsked) {
    EXPECT_EQ(sha256_hex("abc", 16), "ba7816bf8f01cfea414140de5dae2223");
    EXPECT_EQ(sha256_hex("abc", 99).size(), 64u);
}

// Each thread keeps its own context: digests computed at once on several threads must
// equal the ones computed alone.
TEST(Sha256, ThreadsDoNotShareAContext) {
    const std::string expected = sha256_hex("abc");
    std::vector<std::thread> threads;
    std::vector<int> wrong(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i)
                if (sha256_hex(i % 2 ? "abc" : std::string(1000, 'x')) != (i % 2 ? expected : sha256_hex(std::string(1000, 'x'))))
                    ++wrong[t];
        });
    for (auto& th : threads) th.join();
    for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
}  // namespace events
