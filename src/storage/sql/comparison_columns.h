// The comparison-form columns of the SQL backends (docs/DECISIONS.md §2.21, §2.23; docs/STORAGE.md).
//
// Every plain text field (Field::is_text(), not the id) has a shadow column beside its
// value column holding comparison_form(value, case_sensitive) (core/comparison_form.h),
// computed in C++ by the shared SQL layer on every write, never by the database. Filters,
// unique and declared indexes, the SQLite substring index and sort order use the shadow
// column with byte semantics; the value column keeps exactly what the client sent and
// is the only one ever read back.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_connection.h"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace events {

// True when `f` has a comparison-form column: plain text fields, not the id.
bool has_form_column(const Field& f);

// True when `f` has a form column and is not shown as a secret (`ui.display: secret`,
// e.g. passwords): the fields a backend's substring index covers (the SQLite FTS5
// table, the PostgreSQL trigram indexes). Secrets are matched by scanning.
bool substring_indexed(const Field& f);

// The fields of `e` with a form column, in schema order.
std::vector<const Field*> form_fields(const Entity& e);

// Name of the form column of `f`: "<field>$cf". Schema field names are letters,
// digits and '_' only, so no field can be named like a form column. A name longer
// than `max_identifier_length` (0 = unlimited) is cut and ends with "$" and an 8-digit
// hash of the full name instead, so it still contains '$' and stays distinct.
std::string form_column_name(const Field& f, size_t max_identifier_length);

// The field of `e` whose form column is named `column`, or nullptr.
const Field* field_of_form_column(const Entity& e, std::string_view column, size_t max_identifier_length);

// Parameter for the form column of `f`, given the document's value (nullptr when
// absent): NULL for absent/null values, else comparison_form(value, case_sensitive).
// Throws InvalidUtf8 (core/comparison_form.h) for text that is not UTF-8 (bodies are
// validated JSON, so only a caller's bug gets there).
SqlParam form_param(const boost::json::value* value, bool case_sensitive);

}  // namespace events
