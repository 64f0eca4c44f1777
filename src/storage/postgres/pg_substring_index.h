// The substring index of a PostgreSQL table: one multi-column GIN index with pg_trgm's
// `gin_trgm_ops` over the comparison-form columns of the entity's plain text fields
// (comparison_columns.h: substring_indexed(), secrets left out).
//
// A substring filter stays the plain `form LIKE '%value%' ESCAPE '\'` under COLLATE "C"
// (PgDialect::contains_expr); pg_trgm serves that operator directly: the index yields the
// rows holding every trigram of the pattern and PostgreSQL rechecks each candidate with
// the LIKE itself, so results are exactly those of a scan. The planner weighs the index
// against a scan per value (prepared statements keep custom plans while those are
// cheaper): a value too short for a trigram, or very common, is scanned.
//
// The index keeps a small pending list (gin_pending_list_limit = 128 kB): searches read
// the pending entries linearly, and the 4 MB default made them 20x slower after bulk
// loads.
//
// One index per table (not one per column): an insert then adds to one GIN pending
// list instead of one per text field. Its name carries a hash of its column list, so
// a changed field set is a new name: the old index is dropped, the new one built.
//
// pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: any role with
// CREATE on the database can install it. When it is missing and cannot be created, the
// server logs a warning and substring filters scan, as before.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_dialect.h"

#include <string>
#include <string_view>

namespace events::pg_substring_index {

// Every index name this module creates starts with this: an index of a table named so
// and not wanted by index_name() is ours to drop.
inline constexpr std::string_view kPrefix = "tg_";
// The wanted index name for `e` (unquoted), or "" when `e` has no indexed field.
std::string index_name(const SqlDialect& d, const Entity& e);
// CREATE INDEX for `e`; only when index_name() is not empty.
std::string create_sql(const SqlDialect& d, const Entity& e);

}  // namespace events::pg_substring_index
