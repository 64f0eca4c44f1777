// Start-up reconciliation of the comparison-form columns (docs/DECISIONS.md §2.14, §2.23;
// docs/STORAGE.md "Comparison forms").
//
// The forms are computed by the server, so a database written by a version without
// them, or under another `case_sensitive` or Unicode version, holds no or stale forms.
// The reconciliation records which form the columns hold in a meta table
// ("_events$meta", name/value rows; the '$' keeps it apart from any entity table) and
// recomputes every form of a table when that record differs, when the table's form
// columns were just added, or when a row has a value but no form (written by an
// older server). It runs inside the reconciliation transaction, before the indexes
// are reconciled, so a unique conflict that folding reveals is found by the usual
// duplicate check and stops start-up with the values, leaving the database untouched.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_builder.h"
#include "storage/sql/sql_connection.h"

#include <set>

namespace events {

// Inputs: `c` in the reconciliation transaction; `fresh`: entities whose tables were
// created in it (nothing to fill); `added`: entities whose form columns were added to
// an existing table in it. Drops the managed indexes over the form columns of each
// table it refills (reconcile_indexes(), sql_reconcile.h, recreates them, checking for duplicates), logs
// progress at info level, and records comparison_form_id(case_sensitive).
// Throws SqlError from the backend.
void reconcile_forms(SqlConnection& c, const SqlBuilder& b, const Schema& schema,
                     const std::set<const Entity*>& fresh, const std::set<const Entity*>& added);

}  // namespace events
