#include "tools/url_encode.h"

#include <gtest/gtest.h>

namespace events {
namespace {

TEST(UrlEncode, KeepsUnreservedAndEncodesEveryOtherByte) {
    EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
    EXPECT_EQ(url_encode("a b/c?d#e%f&g=h+i"), "a%20b%2Fc%3Fd%23e%25f%26g%3Dh%2Bi");
    EXPECT_EQ(url_encode("\xC3\xA9"), "%C3%A9") << "UTF-8 byte by byte, upper-case hex";
    EXPECT_EQ(url_encode(std::string("a\0b", 3)), "a%00b");
    EXPECT_EQ(url_encode(""), "");
}

}  // namespace
}  // namespace events
