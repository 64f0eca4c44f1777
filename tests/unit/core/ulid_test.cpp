#include "core/ulid.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace events {
namespace {

TEST(Ulid, IsTwentySixLowerCaseCrockfordCharacters) {
    const std::string id = new_ulid();
    ASSERT_EQ(id.size(), 26u);
    for (char c : id) EXPECT_NE(std::string("0123456789abcdefghjkmnpqrstvwxyz").find(c), std::string::npos) << id;
}

TEST(Ulid, SuccessiveIdsAreUniqueAndStrictlyIncreasing) {
    std::string prev = new_ulid();
    std::set<std::string> seen{prev};
    for (int i = 0; i < 10000; ++i) {
        std::string next = new_ulid();
        EXPECT_LT(prev, next);
        EXPECT_TRUE(seen.insert(next).second);
        prev = next;
    }
}

TEST(Ulid, UnorderedIdsAreUniqueAndCarryTheTime) {
    std::set<std::string> seen;
    const std::string before = new_ulid();
    for (int i = 0; i < 10000; ++i) {
        const std::string id = new_unordered_ulid();
        ASSERT_EQ(id.size(), 26u);
        for (char c : id) ASSERT_NE(std::string("0123456789abcdefghjkmnpqrstvwxyz").find(c), std::string::npos) << id;
        EXPECT_TRUE(seen.insert(id).second);
        // The first 10 characters are the millisecond time, as in new_ulid().
        EXPECT_GE(id.substr(0, 10), before.substr(0, 10));
    }
}

}  // namespace
}  // namespace events
