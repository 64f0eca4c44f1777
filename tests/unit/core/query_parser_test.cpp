#include "core/query_parser.h"

#include "core/notifications.h"
#include "core/schema.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace events {
namespace {

const Schema& bundled() {
    static const Schema schema = Schema::load_bundled();
    return schema;
}

const Entity& entity(const char* name) {
    const Entity* e = bundled().find(name);
    if (!e) throw std::runtime_error(std::string("no entity ") + name + " in the bundled schema");
    return *e;
}

RequestParams parse(const char* entity_name, const QueryPairs& query) {
    return parse_request_params(bundled(), entity(entity_name), query);
}

// The single 400 notice the query must produce (empty Notice + a failure when it does not).
Notice error_of(const char* entity_name, const QueryPairs& query) {
    try {
        parse(entity_name, query);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_EQ(e.errors().size(), 1u);
        if (e.errors().empty()) return {};
        EXPECT_EQ(e.errors().front().first, "general");
        EXPECT_EQ(e.errors().front().second.type, "bad_request");
        return e.errors().front().second;
    }
    ADD_FAILURE() << "expected a 400";
    return {};
}

std::string message_of(const char* entity_name, const QueryPairs& query) {
    return error_of(entity_name, query).message;
}

// ---- parameter names ---------------------------------------------------------

TEST(QueryParams, DefaultsArePageOneOfTwentyFiveSortedById) {
    RequestParams p = parse("User", {});
    EXPECT_EQ(p.page, 1);
    EXPECT_EQ(p.page_size, 25);
    EXPECT_EQ(p.query.offset, 0);
    EXPECT_EQ(p.query.limit, 25);
    EXPECT_TRUE(p.query.filters.empty());
    ASSERT_EQ(p.query.sort.size(), 1u);
    EXPECT_EQ(p.query.sort[0].field->name, "id");
    EXPECT_FALSE(p.query.sort[0].descending);
    EXPECT_FALSE(p.id_filter);
    EXPECT_TRUE(p.views.empty());
    EXPECT_FALSE(p.full_match);
    EXPECT_FALSE(p.no_consistency);
}

TEST(QueryParams, UnknownParameterIsNamedAsGiven) {
    EXPECT_EQ(message_of("User", {{"Limit", "5"}}),
              "Unknown query parameter=Limit. Valid parameters: page, pageSize, sort, filter, view, "
              "no_consistency, full_match, count");
    EXPECT_EQ(message_of("User", {{" invalid", "x"}}),
              "Unknown query parameter= invalid. Valid parameters: page, pageSize, sort, filter, view, "
              "no_consistency, full_match, count");
    EXPECT_EQ(message_of("User", {{"substring_match", "full"}}),
              "Unknown query parameter=substring_match. Valid parameters: page, pageSize, sort, filter, view, "
              "no_consistency, full_match, count");
}

TEST(QueryParams, NamesAreCaseInsensitive) {
    RequestParams p = parse("User", {{"PAGE", "2"}, {"PAGESIZE", "10"}, {"SoRt", "lastName"},
                                     {"FILTER", "gender:male"}, {"View", "account(name)"},
                                     {"NO_CONSISTENCY", "yes"}, {"Full_Match", ""}});
    EXPECT_EQ(p.page, 2);
    EXPECT_EQ(p.page_size, 10);
    EXPECT_EQ(p.query.sort.front().field->name, "lastName");
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.views.size(), 1u);
    EXPECT_TRUE(p.no_consistency);
    EXPECT_TRUE(p.full_match);
}

TEST(QueryParams, LastOccurrenceWinsAcrossSpellings) {
    RequestParams p = parse("User", {{"page", "2"}, {"PAGE", "5"}, {"sort", "firstName"}, {"Sort", "lastName"}});
    EXPECT_EQ(p.page, 5);
    ASSERT_EQ(p.query.sort.size(), 2u);
    EXPECT_EQ(p.query.sort[0].field->name, "lastName");
}

TEST(QueryParams, FullMatchIsAPresenceFlagEvenAfterTheFilter) {
    for (const char* value : {"", "false", "0", "true"}) {
        RequestParams p = parse("User", {{"filter", "lastName:Smith"}, {"full_match", value}});
        EXPECT_TRUE(p.full_match) << value;
        ASSERT_EQ(p.query.filters.size(), 1u);
        EXPECT_EQ(p.query.filters[0].op, FilterOp::Eq) << value;
    }
}

TEST(QueryParams, NoConsistencyAcceptsTrueOneYes) {
    for (const char* yes : {"true", "1", "yes", "TRUE", "Yes"})
        EXPECT_TRUE(parse("User", {{"no_consistency", yes}}).no_consistency) << yes;
    for (const char* no : {"false", "0", "no", "", "maybe"})
        EXPECT_FALSE(parse("User", {{"no_consistency", no}}).no_consistency) << no;
}

// ---- paging ------------------------------------------------------------------

TEST(QueryPaging, PageAndSizeGiveOffsetAndLimit) {
    RequestParams p = parse("User", {{"page", "3"}, {"pageSize", "10"}});
    EXPECT_EQ(p.page, 3);
    EXPECT_EQ(p.page_size, 10);
    EXPECT_EQ(p.query.offset, 20);
    EXPECT_EQ(p.query.limit, 10);
}

TEST(QueryPaging, PageSizeOfOneThousandIsAllowed) {
    RequestParams p = parse("User", {{"pageSize", "1000"}});
    EXPECT_EQ(p.query.limit, 1000);
    EXPECT_EQ(message_of("User", {{"pageSize", "1001"}}), "Page Size must be <= 1000. PageSize=1001");
}

TEST(QueryPaging, BadValuesAreRejectedWithTheReferenceMessages) {
    EXPECT_EQ(message_of("User", {{"page", "abc"}}), "Bad Page Number abc");
    EXPECT_EQ(message_of("User", {{"page", "1.5"}}), "Bad Page Number 1.5");
    EXPECT_EQ(message_of("User", {{"page", ""}}), "Bad Page Number ");
    EXPECT_EQ(message_of("User", {{"page", "0"}}), "Page Number must be >= 1. Page=0");
    EXPECT_EQ(message_of("User", {{"page", "-2"}}), "Page Number must be >= 1. Page=-2");
    EXPECT_EQ(message_of("User", {{"pageSize", "abc"}}), "Bad Page Size abc");
    EXPECT_EQ(message_of("User", {{"pageSize", "0"}}), "Page Size must be >= 1. PageSize=0");
    EXPECT_EQ(message_of("User", {{"pageSize", "-1"}}), "Page Size must be >= 1. PageSize=-1");
    EXPECT_EQ(message_of("User", {{"pageSize", "99999999999999999999"}}), "Bad Page Size 99999999999999999999");
}

TEST(QueryPaging, HugePageDoesNotOverflowTheOffset) {
    RequestParams p = parse("User", {{"page", "9223372036854775807"}, {"pageSize", "1000"}});
    EXPECT_EQ(p.query.offset, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(p.query.limit, 1000);
}

// ---- sort --------------------------------------------------------------------

TEST(QuerySort, FieldsResolveCaseInsensitivelyAndIdIsAppended) {
    RequestParams p = parse("User", {{"sort", "LASTNAME:DESC,firstname:Asc"}});
    ASSERT_EQ(p.query.sort.size(), 3u);
    EXPECT_EQ(p.query.sort[0].field->name, "lastName");
    EXPECT_TRUE(p.query.sort[0].descending);
    EXPECT_EQ(p.query.sort[1].field->name, "firstName");
    EXPECT_FALSE(p.query.sort[1].descending);
    EXPECT_EQ(p.query.sort[2].field->name, "id");
    EXPECT_FALSE(p.query.sort[2].descending);
}

TEST(QuerySort, NoTieBreakerWhenIdIsAlreadyAKey) {
    RequestParams p = parse("User", {{"sort", "id:desc"}});
    ASSERT_EQ(p.query.sort.size(), 1u);
    EXPECT_TRUE(p.query.sort[0].descending);

    p = parse("User", {{"sort", "lastName:desc,ID"}});
    ASSERT_EQ(p.query.sort.size(), 2u);
    EXPECT_EQ(p.query.sort[1].field->name, "id");
    EXPECT_FALSE(p.query.sort[1].descending);
}

TEST(QuerySort, EmptyItemsAndEmptySortAreFine) {
    RequestParams p = parse("User", {{"sort", ""}});
    ASSERT_EQ(p.query.sort.size(), 1u);
    EXPECT_EQ(p.query.sort[0].field->name, "id");

    p = parse("User", {{"sort", ",netWorth,,"}});
    ASSERT_EQ(p.query.sort.size(), 2u);
    EXPECT_EQ(p.query.sort[0].field->name, "netWorth");
}

// Every field sort and filter accept, for the "Valid fields" hints (JSON/Array fields excluded).
const std::string kUserFields = "id, username, email, password, firstName, lastName, gender, dob, address, city, state, zip, isAccountOwner, netWorth, accountId, createdAt, updatedAt";
const std::string kUnknownUserSortField = "Unknown sort field. Valid fields: " + kUserFields;

TEST(QuerySort, Errors) {
    Notice unknown = error_of("User", {{"sort", "NoSuchField:asc"}});
    EXPECT_EQ(unknown.message, kUnknownUserSortField);
    EXPECT_EQ(unknown.field, "NoSuchField");

    Notice direction = error_of("User", {{"sort", "LASTNAME:down"}});
    EXPECT_EQ(direction.message, "Invalid sort direction. Use 'asc' or 'desc'");
    EXPECT_EQ(direction.field, "lastName");

    EXPECT_EQ(message_of("User", {{"sort", ":desc"}}), "Empty field name in sort");
    // A colon announces a direction, so an empty one is an error rather than a silent asc.
    EXPECT_EQ(message_of("User", {{"sort", "lastName:"}}), "Invalid sort direction. Use 'asc' or 'desc'");

    // An encoded comma arrives decoded: "desc" is then a field name.
    Notice comma = error_of("User", {{"sort", "firstName,desc"}});
    EXPECT_EQ(comma.message, kUnknownUserSortField);
    EXPECT_EQ(comma.field, "desc");
}

// The sign prefix of other APIs is answered with this API's spelling (docs/API.md "Reads").
TEST(QuerySort, SignPrefixSuggestsTheDirection) {
    Notice minus = error_of("User", {{"sort", "-lastName"}});
    EXPECT_EQ(minus.message, "Unknown sort field. Use lastName:desc for descending order");
    EXPECT_EQ(minus.field, "-lastName");
    EXPECT_EQ(message_of("User", {{"sort", "+LASTNAME"}}), "Unknown sort field. Use lastName:asc for ascending order");
    // A sign before a name that is no field gets the list.
    EXPECT_EQ(message_of("User", {{"sort", "-shoeSize"}}), kUnknownUserSortField);
}

TEST(QuerySort, JsonAndArrayFieldsCannotBeSorted) {
    EXPECT_EQ(message_of("Url", {{"sort", "params"}}), "Field params cannot be sorted");
    EXPECT_EQ(message_of("Event", {{"sort", "tags:desc"}}), "Field tags cannot be sorted");
}

// ---- filter: grammar ---------------------------------------------------------

TEST(QueryFilter, TextEqualityIsContainsAndKeepsTheValueCase) {
    RequestParams p = parse("User", {{"filter", "LASTNAME:SmItH"}});
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.query.filters[0].field->name, "lastName");
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Contains);
    EXPECT_EQ(p.query.filters[0].value, "SmItH");
}

TEST(QueryFilter, ExplicitEqOnTextIsAlsoContainsWithoutFullMatch) {
    EXPECT_EQ(parse("User", {{"filter", "lastName:eq:smith"}}).query.filters.at(0).op, FilterOp::Contains);
    EXPECT_EQ(parse("User", {{"filter", "lastName:eq:smith"}, {"full_match", ""}}).query.filters.at(0).op,
              FilterOp::Eq);
}

TEST(QueryFilter, EnumIsExactAndKeepsCase) {
    RequestParams p = parse("User", {{"filter", "gender:Male"}});
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Eq);
    EXPECT_EQ(p.query.filters[0].value, "Male");
}

TEST(QueryFilter, OperatorsMapIncludingGeLeAndNe) {
    RequestParams p = parse("User", {{"filter", "netWorth:GT:1,netWorth:gte:2,netWorth:lt:3,netWorth:LTE:4,"
                                                "netWorth:ge:5,netWorth:le:6,netWorth:ne:7,netWorth:eq:8,"
                                                "lastName:ne:x,lastName:gt:m"}});
    ASSERT_EQ(p.query.filters.size(), 10u);
    const FilterOp expected[] = {FilterOp::Gt, FilterOp::Gte, FilterOp::Lt, FilterOp::Lte, FilterOp::Gte,
                                 FilterOp::Lte, FilterOp::Ne, FilterOp::Eq, FilterOp::Ne, FilterOp::Gt};
    for (size_t i = 0; i < 10; ++i) EXPECT_EQ(p.query.filters[i].op, expected[i]) << i;
    EXPECT_EQ(p.query.filters[6].value, 7.0);
}

TEST(QueryFilter, SeveralConditionsOnOneFieldAreAllKept) {
    RequestParams p = parse("User", {{"filter", "netWorth:gte:25000,netWorth:lte:75000,lastName:a,lastName:b"}});
    ASSERT_EQ(p.query.filters.size(), 4u);
    EXPECT_EQ(p.query.filters[0].value, 25000.0);
    EXPECT_EQ(p.query.filters[1].value, 75000.0);
    EXPECT_EQ(p.query.filters[2].value, "a");
    EXPECT_EQ(p.query.filters[3].value, "b");
}

TEST(QueryFilter, EmptyConditionsAreSkipped) {
    EXPECT_TRUE(parse("User", {{"filter", ""}}).query.filters.empty());
    EXPECT_EQ(parse("User", {{"filter", ",,gender:male,"}}).query.filters.size(), 1u);
}

TEST(QueryFilter, LastFilterParameterWins) {
    RequestParams p = parse("User", {{"filter", "lastName:a"}, {"filter", "firstName:b"}});
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.query.filters[0].field->name, "firstName");
}

TEST(QueryFilter, QuotedValuesMayContainColons) {
    RequestParams p = parse("UserEvent", {{"filter", "note:\"a:b:c\",note:eq:'x:y'"}});
    ASSERT_EQ(p.query.filters.size(), 2u);
    EXPECT_EQ(p.query.filters[0].value, "a:b:c");
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Contains);
    EXPECT_EQ(p.query.filters[1].value, "x:y");
}

TEST(QueryFilter, QuotedTextThatNamesAnOperatorIsAValue) {
    RequestParams p = parse("User", {{"filter", "lastName:'gte'"}});
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Contains);
    EXPECT_EQ(p.query.filters[0].value, "gte");
}

TEST(QueryFilter, UnbalancedQuoteIsA400NamingTheCondition) {
    EXPECT_EQ(message_of("User", {{"filter", "lastName:\"abc"}}),
              "Missing closing quote in filter condition lastName:\"abc");
    EXPECT_EQ(message_of("User", {{"filter", "gender:male,lastName:gte:\"Lee, Jr"}}),
              "Missing closing quote in filter condition lastName:gte:\"Lee, Jr");
    // An escaped quote does not close the value.
    EXPECT_EQ(message_of("User", {{"filter", "lastName:\"abc\\\""}}),
              "Missing closing quote in filter condition lastName:\"abc\\\"");
}

// docs/DECISIONS.md §2.25: quoted values keep commas and colons.
TEST(QueryFilter, QuotedValuesKeepCommas) {
    RequestParams p = parse("User", {{"filter", "lastName:\"Lee, Jr\",gender:male"}});
    ASSERT_EQ(p.query.filters.size(), 2u);
    EXPECT_EQ(p.query.filters[0].field->name, "lastName");
    EXPECT_EQ(p.query.filters[0].value, "Lee, Jr");
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Contains);
    EXPECT_EQ(p.query.filters[1].field->name, "gender");
    EXPECT_EQ(p.query.filters[1].value, "male");
    // After an operator too, and several commas and colons at once.
    RequestParams q = parse("User", {{"filter", "lastName:gte:\"a,b:c,,d\",firstName:x"}});
    ASSERT_EQ(q.query.filters.size(), 2u);
    EXPECT_EQ(q.query.filters[0].op, FilterOp::Gte);
    EXPECT_EQ(q.query.filters[0].value, "a,b:c,,d");
    EXPECT_EQ(q.query.filters[1].value, "x");
}

TEST(QueryFilter, EscapesInsideQuotes) {
    RequestParams p = parse("User", {{"filter", R"(lastName:"say \"hi\": a\\b",firstName:"C:\temp, \q")"}});
    ASSERT_EQ(p.query.filters.size(), 2u);
    EXPECT_EQ(p.query.filters[0].value, R"(say "hi": a\b)");
    // Other backslashes stay as written.
    EXPECT_EQ(p.query.filters[1].value, R"(C:\temp, \q)");
}

// Single quotes keep the original framework's meaning (colons, no commas; docs/API.md "Reads"); an apostrophe is
// otherwise an ordinary character.
TEST(QueryFilter, ApostrophesAreOrdinaryCharacters) {
    RequestParams p = parse("User", {{"filter", "lastName:'; DROP TABLE x,firstName:O'Brien,city:'a:b'"}});
    ASSERT_EQ(p.query.filters.size(), 3u);
    EXPECT_EQ(p.query.filters[0].value, "'; DROP TABLE x");
    EXPECT_EQ(p.query.filters[1].value, "O'Brien");
    EXPECT_EQ(p.query.filters[2].value, "a:b");
    EXPECT_EQ(message_of("User", {{"filter", "lastName:'Lee, Jr'"}}),
              "Invalid filter format. Use field:value instead of  Jr'. A value holding a comma needs quotes: "
              "lastName:\"Lee, Jr\"");
}

TEST(QueryFilter, UnquotedValuesStillSplitAtCommas) {
    // `Lee,Jr` unquoted is two conditions; the second has no colon.
    EXPECT_EQ(message_of("User", {{"filter", "lastName:Lee,Jr"}}),
              "Invalid filter format. Use field:value instead of Jr. A value holding a comma needs quotes: "
              "lastName:\"Lee,Jr\"");
    // The suggestion keeps the operator and escapes quotes and backslashes.
    EXPECT_EQ(message_of("User", {{"filter", "lastName:eq:Lee, Jr \"2\""}}),
              "Invalid filter format. Use field:value instead of  Jr \"2\". A value holding a comma needs quotes: "
              "lastName:eq:\"Lee, Jr \\\"2\\\"\"");
    // A quote inside an unquoted value is an ordinary character.
    RequestParams p = parse("User", {{"filter", "lastName:12\" pizza"}});
    EXPECT_EQ(p.query.filters.at(0).value, "12\" pizza");
}

TEST(QueryFilter, TextAfterTheClosingQuoteIsA400) {
    EXPECT_EQ(message_of("User", {{"filter", "lastName:\"Lee\" Jr,gender:male"}}),
              "Invalid filter format. Text after the closing quote in lastName:\"Lee\" Jr");
    EXPECT_EQ(message_of("User", {{"filter", "lastName:\"\""}}), "Missing filter value in lastName:\"\"");
}

// docs/DECISIONS.md §2.24: NUL and bytes that are no UTF-8 are a 400 naming the parameter.
TEST(QueryParams, NulAndInvalidUtf8AreRefused) {
    for (const char* name : {"filter", "sort", "view", "page", "pageSize", "count"}) {
        Notice n = error_of("User", {{name, std::string("lastName:Ab\0cd", 14)}});
        EXPECT_EQ(n.message, std::string("Query parameter ") + name + " must not contain the NUL character (U+0000)");
        EXPECT_EQ(n.parameter, [&] {
            std::string l(name);
            for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return l;
        }());
    }
    Notice bad = error_of("User", {{"filter", "lastName:\xff\xfe"}});
    EXPECT_EQ(bad.message, "Query parameter filter must be valid UTF-8");
    EXPECT_EQ(bad.parameter, "filter");
    EXPECT_EQ(message_of("User", {{std::string("fil\0ter", 7), "x"}}),
              "Query parameter names must not contain the NUL character (U+0000)");
}

// docs/DECISIONS.md §3, optional totals.
TEST(QueryParams, CountIsExactByDefaultOrNone) {
    EXPECT_TRUE(parse("User", {}).query.with_total);
    EXPECT_TRUE(parse("User", {{"count", "exact"}}).query.with_total);
    EXPECT_FALSE(parse("User", {{"count", "none"}}).query.with_total);
    EXPECT_FALSE(parse("User", {{"COUNT", "None"}}).query.with_total);
    Notice n = error_of("User", {{"count", "fast"}});
    EXPECT_EQ(n.message, "Invalid count value fast. Use 'exact' or 'none'");
    EXPECT_EQ(n.parameter, "count");
    EXPECT_EQ(n.value, "fast");
}

TEST(QueryFilter, UnquotedDatetimeWithColonsAfterAnOperator) {
    RequestParams p = parse("Event", {{"filter", "dateTime:gte:2025-01-01T10:00:00Z"}});
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.query.filters[0].field->name, "dateTime");
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Gte);
    EXPECT_EQ(p.query.filters[0].value, "2025-01-01T10:00:00.000Z");
}

TEST(QueryFilter, ColonsInAnUnquotedEqualityValueReadAsAnOperator) {
    Notice n = error_of("User", {{"filter", "firstName:10:30"}});
    EXPECT_EQ(n.message, "Unknown operator=10. A value holding colons needs quotes or an operator: "
                         "firstName:\"10:30\" or firstName:eq:10:30");
    EXPECT_EQ(n.field, "firstName");
    EXPECT_EQ(n.parameter, "filter");
    // A word was meant as an operator: the operators are listed.
    EXPECT_EQ(message_of("User", {{"filter", "lastName:Like:x"}}), "Unknown operator=Like. Use eq, ne, gt, gte, lt or lte");
}

// A datetime equality written without quotes or operator: the message shows both fixes,
// and both work (docs/API.md "Reads").
TEST(QueryFilter, DatetimeEqualityNamesTheFix) {
    Notice n = error_of("User", {{"filter", "createdAt:2026-11-19T16:00:00Z"}});
    EXPECT_EQ(n.message, "Unknown operator=2026-11-19T16. A value holding colons needs quotes or an operator: "
                         "createdAt:\"2026-11-19T16:00:00Z\" or createdAt:eq:2026-11-19T16:00:00Z");
    EXPECT_EQ(n.field, "createdAt");
    for (const char* fixed : {"createdAt:\"2026-11-19T16:00:00Z\"", "createdAt:eq:2026-11-19T16:00:00Z"}) {
        RequestParams p = parse("User", {{"filter", fixed}});
        ASSERT_EQ(p.query.filters.size(), 1u) << fixed;
        EXPECT_EQ(p.query.filters[0].op, FilterOp::Eq) << fixed;
        EXPECT_EQ(p.query.filters[0].value, "2026-11-19T16:00:00.000Z") << fixed;
    }
}

TEST(QueryFilter, GrammarErrors) {
    EXPECT_EQ(message_of("User", {{"filter", "gender"}}),
              "Invalid filter format. Use field:value instead of gender");
    // A field name without its value gets no quoting hint: it is no rest of a value.
    EXPECT_EQ(message_of("User", {{"filter", "gender:male,lastName"}}),
              "Invalid filter format. Use field:value instead of lastName");

    Notice field = error_of("User", {{"filter", "NoSuch:x"}});
    EXPECT_EQ(field.message, "Invalid filter field. Valid fields: " + kUserFields);
    EXPECT_EQ(field.field, "NoSuch");

    EXPECT_EQ(message_of("User", {{"filter", "gender:"}}), "Missing filter value in gender:");
    EXPECT_EQ(message_of("User", {{"filter", "gender:eq:"}}), "Missing filter value in gender:eq:");
    EXPECT_EQ(message_of("User", {{"filter", "gender:\"\""}}), "Missing filter value in gender:\"\"");
}

TEST(QueryFilter, JsonAndArrayFieldsCannotBeFiltered) {
    Notice json = error_of("Url", {{"filter", "params:x"}});
    EXPECT_EQ(json.message, "Field params cannot be filtered");
    EXPECT_EQ(json.field, "params");
    EXPECT_EQ(message_of("Event", {{"filter", "TAGS:music"}}), "Field tags cannot be filtered");
}

// ---- filter: value conversion ------------------------------------------------

void expect_bad_value(const char* entity_name, const std::string& filter, const std::string& message,
                      const std::string& field, const std::string& raw) {
    Notice n = error_of(entity_name, {{"filter", filter}});
    EXPECT_EQ(n.message, message) << filter;
    EXPECT_EQ(n.field, field) << filter;
    EXPECT_EQ(n.value, boost::json::value(raw)) << filter;
    EXPECT_EQ(n.parameter, "filter") << filter;
}

TEST(QueryFilter, BooleanValues) {
    for (const char* t : {"true", "1", "yes", "TRUE", "Yes"}) {
        RequestParams p = parse("User", {{"filter", std::string("isAccountOwner:") + t}});
        EXPECT_EQ(p.query.filters.at(0).value, true) << t;
        EXPECT_EQ(p.query.filters.at(0).op, FilterOp::Eq);
    }
    for (const char* f : {"false", "0", "no", "False", "NO"})
        EXPECT_EQ(parse("User", {{"filter", std::string("isAccountOwner:") + f}}).query.filters.at(0).value, false)
            << f;
    expect_bad_value("User", "isaccountowner:maybe", "Invalid boolean value. Use true/false", "isAccountOwner",
                     "maybe");
}

TEST(QueryFilter, IntegerValues) {
    RequestParams p = parse("Profile", {{"filter", "radiusMiles:gte:-10,radiusMiles:+5"}});
    ASSERT_EQ(p.query.filters.size(), 2u);
    ASSERT_TRUE(p.query.filters[0].value.is_int64());
    EXPECT_EQ(p.query.filters[0].value.as_int64(), -10);
    EXPECT_EQ(p.query.filters[1].value.as_int64(), 5);
    EXPECT_EQ(p.query.filters[1].op, FilterOp::Eq);
    expect_bad_value("Profile", "radiusMiles:1.5", "Invalid integer value", "radiusMiles", "1.5");
    expect_bad_value("Profile", "radiusMiles:gt:ten", "Invalid integer value", "radiusMiles", "ten");
}

TEST(QueryFilter, NumberAndCurrencyValues) {
    RequestParams p = parse("Event", {{"filter", "cost:12.5,cost:lt:100"}});
    ASSERT_TRUE(p.query.filters.at(0).value.is_double());
    EXPECT_EQ(p.query.filters[0].value.as_double(), 12.5);
    ASSERT_TRUE(p.query.filters.at(1).value.is_double());
    EXPECT_EQ(p.query.filters[1].value.as_double(), 100.0);
    expect_bad_value("Event", "cost:abc", "Invalid number value", "cost", "abc");
    expect_bad_value("Event", "cost:nan", "Invalid number value", "cost", "nan");
    expect_bad_value("User", "netWorth:gte:1e999", "Invalid currency value", "netWorth", "1e999");
    expect_bad_value("User", "NETWORTH:12abc", "Invalid currency value", "netWorth", "12abc");
}

TEST(QueryFilter, DateValuesAcceptDatetimesAndKeepTheUtcDate) {
    RequestParams p = parse("User", {{"filter", "dob:gte:1950-01-01,dob:lt:2000-01-01T23:30:00-02:00"}});
    ASSERT_EQ(p.query.filters.size(), 2u);
    EXPECT_EQ(p.query.filters[0].value, "1950-01-01");
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Gte);
    EXPECT_EQ(p.query.filters[1].value, "2000-01-02");
    EXPECT_EQ(p.query.filters[1].op, FilterOp::Lt);
    expect_bad_value("User", "dob:notadate", "Invalid date value", "dob", "notadate");
    expect_bad_value("User", "dob:2020-13-01", "Invalid date value", "dob", "2020-13-01");
}

TEST(QueryFilter, DatetimeValuesAcceptBareDatesAndQuotes) {
    RequestParams p = parse("Event", {{"filter", "dateTime:\"2025-01-01T10:00:00Z\","
                                                 "dateTime:gte:'2025-01-01T10:00:00+02:00',"
                                                 "DATETIME:lt:2025-01-02"}});
    ASSERT_EQ(p.query.filters.size(), 3u);
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Eq);
    EXPECT_EQ(p.query.filters[0].value, "2025-01-01T10:00:00.000Z");
    EXPECT_EQ(p.query.filters[1].value, "2025-01-01T08:00:00.000Z");
    EXPECT_EQ(p.query.filters[2].value, "2025-01-02T00:00:00.000Z");
    expect_bad_value("Event", "createdAt:gte:garbage", "Invalid datetime value", "createdAt", "garbage");
}

TEST(QueryFilter, ForeignKeyValuesAreLowerCasedAndExact) {
    RequestParams p = parse("User", {{"filter", "ACCOUNTID:01ABCDEF"}});
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.query.filters[0].field->name, "accountId");
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Eq);
    EXPECT_EQ(p.query.filters[0].value, "01abcdef");
    EXPECT_FALSE(p.id_filter);
}

TEST(QueryFilter, IdEqualitySetsIdFilterAndKeepsTheCondition) {
    RequestParams p = parse("User", {{"filter", "lastName:x,ID:01JCABC"}, {"sort", "lastName"}});
    ASSERT_TRUE(p.id_filter);
    EXPECT_EQ(*p.id_filter, "01jcabc");
    ASSERT_EQ(p.query.filters.size(), 2u);
    EXPECT_EQ(p.query.filters[1].field->name, "id");
    EXPECT_EQ(p.query.filters[1].op, FilterOp::Eq);
    EXPECT_EQ(p.query.filters[1].value, "01jcabc");
}

TEST(QueryFilter, IdRangeIsAnOrdinaryCondition) {
    RequestParams p = parse("User", {{"filter", "id:gt:01JC"}});
    EXPECT_FALSE(p.id_filter);
    ASSERT_EQ(p.query.filters.size(), 1u);
    EXPECT_EQ(p.query.filters[0].op, FilterOp::Gt);
    EXPECT_EQ(p.query.filters[0].value, "01jc");
}

// ---- view --------------------------------------------------------------------

TEST(QueryView, ResolvesFkAndFieldsCaseInsensitively) {
    RequestParams p = parse("User", {{"view", "ACCOUNT(NAME,createdat,id)"}});
    ASSERT_EQ(p.views.size(), 1u);
    EXPECT_EQ(p.views[0].fk->name, "accountId");
    EXPECT_EQ(p.views[0].entity->name, "Account");
    ASSERT_EQ(p.views[0].fields.size(), 3u);
    EXPECT_EQ(p.views[0].fields[0]->name, "name");
    EXPECT_EQ(p.views[0].fields[1]->name, "createdAt");
    EXPECT_EQ(p.views[0].fields[2]->name, "id");
}

TEST(QueryView, SeveralGroupsAndEmptyItems) {
    RequestParams p = parse("UserEvent", {{"view", "user(email, ,username),event(title,)"}});
    ASSERT_EQ(p.views.size(), 2u);
    EXPECT_EQ(p.views[0].fk->name, "userId");
    ASSERT_EQ(p.views[0].fields.size(), 2u);
    EXPECT_EQ(p.views[0].fields[1]->name, "username");
    EXPECT_EQ(p.views[1].fk->name, "eventId");
    EXPECT_EQ(p.views[1].entity->name, "Event");
    ASSERT_EQ(p.views[1].fields.size(), 1u);
}

TEST(QueryView, RepeatedGroupsForOneFkMerge) {
    RequestParams p = parse("User", {{"view", "account(name),Account(name,expireDate)"}});
    ASSERT_EQ(p.views.size(), 1u);
    ASSERT_EQ(p.views[0].fields.size(), 2u);
    EXPECT_EQ(p.views[0].fields[1]->name, "expireDate");
}

TEST(QueryView, TextOutsideGroupsIsInvalidAndEmptyViewIsIgnored) {
    const std::string format_tail = ". Use format: fk_name(field1,field2)";
    EXPECT_EQ(message_of("User", {{"view", "junk,account(name) trailing"}}),
              "Invalid view format=junk,account(name) trailing" + format_tail);
    EXPECT_EQ(message_of("User", {{"view", "account(name)xyz"}}), "Invalid view format=account(name)xyz" + format_tail);
    EXPECT_EQ(message_of("User", {{"view", "(name)"}}), "Invalid view format=(name)" + format_tail);
    EXPECT_EQ(parse("User", {{"view", " account(name) , account(id),"}}).views.size(), 1u);
    EXPECT_TRUE(parse("User", {{"view", ""}}).views.empty());
}

TEST(QueryFilter, ConditionCountAndValueLengthAreLimited) {
    std::string hundred;
    for (int i = 0; i < 100; ++i) hundred += (i ? "," : "") + std::string("lastName:gte:a");
    EXPECT_EQ(parse("User", {{"filter", hundred}}).query.filters.size(), 100u);
    EXPECT_EQ(message_of("User", {{"filter", hundred + ",lastName:x"}}), "Too many filter conditions: at most 100");
    EXPECT_EQ(parse("User", {{"filter", "lastName:" + std::string(256, 'a')}}).query.filters.size(), 1u);
    EXPECT_EQ(message_of("User", {{"filter", "lastName:" + std::string(257, 'a')}}),
              "Filter value too long: substring values have at most 256 characters");
    EXPECT_EQ(parse("User", {{"filter", "lastName:" + std::string(8191, 'a')}, {"full_match", "true"}}).query.filters.size(),
              1u);
    EXPECT_EQ(message_of("User", {{"filter", "lastName:" + std::string(8192, 'a')}, {"full_match", "true"}}),
              "Filter value too long: values have at most 8191 characters");
}

TEST(QueryView, ResolvesByTargetEntityName) {
    RequestParams p = parse("TagAffinity", {{"view", "Profile(name)"}});
    ASSERT_EQ(p.views.size(), 1u);
    EXPECT_EQ(p.views[0].fk->name, "profileId");
    EXPECT_EQ(p.views[0].entity->name, "Profile");
}

TEST(QueryView, Errors) {
    const std::string format_tail = ". Use format: fk_name(field1,field2)";
    EXPECT_EQ(message_of("User", {{"view", "account()"}}), "Invalid view format=account()" + format_tail);
    EXPECT_EQ(message_of("User", {{"view", "account( , )"}}), "Invalid view format=account( , )" + format_tail);
    EXPECT_EQ(message_of("User", {{"view", "account"}}), "Invalid view format=account" + format_tail);
    EXPECT_EQ(message_of("User", {{"view", "{\"account\":[\"name\"]}"}}),
              "Invalid view format={\"account\":[\"name\"]}" + format_tail);
    EXPECT_EQ(message_of("User", {{"view", "Nothing(x)"}}), "Unknown entity=Nothing in view");
    EXPECT_EQ(message_of("User", {{"view", "Event(title)"}}), "Entity=Event in view is not referenced by User");
    EXPECT_EQ(message_of("User", {{"view", "account(name,NoSuch)"}}), "Unknown field=account.NoSuch in view");
}

}  // namespace
}  // namespace events
