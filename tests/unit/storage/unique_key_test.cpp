#include "storage/document/unique_key.h"

#include <gtest/gtest.h>

namespace events {
namespace {

TEST(UniqueKey, EqualUnderTheMatchingRuleMeansEqualKeys) {
    Field name;
    name.name = "username";
    Field age;
    age.name = "age";
    age.type = FieldType::Integer;
    const std::vector<const Field*> both{&name, &age};
    const boost::json::object a{{"username", "Jos\xC3\xA9"}, {"age", 30}};
    const boost::json::object b{{"username", "jose\xCC\x81"}, {"age", 30}};
    const boost::json::object c{{"username", "jose"}, {"age", 30}};
    EXPECT_EQ(unique_key(both, a, false), unique_key(both, b, false));
    EXPECT_NE(unique_key(both, a, true), unique_key(both, b, true));   // case differs
    EXPECT_NE(unique_key(both, a, false), unique_key(both, c, false));
}

TEST(UniqueKey, NullFieldsDoNotTakePart) {
    Field name;
    name.name = "username";
    const std::vector<const Field*> one{&name};
    EXPECT_FALSE(unique_key(one, boost::json::object{{"username", nullptr}}, false));
    EXPECT_FALSE(unique_key(one, boost::json::object{}, false));
    EXPECT_EQ(unique_key(one, boost::json::object{{"username", ""}}, false), std::string());
}

}  // namespace
}  // namespace events
