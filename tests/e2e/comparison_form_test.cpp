// docs/DECISIONS.md §2.21, §2.23: every string comparison (substring and whole-value filters,
// unique constraints, sort) uses the comparison form: Unicode NFC, plus Unicode full
// case folding unless case_sensitive. Stored values and responses keep what was sent.
//
// The expected forms below are written out by hand from the Unicode tables (CaseFolding.txt
// with status C+F, then NFC), never computed by the server's code, so each backend is
// checked against the same independent order.
#include "e2e_fixture.h"

#include <algorithm>
#include <tuple>

namespace events::e2e {
namespace {

// Precomposed and decomposed spellings (UTF-8 bytes written out).
const std::string kJosePrecomposed = "jos\xC3\xA9";     // "josé", U+00E9
const std::string kJoseDecomposed = "jose\xCC\x81";     // "jose" + U+0301 COMBINING ACUTE ACCENT
const std::string kElodie = "\xC3\x89lodie";            // "Élodie"
const std::string kIrina = "\xD0\x98\xD1\x80\xD0\xB8\xD0\xBD\xD0\xB0";   // "Ирина"
const std::string kStrasse = "Stra\xC3\x9F" "e";        // "Straße"

class ComparisonForm : public E2ETest {
protected:
    // A user with the given id, username and text fields; 201 expected.
    std::string add_user(const std::string& id, const std::string& username, const std::string& first = "John",
                         const std::string& last = "Smith") {
        if (account_.empty()) account_ = create_account();
        json::object b = user_body(account_, username);
        b["id"] = id;
        b["email"] = id + "@example.com";
        b["firstName"] = first;
        b["lastName"] = last;
        return create("user", b);
    }
    std::vector<std::string> ids(const std::string& query) {
        HttpResponse r = get("/api/user?" + query);
        EXPECT_TRUE(IsSuccess(r)) << query << ": " << describe(r);
        return list_ids(r);
    }
    // The body of a second user "u_two" (two@example.com) named with the decomposed spelling
    // of José; the account exists (add_user ran first).
    json::object second_jose() const {
        json::object b = user_body(account_, kJoseDecomposed);
        b["id"] = "u_two";
        b["email"] = "two@example.com";
        return b;
    }
    // Whether `r` is the 409 of a username that already exists, for the document `id`.
    static ::testing::AssertionResult IsUsernameConflict(const HttpResponse& r, const std::string& id) {
        return HasError(r, 409, id, "conflict", "username already exists", "username");
    }
    std::string account_;
};
E2E_INSTANTIATE(ComparisonForm);

using V = std::vector<std::string>;

TEST_P(ComparisonForm, SubstringFiltersFoldUnicodeCase) {
    add_user("u_elodie", "elodie", kElodie, "Martin");
    add_user("u_irina", "irina", kIrina, "Petrova");
    add_user("u_strasse", "strasse", "Hans", kStrasse);
    add_user("u_plain", "plain", "Eloise", "Strand");
    // "éLO" (é precomposed, LO upper case) finds "Élodie" and not "Eloise" (e is not é).
    EXPECT_EQ(ids("filter=firstName:" + url_encode("\xC3\xA9LO")), V{"u_elodie"});
    // Decomposed é in the filter finds the precomposed É of the value.
    EXPECT_EQ(ids("filter=firstName:" + url_encode("e\xCC\x81lod")), V{"u_elodie"});
    EXPECT_EQ(ids("filter=firstName:" + url_encode("\xD0\xA0\xD0\x98\xD0\x9D")), V{"u_irina"});   // "РИН"
    // Full case folding: ß is "ss", so "STRASSE" and "strasse" find "Straße".
    EXPECT_EQ(ids("filter=lastName:STRASSE"), V{"u_strasse"});
    EXPECT_EQ(ids("filter=lastName:rass"), V{"u_strasse"});
    EXPECT_EQ(ids("filter=lastName:" + url_encode("STRA\xE1\xBA\x9E" "E")), V{"u_strasse"});   // capital ẞ U+1E9E
    // Responses keep the stored value exactly as sent.
    EXPECT_EQ(fetch("user", "u_strasse").at("lastName"), kStrasse);
    EXPECT_EQ(fetch("user", "u_elodie").at("firstName"), kElodie);
}

TEST_P(ComparisonForm, WholeValueFiltersFoldUnicodeCase) {
    add_user("u_elodie", "elodie", kElodie, "Martin");
    add_user("u_irina", "irina", kIrina, "Petrova");
    add_user("u_strasse", "strasse", "Hans", kStrasse);
    // "ИРИНА" finds "Ирина" as a whole value; a part of it does not.
    EXPECT_EQ(ids("full_match=true&filter=firstName:" + url_encode("\xD0\x98\xD0\xA0\xD0\x98\xD0\x9D\xD0\x90")),
              V{"u_irina"});
    EXPECT_EQ(ids("full_match=true&filter=firstName:" + url_encode("\xD0\x98\xD0\xA0\xD0\x98\xD0\x9D")), V{});
    EXPECT_EQ(ids("full_match=true&filter=lastName:STRASSE"), V{"u_strasse"});
    EXPECT_EQ(ids("full_match=true&filter=firstName:" + url_encode("\xC3\xA9LODIE")), V{"u_elodie"});
    // Comparison operators and `ne` compare forms too.
    EXPECT_EQ(ids("filter=lastName:ne:STRASSE&sort=id"), (V{"u_elodie", "u_irina"}));
    EXPECT_EQ(ids("filter=lastName:gte:STRASSE&sort=id"), V{"u_strasse"});   // "strasse" >= "strasse"
    EXPECT_EQ(ids("filter=lastName:lt:STRASSE&sort=id"), (V{"u_elodie", "u_irina"}));   // "martin", "petrova"
}

TEST_P(ComparisonForm, PrecomposedAndDecomposedUsernamesAreOneUniqueValue) {
    add_user("u_one", kJosePrecomposed);
    // POST: the decomposed spelling is the same username.
    json::object dup = second_jose();
    EXPECT_TRUE(IsUsernameConflict(post("/api/user", dup), "u_two"));
    // Upper case too (not case-sensitive by default).
    dup["username"] = "JOS\xC3\x89";
    EXPECT_TRUE(IsUsernameConflict(post("/api/user", dup), "u_two"));
    // PUT and PATCH of another user to either spelling conflict the same way.
    add_user("u_three", "three");
    json::object put_body = user_body(account_, kJoseDecomposed);
    put_body["email"] = "three@example.com";
    EXPECT_TRUE(IsUsernameConflict(put("/api/user/u_three", put_body), "u_three"));
    EXPECT_TRUE(IsUsernameConflict(patch("/api/user/u_three", json::object{{"username", kJoseDecomposed}}), "u_three"));
    EXPECT_TRUE(IsUsernameConflict(patch("/api/user/u_three", json::object{{"username", "JOSE\xCC\x81"}}), "u_three"));
    EXPECT_EQ(fetch("user", "u_three").at("username"), "three");
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 2);
    // A username that differs by more than spelling is fine, and is stored as sent.
    EXPECT_TRUE(IsSuccess(patch("/api/user/u_three", json::object{{"username", "jose\xCC\x81s"}})));
    EXPECT_EQ(fetch("user", "u_three").at("username"), "jose\xCC\x81s");
}

TEST_P(ComparisonForm, CaseSensitiveStillUnifiesSpellings) {
    start_server_with({{"case_sensitive", true}});
    add_user("u_one", kJosePrecomposed);
    json::object dup = second_jose();
    // NFC still applies: the two spellings are one value ...
    EXPECT_TRUE(IsUsernameConflict(post("/api/user", dup), "u_two"));
    // ... but case counts.
    dup["username"] = "JOS\xC3\x89";
    EXPECT_TRUE(IsSuccess(post("/api/user", dup), 201));
    EXPECT_EQ(ids("full_match=true&filter=username:" + url_encode(kJoseDecomposed)), V{"u_one"});
    EXPECT_EQ(ids("filter=username:" + url_encode("OS\xC3\x89")), V{"u_two"});
}

// One order on every backend: byte order of the comparison form, NULLs last, id last.
TEST_P(ComparisonForm, MixedScriptSortIsByteOrderOfTheForm) {
    struct Row {
        const char* id;
        std::optional<std::string> city;   // the value sent (nullopt: no city)
        std::string form;                  // its comparison form, written out by hand
    };
    const std::vector<Row> rows = {
        {"s01", "\xC3\x89mile", "\xC3\xA9mile"},                                          // Émile -> émile
        {"s02", "eve", "eve"},
        {"s03", "Zo\xC3\xAB", "zo\xC3\xAB"},                                               // Zoë -> zoë
        {"s04", "zebra", "zebra"},
        {"s05", kIrina, "\xD0\xB8\xD1\x80\xD0\xB8\xD0\xBD\xD0\xB0"},                       // Ирина -> ирина
        {"s06", "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD", "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD"},   // иван
        {"s07", "\xCE\xA9MEGA", "\xCF\x89mega"},                                           // ΩMEGA -> ωmega
        {"s08", "\xCE\xB1\xCE\xBB\xCF\x86\xCE\xB1", "\xCE\xB1\xCE\xBB\xCF\x86\xCE\xB1"},   // αλφα
        {"s09", "\xE6\x9D\xB1\xE4\xBA\xAC", "\xE6\x9D\xB1\xE4\xBA\xAC"},                   // 東京
        {"s10", "a_b", "a_b"},
        {"s11", "ab", "ab"},
        {"s12", "Abc", "abc"},
        {"s13", kStrasse, "strasse"},                                                      // Straße -> strasse
        {"s14", "STRASSE", "strasse"},                                                     // same form as s13
        {"s15", "\xEF\xAC\x81le", "file"},                                                 // ﬁle (U+FB01) -> file
        {"s16", "e\xCC\x81" "cole", "\xC3\xA9" "cole"},                                    // decomposed école -> école
        {"s17", std::nullopt, ""},
        {"s18", "B", "b"},
        {"s19", std::nullopt, ""},
    };
    for (const Row& r : rows) {
        if (account_.empty()) account_ = create_account();
        json::object b = user_body(account_, std::string("user") + r.id);
        b["id"] = r.id;
        if (r.city) b["city"] = *r.city;
        create("user", b);
    }
    // The expected order from the hand-written forms: bytes of the form (std::string
    // compares as unsigned char), id as the tie-breaker, NULLs last in both directions.
    auto expected = [&](bool descending) {
        std::vector<const Row*> sorted;
        for (const Row& r : rows) sorted.push_back(&r);
        std::sort(sorted.begin(), sorted.end(), [&](const Row* a, const Row* b) {
            if (a->city.has_value() != b->city.has_value()) return a->city.has_value();   // NULLs last
            if (a->form != b->form) return descending ? a->form > b->form : a->form < b->form;
            return std::string(a->id) < std::string(b->id);   // id tie-breaker, ascending
        });
        V out;
        for (const Row* r : sorted) out.emplace_back(r->id);
        return out;
    };
    const V asc = expected(false);
    // A spot check of the hand-made expectation itself: underscore before letters, Latin
    // before Greek before Cyrillic before CJK, the two STRASSE spellings by id.
    ASSERT_EQ(asc, (V{"s10", "s11", "s12", "s18", "s02", "s15", "s13", "s14", "s04", "s03", "s16", "s01", "s08",
                      "s07", "s06", "s05", "s09", "s17", "s19"}));
    EXPECT_EQ(ids("sort=city&pageSize=100"), asc);
    EXPECT_EQ(ids("sort=city:desc&pageSize=100"), expected(true));
    // Paging through the same order gives the same rows.
    V paged;
    for (int page = 1; page <= 4; ++page) {
        const V part = ids("sort=city&pageSize=5&page=" + std::to_string(page));
        paged.insert(paged.end(), part.begin(), part.end());
    }
    EXPECT_EQ(paged, asc);
    // Range filters agree with the order: cities after "strasse" in form order.
    EXPECT_EQ(ids("sort=city&pageSize=100&filter=city:gt:STRASSE"),
              (V{"s04", "s03", "s16", "s01", "s08", "s07", "s06", "s05", "s09"}));
}

}  // namespace
}  // namespace events::e2e
