#include "core/comparison_form.h"

#include <gtest/gtest.h>

namespace events {
namespace {

TEST(ComparisonForm, FoldsCaseAcrossScripts) {
    EXPECT_EQ(comparison_form("\xC3\x89lodie", false), comparison_form("\xC3\xA9LODIE", false));   // Élodie / éLODIE
    EXPECT_EQ(comparison_form("\xD0\x98\xD0\xA0\xD0\x98\xD0\x9D\xD0\x90", false),                    // ИРИНА
              "\xD0\xB8\xD1\x80\xD0\xB8\xD0\xBD\xD0\xB0");                                          // ирина
    EXPECT_EQ(comparison_form("Stra\xC3\x9F" "e", false), "strasse");                               // Straße
    EXPECT_EQ(comparison_form("STRASSE", false), "strasse");
    EXPECT_EQ(comparison_form("MiXeD", false), "mixed");
}

TEST(ComparisonForm, ComposesToNfcInBothModes) {
    const std::string precomposed = "jos\xC3\xA9";   // é as U+00E9
    const std::string decomposed = "jose\xCC\x81";   // e + U+0301
    EXPECT_NE(precomposed, decomposed);
    EXPECT_EQ(comparison_form(decomposed, true), precomposed);
    EXPECT_EQ(comparison_form(decomposed, false), precomposed);
    EXPECT_EQ(comparison_form("Jos\xC3\xA9", true), "Jos\xC3\xA9");   // case kept when case-sensitive
}

TEST(ComparisonForm, RefusesInvalidUtf8) {
    EXPECT_THROW(comparison_form("ab\xFF", false), InvalidUtf8);
    EXPECT_FALSE(is_valid_utf8("ab\xC3"));
    EXPECT_TRUE(is_valid_utf8("ab\xC3\xA9"));
}

TEST(ComparisonForm, AsciiOrderIsByteOrderOfTheFoldedForm) {
    // docs/DECISIONS.md §2.21: a_b < ab < Abc with case_sensitive false.
    EXPECT_LT(comparison_form("a_b", false), comparison_form("ab", false));
    EXPECT_LT(comparison_form("ab", false), comparison_form("Abc", false));
}

}  // namespace
}  // namespace events
