// Exact per-table row counts kept by PostgreSQL itself, without a hot row.
//
// `SELECT count(*)` walks the whole table (every unfiltered page with a total asked for it:
// 138 ms p50 at 100k users under the benchmark). One counter row per table would be
// exact but serialise every insert and delete on its row lock. So each table has
// several counter rows ("slots") in `_events$counts`; a write adds its delta to the
// slot of its own connection, in the same transaction as the rows (statement-level
// triggers with transition tables: one upsert per statement, whatever its row count,
// including the rows removed by ON DELETE CASCADE), and a read sums the slots of the
// table. Writers on different connections never touch the same row, so they never wait
// for each other; the sum read by one statement sees exactly the committed rows of its
// snapshot, like count(*).
//
// The slot of a connection is the session setting `events.count_slot` (set when the
// connection opens, pg_connection_factory.h: a number unique among the pool's live
// connections); sessions without it (psql, another tool) use 1000 + pid % 16. Reconciliation recounts every table with
// count(*) at each start, under a SHARE lock (writers wait, readers do not).
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_dialect.h"

#include <string>
#include <vector>

namespace events::pg_row_counts {

inline constexpr const char* kTable = "_events$counts";
inline constexpr const char* kSlotSetting = "events.count_slot";

// Statements run inside the reconciliation transaction for entity `e`: the counter
// table and trigger function (idempotent), the table's two triggers, then the recount.
std::vector<std::string> reconcile_statements(const SqlDialect& d, const Entity& e);
// The kept count of the table named by the only parameter (spelled `table_placeholder`):
// one row with the sum of its slots, or no row when the table has none (never
// reconciled: count the rows instead).
std::string count_sql(const SqlDialect& d, const std::string& table_placeholder);

}  // namespace events::pg_row_counts
