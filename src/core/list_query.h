// The backend-neutral description of a read: what the query grammar of docs/API.md "Reads"
// turns into, and what every storage driver must execute with the same semantics.
#pragma once

#include "core/schema.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace events {

enum class FilterOp {
    Eq,        // equality; on text fields case-insensitive unless case_sensitive
    Ne,        // not equal (same matching rule as Eq); NULLs do not match
    Gt, Gte, Lt, Lte,   // typed range; text fields compare as lower-cased bytes unless case_sensitive
    Contains,  // text fields only: substring, case-insensitive unless case_sensitive;
               // the value is literal (wildcards of the backend's pattern language escaped)
};

struct FilterCondition {
    const Field* field;
    FilterOp op;
    boost::json::value value;   // canonical form for the field's type (value_format.h)
};

struct SortKey {
    const Field* field;
    bool descending = false;
};

// Conditions are AND-ed. `sort` always ends with id (tie-breaker, docs/DECISIONS.md §2.13);
// NULLs sort last in both directions.
struct ListQuery {
    std::vector<FilterCondition> filters;
    std::vector<SortKey> sort;
    int64_t offset = 0;
    int64_t limit = 25;
    bool with_total = true;
};

// view=account(name,createdAt): expand FK `accountId` into `account: {exists, name, createdAt}`.
// The view name is the FK field's name minus "Id" (or the target entity's name).
struct ViewSpec {
    const Field* fk;                    // the FK field of the requested entity, e.g. User.accountId
    const Entity* entity;               // its target, e.g. Account
    std::vector<const Field*> fields;   // fields of the target to copy (may include id)
    // The caller may not read `entity`: only {"exists"} and a `forbidden` warning
    // (docs/DECISIONS.md §6.3).
    bool forbidden = false;
};

// Everything the query string of an entity route says (docs/API.md "Reads", docs/DECISIONS.md §2.2-2.4).
struct RequestParams {
    int64_t page = 1;
    int64_t page_size = 25;
    ListQuery query;                // offset/limit derived from page/pageSize
    std::optional<std::string> id_filter;   // filter=id:X (docs/API.md "Reads")
    std::vector<ViewSpec> views;
    bool full_match = false;
    bool no_consistency = false;
    // The If-Match header's entity tags as sent (`"..."`, or `*`); nullopt without the
    // header (docs/DECISIONS.md §4.2, docs/API.md "Optimistic concurrency").
    std::optional<std::vector<std::string>> if_match;
};

}  // namespace events
