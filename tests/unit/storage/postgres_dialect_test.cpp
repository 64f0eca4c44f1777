// PgDialect and PgTarget pieces that need no server.
#include "storage/postgres/pg_dialect.h"
#include "storage/postgres/pg_target.h"
#include "storage/sql/sql_builder.h"
#include "tools/json_text.h"

#include <gtest/gtest.h>

namespace events {
namespace {

class FakeRow : public SqlRow {
public:
    explicit FakeRow(std::vector<const char*> cells) : cells_(std::move(cells)) {}
    int column_count() const override { return static_cast<int>(cells_.size()); }
    bool is_null(int c) const override { return cells_[c] == nullptr; }
    int64_t get_int64(int c) const override { return std::stoll(cells_[c]); }
    double get_double(int c) const override { return std::stod(cells_[c]); }
    std::string_view get_text(int c) const override { return cells_[c]; }

private:
    std::vector<const char*> cells_;
};

Field field_of(FieldType t) {
    Field f;
    f.name.assign(1, 'f');   // (not `= "f"`: GCC 12 warns falsely about that assignment here)
    f.lower = f.name;
    f.type = t;
    return f;
}

TEST(PostgresDialect, ContainsPatternEscapesEveryWildcard) {
    PgDialect d;
    EXPECT_EQ(d.contains_pattern("50%_off\\x"), "%50\\%\\_off\\\\x%");
    EXPECT_EQ(d.contains_pattern("plain"), "%plain%");
    // The pattern travels as a parameter; the expression only names the placeholder,
    // and LIKE runs under "C" on the (already folded) form: no lower(), no ILIKE.
    const std::string expr = d.contains_expr("\"title$cf\"", "$3");
    EXPECT_EQ(expr, "\"title$cf\" COLLATE \"C\" LIKE $3::text ESCAPE '\\'");
}

TEST(PostgresDialect, FormsCompareAsBytesWithoutFolding) {
    // The comparison form arrives folded (core/comparison_form.h); PostgreSQL only
    // compares its bytes: nothing may fold again (lower() would, ASCII-only, under "C").
    PgDialect d;
    EXPECT_EQ(d.form_column_type(), "TEXT COLLATE \"C\"");
    EXPECT_EQ(d.text_key("\"name$cf\""), "\"name$cf\" COLLATE \"C\"");
    EXPECT_EQ(d.text_param("$1"), "$1::text");
    EXPECT_EQ(d.order_term("x", true), "x DESC NULLS LAST");
    EXPECT_EQ(d.order_term("x", false), "x ASC NULLS LAST");
}

TEST(PostgresDialect, NativeColumnTypes) {
    PgDialect d;
    EXPECT_EQ(d.column_type(field_of(FieldType::Integer)), "BIGINT");
    EXPECT_EQ(d.column_type(field_of(FieldType::Currency)), "NUMERIC");
    EXPECT_EQ(d.column_type(field_of(FieldType::Number)), "DOUBLE PRECISION");
    EXPECT_EQ(d.column_type(field_of(FieldType::Boolean)), "BOOLEAN");
    EXPECT_EQ(d.column_type(field_of(FieldType::Date)), "DATE");
    EXPECT_EQ(d.column_type(field_of(FieldType::Datetime)), "TIMESTAMPTZ");
    EXPECT_EQ(d.column_type(field_of(FieldType::Json)), "JSONB");
    EXPECT_EQ(d.column_type(field_of(FieldType::StringArray)), "JSONB");
    EXPECT_EQ(d.column_type(field_of(FieldType::String)).substr(0, 4), "TEXT");
}

TEST(PostgresDialect, TimestampsBecomeCanonicalMilliseconds) {
    EXPECT_EQ(pg_timestamp_to_canonical("2025-11-12 20:11:17.123+00"), "2025-11-12T20:11:17.123Z");
    EXPECT_EQ(pg_timestamp_to_canonical("2025-11-12 20:11:17+00"), "2025-11-12T20:11:17.000Z");
    EXPECT_EQ(pg_timestamp_to_canonical("2025-11-12 20:11:17.5+00"), "2025-11-12T20:11:17.500Z");
    EXPECT_EQ(pg_timestamp_to_canonical("2025-11-12 20:11:17.123999+00"), "2025-11-12T20:11:17.123Z");
    EXPECT_EQ(pg_timestamp_to_canonical("2025-11-12 22:11:17.123+02:00"), "2025-11-12T20:11:17.123Z");
}

TEST(PostgresDialect, DecodesTextCellsIntoCanonicalValues) {
    PgDialect d;
    FakeRow row({"t", "f", "9007199254740993", "236153.61", "0.30000000000000004", "2025-11-12",
                 "2025-11-12 20:11:17.123+00", "{\"a\": [1, \"x\"], \"b\": null}", nullptr});
    EXPECT_EQ(d.decode(field_of(FieldType::Boolean), row, 0), boost::json::value(true));
    EXPECT_EQ(d.decode(field_of(FieldType::Boolean), row, 1), boost::json::value(false));
    EXPECT_EQ(d.decode(field_of(FieldType::Integer), row, 2), boost::json::value(int64_t{9007199254740993}));
    EXPECT_EQ(d.decode(field_of(FieldType::Currency), row, 3), boost::json::value(236153.61));
    EXPECT_EQ(d.decode(field_of(FieldType::Number), row, 4), boost::json::value(0.1 + 0.2));
    EXPECT_EQ(d.decode(field_of(FieldType::Date), row, 5), boost::json::value("2025-11-12"));
    EXPECT_EQ(d.decode(field_of(FieldType::Datetime), row, 6), boost::json::value("2025-11-12T20:11:17.123Z"));
    EXPECT_EQ(to_json_text(d.decode(field_of(FieldType::Json), row, 7)), R"({"a":[1,"x"],"b":null})");
    EXPECT_TRUE(d.decode(field_of(FieldType::String), row, 8).is_null());
}

TEST(PostgresDialect, ClassifiesSqlStates) {
    PgDialect d;
    SqlFailure f = d.classify(SqlError("dup", 0, "23505", "User_pkey"));
    EXPECT_EQ(f.kind, SqlFailure::Kind::Unique);
    EXPECT_TRUE(f.primary_key);
    f = d.classify(SqlError("dup", 0, "23505", "ux_User_email"));
    EXPECT_EQ(f.kind, SqlFailure::Kind::Unique);
    EXPECT_FALSE(f.primary_key);
    EXPECT_EQ(f.index_name, "ux_User_email");
    EXPECT_EQ(d.classify(SqlError("fk", 0, "23503")).kind, SqlFailure::Kind::ForeignKey);
    EXPECT_EQ(d.classify(SqlError("nn", 0, "23502")).kind, SqlFailure::Kind::NotNull);
    // docs/DECISIONS.md §4.5: an index entry over the btree limit is the value's fault (422), not a 500.
    EXPECT_EQ(d.classify(SqlError("index row size 2720 exceeds btree version 4 maximum 2704", 0, "54000")).kind,
              SqlFailure::Kind::ValueTooLarge);
    EXPECT_EQ(d.classify(SqlError("gone", 0, "08006")).kind, SqlFailure::Kind::ConnectionLost);
    EXPECT_EQ(d.classify(SqlError("admin", 0, "57P01")).kind, SqlFailure::Kind::ConnectionLost);
    EXPECT_EQ(d.classify(SqlError("starting", 0, "57P03")).kind, SqlFailure::Kind::ConnectionLost);
    EXPECT_EQ(d.classify(SqlError("deadlock", 0, "40P01")).kind, SqlFailure::Kind::Busy);
    EXPECT_EQ(d.classify(SqlError("syntax", 0, "42601")).kind, SqlFailure::Kind::Other);
}

// Which lists may keep one plan (SqlBuilder::plan_fits_any_values()), and how a first
// page spells its bounds: numbers on PostgreSQL, placeholders deeper down.
TEST(PostgresDialect, FirstPagesWithEqualityFiltersKeepOnePlan) {
    const Schema schema = Schema::load_text(R"(
_entities:
  Person:
    fields:
      name: {type: String}
      age: {type: Integer}
)");
    const Entity& person = *schema.find("Person");
    PgDialect d;
    SqlBuilder builder(d, false, true);
    auto query = [&](FilterOp op, int64_t offset) {
        ListQuery q;
        q.filters.push_back({person.find_field("name"), op, boost::json::value("ann")});
        q.sort.push_back({&person.id_field(), false});
        q.limit = 25;
        q.offset = offset;
        return q;
    };
    EXPECT_TRUE(builder.plan_fits_any_values(query(FilterOp::Eq, 0)));
    EXPECT_FALSE(builder.plan_fits_any_values(query(FilterOp::Contains, 0))) << "a substring is planned per value";
    EXPECT_FALSE(builder.plan_fits_any_values(query(FilterOp::Gt, 0))) << "so is a range";
    EXPECT_FALSE(builder.plan_fits_any_values(query(FilterOp::Eq, 25))) << "and an offset bound at execution";
    ListQuery none;
    none.sort.push_back({&person.id_field(), false});
    none.limit = 25;
    EXPECT_TRUE(builder.plan_fits_any_values(none));

    const SqlStatement first = builder.list(person, query(FilterOp::Eq, 0));
    EXPECT_NE(first.sql.find("LIMIT 25 OFFSET 0"), std::string::npos) << first.sql;
    EXPECT_EQ(first.params.size(), 1u) << "only the filter value is a parameter";
    const SqlStatement deeper = builder.list(person, query(FilterOp::Eq, 25));
    EXPECT_EQ(deeper.sql.find("LIMIT 25"), std::string::npos) << deeper.sql;
    EXPECT_EQ(deeper.params.size(), 3u);

    // The total rides in the last column, its parameters numbered in text order.
    const SqlStatement with_total = builder.list_with_total(person, query(FilterOp::Eq, 0));
    EXPECT_NE(with_total.sql.find(", (SELECT count(*) FROM \"Person\" WHERE"), std::string::npos) << with_total.sql;
    EXPECT_LT(with_total.sql.find("$1"), with_total.sql.find("$2")) << with_total.sql;
    EXPECT_EQ(with_total.params.size(), 2u);
}

TEST(PostgresTarget, DescriptionMasksThePassword) {
    PgTarget t("postgresql://app:s3cr3t@db.example:6543/fromuri?sslmode=disable", "fromuri");
    const std::string info = to_json_text(t.describe());
    EXPECT_EQ(info.find("s3cr3t"), std::string::npos) << info;
    EXPECT_EQ(t.describe().at("uri"), boost::json::value("postgresql://app:***@db.example:6543/fromuri"));
    EXPECT_EQ(t.database(), "fromuri");
    EXPECT_EQ(PgTarget("postgresql://app@h:1/fromuri", "").database(), "fromuri");
    EXPECT_EQ(PgTarget("postgresql://app@h:1", "mine").database(), "mine");
    EXPECT_EQ(PgTarget("postgresql://app@h:1", "").database(), "events");
    bool has_password = false;
    for (const auto& [k, v] : t.params_for("x")) has_password |= (k == "password" && v == "s3cr3t");
    EXPECT_TRUE(has_password);
}

// The URI's database is honoured; a db_name naming another one is a conflict, refused
// with both names, never resolved silently (docs/OPERATIONS.md).
TEST(PostgresTarget, RefusesTwoDifferentDatabaseNames) {
    try {
        PgTarget("postgresql://app:pw@h:1/library", "events");
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "the PostgreSQL URI names the database 'library' and db_name names 'events': "
                               "name it in one place, or the same in both");
    }
}

TEST(PostgresTarget, RejectsAnUnparsableUriWithoutEchoingIt) {
    try {
        PgTarget("postgresql://u:pw@host:notaport:x/db?bogus_option=1", "events");
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("pw@"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace events
