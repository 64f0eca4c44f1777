// What the accelerator tests of SQLite and PostgreSQL share: a small schema (a Team and a
// Person with every kind of text field the substring indexes treat differently: plain,
// enum, secret; plus a number and a foreign key) and the expected id-ordered pages.
#pragma once

#include "storage/driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace events::testing_people {

// The ids of the page at `offset` (`limit` long) of `ids` ordered by id, as a scan
// would give it: what an anchored deep page must equal.
inline std::vector<std::string> expected_id_page(std::vector<std::string> ids, bool descending, int64_t offset,
                                                 size_t limit = 25) {
    std::sort(ids.begin(), ids.end());
    if (descending) std::reverse(ids.begin(), ids.end());
    const auto from = std::min<size_t>(static_cast<size_t>(offset), ids.size());
    const auto to = std::min<size_t>(from + limit, ids.size());
    return std::vector<std::string>(ids.begin() + from, ids.begin() + to);
}

// The deep pages the anchor tests read after each step, checked against
// expected_id_page() and the total: both directions, offsets 500 to 1600 with repeats (a
// repeat reads from the anchor the first read left). `page(descending, offset)` lists.
template <class Page>
void expect_deep_pages_exact(const Page& page, const std::vector<std::string>& ids, const char* when) {
    for (bool desc : {false, true})
        for (int64_t offset : {500, 500, 510, 1000, 1000, 1480, 1499, 1600}) {
            const ListPage p = page(desc, offset);
            std::vector<std::string> got;
            for (const Document& d : p.docs) got.emplace_back(d.at("id").as_string());
            EXPECT_EQ(got, expected_id_page(ids, desc, offset)) << when << " desc=" << desc << " offset " << offset;
            EXPECT_EQ(p.total, static_cast<int64_t>(ids.size())) << when;
        }
}

constexpr const char* kPeople = R"(
_entities:
  Team:
    fields:
      label: {type: String}
  Person:
    fields:
      name: {type: String}
      nick: {type: String}
      kind: {type: String, enum: {values: [a, b]}}
      secret: {type: String, ui: {display: secret}}
      age: {type: Integer}
      teamId: {type: ObjectId}
)";

// kPeople without `nick`: the set of substring-indexed fields changes.
constexpr const char* kPeopleWithoutNick = R"(
_entities:
  Team:
    fields:
      label: {type: String}
  Person:
    fields:
      name: {type: String}
      kind: {type: String, enum: {values: [a, b]}}
      secret: {type: String, ui: {display: secret}}
      age: {type: Integer}
      teamId: {type: ObjectId}
)";

}  // namespace events::testing_people
