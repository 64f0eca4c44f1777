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

}  // namespace
}  // namespace events
