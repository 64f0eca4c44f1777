// The SQLite driver: the generic SQL driver plus what only SQLite needs, the
// table rebuild that changes foreign-key ON DELETE actions (SQLite has no
// ALTER TABLE for constraints).
#pragma once

#include "storage/sql/sql_driver.h"

namespace events {

class SqliteDriver : public SqlDriver {
public:
    // `options.uri` is the database file path.
    SqliteDriver(const Schema& schema, const DriverOptions& options);

    // A file that does not exist is not created (docs/DECISIONS.md §5.1): the database
    // then holds nothing, and reads find nothing.
    void open_read_only() override;
    void open() override;
    StoredSchemaState stored_schema_state() override;
    // sqlite_online_backup() of the database file (sqlite_backup.h).
    int64_t backup_to(const std::string& path) override;
    // A reference column (SQLite cannot drop a column of a FOREIGN KEY): the table is
    // rebuilt without it, with foreign_keys off, in one transaction (as
    // repair_foreign_keys()); any other column as SqlDriver::drop_field().
    void drop_field(const Entity& e, const std::string& field) override;

protected:
    // Rebuilds each table (create new, copy, drop, rename, re-index) in one
    // transaction with foreign_keys off, as https://sqlite.org/lang_altertable.html
    // prescribes. A table whose rows do not fit the new definition (e.g. NULLs in a
    // required column added later) is left as it was, with a warning.
    void repair_foreign_keys(SqlConnection& c, const std::vector<const Entity*>& entities) override;
    // The trigram substring index (sqlite_text_index.h) and the kept row count
    // (sqlite_row_counts.h) of each table: created, back-filled, or rebuilt when
    // the indexed fields or the tokenizer changed.
    void reconcile_extras(SqlConnection& c, const Entity& e) override;
    void drop_extras(SqlConnection& c, const Entity& e) override;
    // SQLite refuses to drop a column an index or trigger names: the indexes holding
    // `column` and the substring index with its triggers go first (open() makes them again).
    void drop_column(SqlConnection& c, const Entity& e, const std::string& column) override;

private:
    bool absent_ = false;   // open_read_only() found no file
    // `without`: a column of the old table not copied (a dropped field) with its form column.
    void rebuild_table(SqlConnection& c, const Entity& e, const std::string& without = {});
};

}  // namespace events
