// The read-only pass before a type change (service/field_conversion.h; docs/DECISIONS.md
// §5.4): every stored value is checked, the failures are counted and a bounded sample named.
#include "service/field_conversion.h"

#include "support/memory_driver.h"

#include <gtest/gtest.h>

#include <string>

namespace events {
namespace {

namespace json = boost::json;

class FieldConversionCheck : public ::testing::Test {
protected:
    FieldConversionCheck()
        : recorded_(Schema::load_text("_entities:\n  Item:\n    fields:\n      code: {type: String}\n", "old")),
          wanted_(Schema::load_text("_entities:\n  Item:\n    unique: [code]\n    fields:\n      code: {type: Integer}\n",
                                    "new")),
          driver_(recorded_) {
        driver_.open();
    }

    void store(const std::string& id, const json::value& code) {
        driver_.write({}, [&](WriteTxn& t) { t.insert(item(), Document{{"id", id}, {"code", code}}); });
    }
    const Entity& item() const { return *recorded_.find("Item"); }
    const Field& code() const { return *item().find_field("code"); }
    const Field& target() const { return *wanted_.find("Item")->find_field("code"); }

    Schema recorded_, wanted_;
    testing_support::MemoryDriver driver_;
};

TEST_F(FieldConversionCheck, EveryValueIsCheckedAndASampleNamed) {
    for (int i = 0; i < 30; ++i) store("i" + std::to_string(100 + i), i % 10 == 0 ? json::value("x") : json::value(std::to_string(i)));
    store("n", nullptr);   // null converts to null
    const UnconvertibleValues bad = find_unconvertible_values(driver_, item(), code(), target(), {}, 2);
    EXPECT_EQ(bad.count, 3);
    ASSERT_EQ(bad.sample.size(), 2u);
    EXPECT_EQ(bad.sample[0].id, "i100");
    EXPECT_EQ(bad.sample[0].value, "\"x\"");
    EXPECT_EQ(bad.sample[0].reason, "Input should be a valid integer");
    EXPECT_EQ(bad.sample[1].id, "i110");
}

TEST_F(FieldConversionCheck, ValuesThatWouldCollideUnderAUniqueDoNotConvert) {
    store("a", "7");
    store("b", " 7 ");
    store("c", "8");
    ConversionCheck check;
    EXPECT_EQ(find_unconvertible_values(driver_, item(), code(), target(), check).count, 0);
    check.unique = true;
    const UnconvertibleValues bad = find_unconvertible_values(driver_, item(), code(), target(), check);
    ASSERT_EQ(bad.count, 1);
    EXPECT_EQ(bad.sample[0].id, "b");
    EXPECT_EQ(bad.sample[0].reason, "converts to 7 as the value of id a does, and code is unique");
}

}  // namespace
}  // namespace events
