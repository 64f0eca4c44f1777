// The generic SQL builder rendered through the SQLite dialect: values travel
// only as parameters, wildcards are escaped, identifiers are quoted.
#include "storage/sql/comparison_columns.h"
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

// SQLite keeps placeholders for every page bound (no plan cache to please) and the
// total in its own statement; list_with_total() still orders its "?" parameters by text.
TEST_F(SqlBuilderTest, PagesKeepPlaceholderBoundsAndTotalsInTextOrder) {
    ListQuery q;
    q.filters.push_back({f("label"), FilterOp::Eq, boost::json::value("x")});
    q.sort.push_back({&odd().id_field(), false});
    q.limit = 25;
    EXPECT_FALSE(builder_.plan_fits_any_values(q));
    const SqlStatement page = builder_.list(odd(), q);
    EXPECT_EQ(page.params.size(), 3u) << page.sql;
    const SqlStatement with_total = builder_.list_with_total(odd(), q);
    ASSERT_EQ(with_total.params.size(), 4u) << with_total.sql;
    // The subquery's filter value comes first in the text, then the page's, then the bounds.
    EXPECT_TRUE(std::holds_alternative<std::string>(with_total.params[0]));
    EXPECT_TRUE(std::holds_alternative<std::string>(with_total.params[1]));
    EXPECT_TRUE(std::holds_alternative<int64_t>(with_total.params[2]));
}

TEST_F(SqlBuilderTest, QuotesIdentifiers) {
    EXPECT_EQ(dialect_.quote("we\"ird"), "\"we\"\"ird\"");
    // The plain text field gets its comparison-form column; the enum does not.
    EXPECT_EQ(builder_.create_table(odd()),
              "CREATE TABLE \"Odd\" (\"id\" TEXT PRIMARY KEY, \"label\" TEXT, \"color\" TEXT, \"n\" INTEGER, "
              "\"label$cf\" TEXT)");
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
    // Text filters and sorts use the form column (byte order, no NOCASE, no LIKE);
    // the enum compares its value column exactly; the select list has no form column.
    EXPECT_EQ(st.sql,
              "SELECT \"id\", \"label\", \"color\", \"n\" FROM \"Odd\" WHERE (rowid IN (SELECT rowid FROM "
              "\"_fts_Odd\" WHERE \"_fts_Odd\" MATCH ?) AND instr(\"label$cf\", ?) > 0) AND "
              "\"color\" = ? AND \"label$cf\" >= ? ORDER BY \"label$cf\" DESC NULLS "
              "LAST, \"id\" ASC NULLS LAST LIMIT ? OFFSET ?");
    ASSERT_EQ(st.params.size(), 6u);
    // The trigram-index candidates (SQLite): every trigram of the value's form a quoted
    // FTS5 string (quotes doubled), the whole expression still a parameter.
    const std::string form = "x' or 1=1 --";
    EXPECT_EQ(std::get<std::string>(st.params[0]),
              R"("label$cf" : ("x' " AND "' o" AND " or" AND "or " AND "r 1" AND " 1=" AND "1=1" AND "=1 " AND "1 -" AND " --"))");
    EXPECT_EQ(std::get<std::string>(st.params[1]), form);
    EXPECT_EQ(std::get<std::string>(st.params[2]), evil);
    EXPECT_EQ(std::get<std::string>(st.params[3]), form);
}

TEST_F(SqlBuilderTest, TrigramMatchTakesCharactersNotBytesAndDropsRepeats) {
    auto match_expression = [&](const Field& fd, std::string_view v) {
        return sqlite_text_index::match_expression(dialect_, fd, v);
    };
    EXPECT_FALSE(match_expression(*f("label"), "ab"));
    EXPECT_FALSE(match_expression(*f("label"), "éü"));        // two characters, four bytes
    EXPECT_EQ(*match_expression(*f("label"), "éüx"), R"("label$cf" : ("éüx"))");
    EXPECT_EQ(*match_expression(*f("label"), "aaaa"), R"("label$cf" : ("aaa"))");
    EXPECT_EQ(*match_expression(*f("label"), R"(a"b")"), R"("label$cf" : ("a""b" AND """b"""))");
    EXPECT_FALSE(match_expression(*f("color"), "abc"));       // enums are not indexed
    // Long values: at most kMaxTrigrams terms.
    const std::string long_value = "abcdefghijklmnopqrstuvwxyz";
    const std::string m = *match_expression(*f("label"), long_value);
    size_t terms = 1;
    for (size_t at = m.find(" AND "); at != std::string::npos; at = m.find(" AND ", at + 1)) ++terms;
    EXPECT_EQ(terms, sqlite_text_index::kMaxTrigrams);
}

TEST_F(SqlBuilderTest, SubstringTestIsExactOnTheForm) {
    // instr() on the form: nothing to escape, and no LIKE, which folds ASCII case again.
    EXPECT_EQ(dialect_.contains_pattern("50%_a\\b"), "50%_a\\b");
    EXPECT_EQ(dialect_.contains_expr("\"label$cf\"", "?"), "instr(\"label$cf\", ?) > 0");
    EXPECT_EQ(SqlDialect::like_substring("50%_a\\b"), "%50\\%\\_a\\\\b%");   // for LIKE dialects
}

TEST_F(SqlBuilderTest, FilterParametersAreComparisonFormsOfTheValue) {
    // docs/DECISIONS.md §2.23: "ÉLO" -> "élo", "ИРИНА" -> "ирина", "STRASSE" -> "strasse"; the
    // expected bytes are written out here, not computed by comparison_form().
    const struct {
        const char* value;
        const char* form;
    } cases[] = {
        {"\xC3\x89LO", "\xC3\xA9lo"},
        {"\xD0\x98\xD0\xA0\xD0\x98\xD0\x9D\xD0\x90", "\xD0\xB8\xD1\x80\xD0\xB8\xD0\xBD\xD0\xB0"},
        {"STRA\xC3\x9F" "E", "strasse"},
        {"jos\x65\xCC\x81", "jos\xC3\xA9"},   // decomposed é composes (NFC)
    };
    for (const auto& c : cases) {
        ListQuery q;
        q.filters = {{f("label"), FilterOp::Eq, boost::json::value(c.value)}};
        const SqlStatement st = builder_.list(odd(), q);
        ASSERT_FALSE(st.params.empty());
        EXPECT_EQ(std::get<std::string>(st.params[0]), c.form) << c.value;
    }
    // case_sensitive: NFC only, case kept.
    const SqlBuilder exact(dialect_, true, true);
    ListQuery q;
    q.filters = {{f("label"), FilterOp::Eq, boost::json::value("Jos\x65\xCC\x81")}};
    EXPECT_EQ(std::get<std::string>(exact.list(odd(), q).params[0]), "Jos\xC3\xA9");
}

TEST_F(SqlBuilderTest, WritesStoreTheValueAsSentAndItsForm) {
    boost::json::object doc{{"id", "a1"}, {"label", "Stra\xC3\x9F" "e"}, {"color", "red"}, {"n", 1}};
    const SqlStatement ins = builder_.insert(odd(), doc);
    EXPECT_EQ(ins.sql, "INSERT INTO \"Odd\" (\"id\", \"label\", \"color\", \"n\", \"label$cf\") VALUES (?, ?, ?, ?, ?)");
    ASSERT_EQ(ins.params.size(), 5u);
    EXPECT_EQ(std::get<std::string>(ins.params[1]), "Stra\xC3\x9F" "e");   // as sent
    EXPECT_EQ(std::get<std::string>(ins.params[4]), "strasse");

    const SqlStatement up = builder_.update(odd(), doc);
    EXPECT_EQ(up.sql, "UPDATE \"Odd\" SET \"label\" = ?, \"color\" = ?, \"n\" = ?, \"label$cf\" = ? WHERE \"id\" = ?");
    EXPECT_EQ(std::get<std::string>(up.params[3]), "strasse");

    doc["label"] = nullptr;   // a null value has a null form (it takes part in no unique)
    EXPECT_TRUE(std::holds_alternative<std::monostate>(builder_.insert(odd(), doc).params[4]));

    const std::vector<boost::json::object> docs{doc, {{"id", "a2"}, {"label", "\xC3\x89lodie"}}};
    const SqlStatement rows = builder_.insert_rows(odd(), docs, 0, 2);
    ASSERT_EQ(rows.params.size(), 2 * SqlBuilder::params_per_row(odd()));
    EXPECT_EQ(SqlBuilder::params_per_row(odd()), 5u);
    EXPECT_EQ(std::get<std::string>(rows.params[9]), "\xC3\xA9lodie");
}

TEST_F(SqlBuilderTest, FormRefillUpdatesManyRowsInOneStatement) {
    const std::vector<FormRow> rows = {{"a1", {SqlParam(std::string("strasse"))}}, {"a2", {SqlParam()}}, {"a3", {}}};
    const SqlStatement st = builder_.update_forms(odd(), rows, 1, 2);   // rows a2 and a3 only
    EXPECT_EQ(st.sql, "UPDATE \"Odd\" SET \"label$cf\" = CASE \"id\" WHEN ? THEN ? WHEN ? THEN ? END WHERE \"id\" IN (?, ?)");
    ASSERT_EQ(st.params.size(), 6u);
    EXPECT_EQ(std::get<std::string>(st.params[0]), "a2");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(st.params[1]));
    EXPECT_EQ(std::get<std::string>(st.params[2]), "a3");
    EXPECT_TRUE(std::holds_alternative<std::monostate>(st.params[3]));   // a row without forms: NULL
    EXPECT_EQ(std::get<std::string>(st.params[5]), "a3");
    // Within the dialect's parameter limit: 1 + 2 per form column per row, at most 100 rows.
    EXPECT_EQ(builder_.form_rows_per_update(odd()), 100u);
}

TEST_F(SqlBuilderTest, UniquesAndIndexesKeyOnForms) {
    const Schema s = Schema::load_text(R"(
_entities:
  Tag:
    fields:
      label: {type: String}
      n: {type: Integer}
    unique: [[label, n]]
    indexes: [[n]]
)");
    const Entity& tag = *s.find("Tag");
    const std::vector<IndexSpec> ix = builder_.indexes(tag);
    ASSERT_EQ(ix.size(), 2u);
    // Named apart from the value-column indexes older versions made, so they are replaced.
    EXPECT_EQ(ix[0].name, "ux_Tag_label_n$form");
    EXPECT_EQ(ix[1].name, "ix_Tag_n");
    EXPECT_EQ(builder_.create_index(tag, ix[0]),
              "CREATE UNIQUE INDEX IF NOT EXISTS \"ux_Tag_label_n$form\" ON \"Tag\" (\"label$cf\", \"n\")");
    // Duplicates group by form but show a stored value.
    EXPECT_EQ(builder_.duplicates(tag, ix[0].fields, 20).sql,
              "SELECT min(\"label\"), \"n\", count(*) FROM \"Tag\" WHERE \"label$cf\" IS NOT NULL AND \"n\" IS NOT "
              "NULL GROUP BY \"label$cf\", \"n\" HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT ? OFFSET ?");
}

TEST_F(SqlBuilderTest, FormColumnNamesCannotCollideWithFields) {
    const Field& label = *f("label");
    EXPECT_EQ(form_column_name(label, 0), "label$cf");
    EXPECT_EQ(field_of_form_column(odd(), "label$cf", 0), &label);
    EXPECT_EQ(field_of_form_column(odd(), "label", 0), nullptr);
    // Too long for the backend: cut, still with '$' (no field name has one), still distinct.
    Field a = label, b = label;
    a.name = std::string(70, 'a');
    b.name = std::string(70, 'a') + "b";
    const std::string na = form_column_name(a, 63), nb = form_column_name(b, 63);
    EXPECT_EQ(na.size(), 63u);
    EXPECT_NE(na.find('$'), std::string::npos);
    EXPECT_NE(na, nb);
}

TEST_F(SqlBuilderTest, IndexNamesAreRecognisable) {
    const Schema s = Schema::load_bundled();
    std::vector<std::string> names;
    for (const IndexSpec& ix : builder_.indexes(*s.find("Profile"))) names.push_back(ix.name);
    EXPECT_EQ(names, (std::vector<std::string>{"ux_Profile_name_userId$form", "fk_Profile_userId"}));
    EXPECT_TRUE(SqlBuilder::is_managed_index_name("ux_Profile_name_userId$form"));
    EXPECT_TRUE(SqlBuilder::is_managed_index_name("ux_Profile_name_userId"));   // older versions' names
    EXPECT_FALSE(SqlBuilder::is_managed_index_name("sqlite_autoindex_Profile_1"));
}

// SQLite takes the database's write lock at BEGIN IMMEDIATE, so a read inside a write
// needs no lock of its own (docs/DECISIONS.md §4.1): the statement is the plain one.
TEST_F(SqlBuilderTest, ReadInsideAWriteRestsOnTheWriteLock) {
    EXPECT_EQ(dialect_.begin_write_sql(), "BEGIN IMMEDIATE");
    EXPECT_TRUE(dialect_.write_lock_covers_reads());
    EXPECT_EQ(builder_.select_by_id_locked(odd(), "x").sql, builder_.select_by_id(odd(), "x").sql);
}

// A dialect that names no way to keep a row read inside a write cannot build that read.
TEST(SqlBuilderLock, ADialectWithoutALockIsRefused) {
    struct Unlocked : SqliteDialect {
        bool write_lock_covers_reads() const override { return false; }
    } dialect;
    const Schema schema = Schema::load_text(kSchema);
    const SqlBuilder builder(dialect, false, true);
    EXPECT_THROW(builder.select_by_id_locked(*schema.find("Odd"), "x"), std::logic_error);
}

}  // namespace
}  // namespace events
