// The substring index of an SQLite table: an external-content FTS5 table with the
// case-sensitive trigram tokenizer over the comparison-form columns of the entity's
// plain text fields (storage/sql/comparison_columns.h, docs/DECISIONS.md §2.23), kept in step
// with the table by triggers (https://sqlite.org/fts5.html#external_content_tables).
// The forms arrive folded, so the tokenizer must not fold again.
// It keeps which column holds a trigram but not where (detail=column): roughly half
// the index to write on every insert, and a substring is looked up as "all of its
// trigrams in that column".
//
// It only narrows a substring filter to candidate rows; the exact instr() test on the
// form still decides. Fields
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
// a changed field set, column or tokenizer (an index over the value columns, as
// written before the forms existed, is rebuilt).
std::vector<std::string> create_statements(const SqlDialect& d, const Entity& e);

// The MATCH expression finding `form` (a comparison form) as a substring of the form
// column of `f`, or nullopt when `f` is not indexed or `form` is too short for trigrams.
std::optional<std::string> match_expression(const SqlDialect& d, const Field& f, std::string_view form);

}  // namespace events::sqlite_text_index
