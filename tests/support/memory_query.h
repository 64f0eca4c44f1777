// The matching rule of core/list_query.h applied to documents in memory: what the
// in-memory test driver (memory_driver.h) uses to filter and order a list.
//
// Text fields (Field::is_text(), not `id`) compare as the bytes of their comparison
// form (core/comparison_form.h; docs/DECISIONS.md §2.21, §2.23; docs/API.md "String
// comparison"); the other fields by their canonical value (core/value_format.h):
// numbers numerically, booleans false before true, dates, datetimes, enums and ids as
// the bytes of their text, which orders canonical dates and datetimes by time.
#pragma once

#include "core/list_query.h"
#include "storage/driver.h"

#include <vector>

namespace events::testing_support {

// Input: one condition and a document in canonical value form. Output: whether the
// document satisfies it. A null condition value matches a null field for Eq and a
// non-null one for Ne, and nothing for the other operators; a null field satisfies no
// condition with a value (NULLs do not match a Ne). Throws InvalidUtf8 for text that is
// not UTF-8 (validation refuses it before it is stored).
bool satisfies(const Document& doc, const FilterCondition& condition, bool case_sensitive);

// Input: the documents of one entity and a query. Output: the page the query asks for
// (conditions AND-ed; sorted by `query.sort` with NULLs last in both directions, then by
// id ascending, docs/DECISIONS.md §2.13; `offset` documents skipped, at most `limit`
// kept) and the count of all matches (-1 when !query.with_total).
ListPage run_query(std::vector<const Document*> docs, const ListQuery& query, bool case_sensitive);

}  // namespace events::testing_support
