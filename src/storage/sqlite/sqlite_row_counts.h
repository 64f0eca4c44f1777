// Exact per-table row counts kept by SQLite itself.
//
// `SELECT count(*)` walks the whole table (tens of ms at a million rows) and an
// unfiltered list asks for it on every page. Triggers keep a counter row per table
// in `_events_counts`, updated in the same transaction as the rows, so the kept
// count is never stale; reconciliation recomputes it on every open.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_dialect.h"

#include <string>
#include <vector>

namespace events::sqlite_row_counts {

inline constexpr const char* kTable = "_events_counts";

// Creates the counter table if needed, the triggers of `e`, and sets its count.
std::vector<std::string> reconcile_statements(const SqlDialect& d, const Entity& e);
// The kept count of the table named by the only parameter, spelled `table_placeholder`
// (no row when unknown).
std::string count_sql(const SqlDialect& d, const std::string& table_placeholder);

}  // namespace events::sqlite_row_counts
