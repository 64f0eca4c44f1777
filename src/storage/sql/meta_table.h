// The meta table every SQL backend keeps: "_events$meta", name/value rows (the '$'
// keeps it apart from any entity table, whose names start with a letter). It holds
// the comparison form the columns were computed with (form_reconcile.h) and the schema
// the database serves (docs/DECISIONS.md §5.1, core/schema_record.h).
#pragma once

#include "storage/sql/sql_connection.h"
#include "storage/sql/sql_dialect.h"

#include <map>
#include <optional>
#include <string>

namespace events {

inline constexpr const char* kMetaTable = "_events$meta";

// Whether the meta table exists. Reads only.
bool meta_table_exists(SqlConnection& c, const SqlDialect& d);
// Creates the meta table when missing (value: the dialect's long text type) and widens
// the value column of one an older server created with VARCHAR(200). Throws SqlError.
void ensure_meta_table(SqlConnection& c, const SqlDialect& d);
// The value recorded under `name`, nullopt when absent. The table must exist.
std::optional<std::string> read_meta(SqlConnection& c, const SqlDialect& d, const std::string& name);
// Every row whose name starts with `prefix`, name -> value. Reads only; empty when the
// table does not exist.
std::map<std::string, std::string> read_meta_prefixed(SqlConnection& c, const SqlDialect& d, const std::string& prefix);
// Replaces the row `name`. The table must exist.
void write_meta(SqlConnection& c, const SqlDialect& d, const std::string& name, const std::string& value);

}  // namespace events
