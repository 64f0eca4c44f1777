// The substring index of an SQLite table: an external-content FTS5 table with the
// trigram tokenizer over the entity's plain text fields, kept in step with the
// table by triggers (https://sqlite.org/fts5.html#external_content_tables).
// It keeps which column holds a trigram but not where (detail=column): roughly half
// the index to write on every insert, and a substring is looked up as "all of its
// trigrams in that column".
//
// It only narrows a substring filter to candidate rows; the exact LIKE/instr test
// still decides, so results never depend on how the tokenizer folds case. Fields
// shown as secrets (ui.display: secret) are not indexed.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_dialect.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace events::sqlite_text_index {

// Trigrams need at least this many characters; shorter values use the plain test.
constexpr size_t kMinChars = 3;
// Longer values are narrowed by their first 16 distinct trigrams (then tested exactly).
constexpr size_t kMaxTrigrams = 16;

bool covers(const Field& f);
std::vector<const Field*> indexed_fields(const Entity& e);
std::string table_name(const Entity& e);   // "_fts_<Entity>"
std::vector<std::string> trigger_names(const Entity& e);

// CREATE statements (virtual table, then its triggers), in that order; empty when
// the entity has no indexed field. Compared verbatim with sqlite_master to detect
// a changed field set or tokenizer.
std::vector<std::string> create_statements(const SqlDialect& d, const Entity& e, bool case_sensitive);

// The MATCH expression finding `value` as a substring of column `f`, or nullopt
// when `f` is not indexed or `value` is too short for trigrams.
std::optional<std::string> match_expression(const Field& f, std::string_view value);

}  // namespace events::sqlite_text_index
