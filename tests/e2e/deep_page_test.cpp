// Pages far down a large list are exact on every backend: 10,010 documents loaded through
// the bulk path (`events import`), then page 401 of 25 (offset 10,000, past the 10,000-hit
// window of Elasticsearch/OpenSearch, which the reference could not serve) by id, in the
// default order and in a sorted one.
#include "e2e_fixture.h"

#include <fmt/format.h>

#include <cstdlib>

namespace events::e2e {
namespace {

class DeepPages : public E2ETest {};
E2E_INSTANTIATE(DeepPages);

constexpr int kDocuments = 10010;

std::string account_id(int i) { return fmt::format("acc_{:05d}", i); }

std::vector<std::string> ids_of(const HttpResponse& r) {
    std::vector<std::string> ids;
    for (const json::value& d : r.json.at("data").as_array()) ids.emplace_back(d.at("id").as_string());
    return ids;
}

TEST_P(DeepPages, PagePastTenThousandHitsIsExact) {
    std::string dump;
    for (int i = 0; i < kDocuments; ++i)
        dump += fmt::format(R"({{"entity":"Account","doc":{{"id":"{}","name":"Account {:05d}","credit":{},)"
                            R"("enabled":true,"createdAt":"2025-01-01T00:00:00.000Z","updatedAt":"2025-01-01T00:00:00.000Z"}}}})"
                            "\n",
                            account_id(i), i, i);
    write_file(dir() + "/dump.jsonl", dump);
    write_file(dir() + "/import.json", json::serialize(base_config()));
    const std::string command = std::string("'") + EVENTS_BINARY + "' import --config '" + dir() + "/import.json' <'" +
                                dir() + "/dump.jsonl' >'" + dir() + "/import.log' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << read_file(dir() + "/import.log");

    // Default order (id): offset 10,000 holds the last ten documents.
    HttpResponse r = get("/api/account?page=401&pageSize=25");
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(r.json.at("pagination").at("total"), kDocuments);
    std::vector<std::string> expected;
    for (int i = 10000; i < kDocuments; ++i) expected.push_back(account_id(i));
    EXPECT_EQ(ids_of(r), expected);

    // Descending credit: offset 10,000 holds credits 9..0.
    r = get("/api/account?page=401&pageSize=25&sort=credit:desc");
    ASSERT_TRUE(IsSuccess(r));
    expected.clear();
    for (int i = 9; i >= 0; --i) expected.push_back(account_id(i));
    EXPECT_EQ(ids_of(r), expected);

    // The page just inside the window agrees with its neighbour past it.
    r = get("/api/account?page=400&pageSize=25&sort=name:desc");
    ASSERT_TRUE(IsSuccess(r));
    expected.clear();
    for (int i = 34; i >= 10; --i) expected.push_back(account_id(i));
    EXPECT_EQ(ids_of(r), expected);

    // A filter with a page past the window: credit >= 5 leaves 10,005 documents.
    r = get("/api/account?page=401&pageSize=25&filter=credit:gte:5");
    ASSERT_TRUE(IsSuccess(r));
    EXPECT_EQ(r.json.at("pagination").at("total"), kDocuments - 5);
    expected.clear();
    for (int i = 10005; i < kDocuments; ++i) expected.push_back(account_id(i));
    EXPECT_EQ(ids_of(r), expected);
}

}  // namespace
}  // namespace events::e2e
