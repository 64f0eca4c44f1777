// The generic SQL builder rendered through the SQLite dialect: values travel
// only as parameters, wildcards are escaped, identifiers are quoted.
#include "storage/sql/sql_builder.h"
#include "storage/sqlite/sqlite_dialect.h"
#include "storage/sqlite/sqlite_text_index.h"

#include <gtest/gtest.h>

namespace events {
namespace {

const char* const kSchema = R"(
_entities:
  Odd:
    fields:
      label: {type: String}
      color: {type: String, enum: {values: [red]}}
      n: {type: Integer}
)";

class SqlBuilderTest : public ::testing::Test {
protected:
    SqlBuilderTest() : schema_(Schema::load_text(kSchema)), builder_(dialect_, false, true) {}
    const Entity& odd() const { return *schema_.find("Odd"); }
    const Field* f(const char* name) const { return odd().find_field(name); }

    Schema schema_;
    SqliteDialect dialect_;
    SqlBuilder builder_;
};

TEST_F(SqlBuilderTest, QuotesIdentifiers) {
    EXPECT_EQ(dialect_.quote("we\"ird"), "\"we\"\"ird\"");
    EXPECT_EQ(builder_.create_table(odd()),
              "CREATE TABLE \"Odd\" (\"id\" TEXT PRIMARY KEY, \"label\" TEXT, \"color\" TEXT, \"n\" INTEGER)");
}

TEST_F(SqlBuilderTest, FilterValuesAreParametersNeverSqlText) {
    ListQuery q;
    const std::string evil = "x' OR 1=1 --";
    q.filters = {{f("label"), FilterOp::Contains, boost::json::value(evil)},
                 {f("color"), FilterOp::Eq, boost::json::value(evil)},
                 {f("label"), FilterOp::Gte, boost::json::value(evil)}};
    q.sort = {{f("label"), true}, {&odd().id_field(), false}};
    const SqlStatement st = builder_.list(odd(), q);
    EXPECT_EQ(st.sql.find("OR 1=1"), std::string::npos) << st.sql;
    EXPECT_EQ(st.sql,
              "SELECT \"id\", \"label\", \"color\", \"n\" FROM \"Odd\" WHERE (rowid IN (SELECT rowid FROM "
              "\"_fts_Odd\" WHERE \"_fts_Odd\" MATCH ?) AND \"label\" LIKE ? ESCAPE '\\') AND "
              "\"color\" = ? AND \"label\" COLLATE NOCASE >= ? ORDER BY \"label\" COLLATE NOCASE DESC NULLS "
              "LAST, \"id\" ASC NULLS LAST LIMIT ? OFFSET ?");
    ASSERT_EQ(st.params.size(), 6u);
    // The trigram-index candidates (SQLite): every trigram of the value a quoted FTS5
    // string (quotes doubled), the whole expression still a parameter.
    EXPECT_EQ(std::get<std::string>(st.params[0]),
              R"("label" : ("x' " AND "' O" AND " OR" AND "OR " AND "R 1" AND " 1=" AND "1=1" AND "=1 " AND "1 -" AND " --"))");
    EXPECT_EQ(std::get<std::string>(st.params[1]), "%" + evil + "%");
    EXPECT_EQ(std::get<std::string>(st.params[2]), evil);
}

TEST_F(SqlBuilderTest, TrigramMatchTakesCharactersNotBytesAndDropsRepeats) {
    using sqlite_text_index::match_expression;
    EXPECT_FALSE(match_expression(*f("label"), "ab"));
    EXPECT_FALSE(match_expression(*f("label"), "éü"));        // two characters, four bytes
    EXPECT_EQ(*match_expression(*f("label"), "éüx"), R"("label" : ("éüx"))");
    EXPECT_EQ(*match_expression(*f("label"), "aaaa"), R"("label" : ("aaa"))");
    EXPECT_EQ(*match_expression(*f("label"), R"(a"b")"), R"("label" : ("a""b" AND """b"""))");
    EXPECT_FALSE(match_expression(*f("color"), "abc"));       // enums are not indexed
    // Long values: at most kMaxTrigrams terms.
    const std::string long_value = "abcdefghijklmnopqrstuvwxyz";
    const std::string m = *match_expression(*f("label"), long_value);
    size_t terms = 1;
    for (size_t at = m.find(" AND "); at != std::string::npos; at = m.find(" AND ", at + 1)) ++terms;
    EXPECT_EQ(terms, sqlite_text_index::kMaxTrigrams);
}

TEST_F(SqlBuilderTest, ContainsPatternEscapesEveryWildcard) {
    EXPECT_EQ(dialect_.contains_pattern("50%_a\\b", false), "%50\\%\\_a\\\\b%");
    EXPECT_EQ(dialect_.contains_pattern("50%_a\\b", true), "50%_a\\b");   // instr(): nothing to escape
}

TEST_F(SqlBuilderTest, IndexNamesAreRecognisable) {
    const Schema s = Schema::load_bundled();
    std::vector<std::string> names;
    for (const IndexSpec& ix : builder_.indexes(*s.find("Profile"))) names.push_back(ix.name);
    EXPECT_EQ(names, (std::vector<std::string>{"ux_Profile_name_userId", "fk_Profile_userId"}));
    EXPECT_TRUE(SqlBuilder::is_managed_index_name("ux_Profile_name_userId"));
    EXPECT_FALSE(SqlBuilder::is_managed_index_name("sqlite_autoindex_Profile_1"));
}

}  // namespace
}  // namespace events
