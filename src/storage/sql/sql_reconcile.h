// Start-up reconciliation of the SQL backends with the schema (docs/DECISIONS.md §2.14;
// docs/STORAGE.md "Start-up reconciliation"): the steps that make an existing
// database fit the schema without dropping anything that holds data.
//
// SqlDriver::open() runs them in one transaction on the write connection, in this
// order: create_schema_objects(), reconcile_forms() (form_reconcile.h),
// reconcile_indexes() for every entity, then the backend's own objects
// (SqlDriver::reconcile_extras()). wipe() runs the same steps on empty tables.
#pragma once

#include "core/schema.h"
#include "storage/sql/sql_builder.h"
#include "storage/sql/sql_connection.h"

#include <set>
#include <string>
#include <vector>

namespace events {

// What create_schema_objects() found and did.
struct SchemaObjects {
    std::set<const Entity*> created;       // tables it created
    std::set<const Entity*> forms_added;   // existing tables that got comparison-form columns
    // Existing tables whose FK ON DELETE actions differ from the configuration
    // (cascade_delete); SqlDriver::repair_foreign_keys() decides what to do.
    std::vector<const Entity*> fk_mismatch;
    // Some FK column of an existing table has no FOREIGN KEY constraint (a table made
    // by another tool): the document service must check that parent itself.
    bool foreign_key_undeclared = false;
};

// Creates the tables `schema` declares that do not exist (parents first), and the
// missing data and comparison-form columns of the existing ones (logged at info
// level), then compares their foreign keys with the schema. `c` is inside the
// reconciliation transaction. Throws SqlError from the backend.
SchemaObjects create_schema_objects(SqlConnection& c, const SqlBuilder& b, const Schema& schema);

// Creates the missing indexes of `e` and drops the managed ones (SqlBuilder::
// is_managed_index_name()) the schema no longer declares; indexes made by others stay.
// A unique index that existing rows violate is not created: a line naming the entity,
// the fields and up to 20 duplicate groups is added to `problems` instead.
// `fresh_table`: the table was just created (its index creations are logged at debug
// level, not info). Throws SqlError from the backend.
void reconcile_indexes(SqlConnection& c, const SqlBuilder& b, const Entity& e, bool fresh_table,
                       std::vector<std::string>& problems);

// Column 0 of every row of `sql`, an introspection query (SqlDialect::list_indexes_sql()
// and the like) whose only parameter is `table`. Throws SqlError from the backend.
std::vector<std::string> query_names(SqlConnection& c, const std::string& sql, const std::string& table);

}  // namespace events
