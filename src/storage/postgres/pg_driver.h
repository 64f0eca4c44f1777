// The PostgreSQL driver: the generic SQL driver plus what only PostgreSQL keeps beside
// its tables, created and dropped by start-up reconciliation (docs/DECISIONS.md §2.14):
// the trigram substring index of each table (pg_substring_index.h) and the slotted row
// counters behind unfiltered totals (pg_row_counts.h); and planner statistics for tables
// that were never analyzed.
#pragma once

#include "storage/sql/sql_driver.h"

namespace events {

class PgDriver : public SqlDriver {
public:
    // `options.uri` is the server URI, `options.db_name` the database (created when
    // missing), `options.pool_size` the most connections (storage/sql/connection_pool.h;
    // pg_connection_factory.h lowers it to what the server accepts).
    PgDriver(const Schema& schema, const DriverOptions& options);

    // A database that does not exist is not created (docs/DECISIONS.md §5.1): it then
    // holds nothing, and reads find nothing. open() creates it.
    void open_read_only() override;
    void open() override;
    StoredSchemaState stored_schema_state() override;

    // Bulk loads (driver.h): the trigram indexes are dropped before the load and built
    // once after it (a GIN index kept up row by row made the 100k-user import 3.4x
    // slower), then every table is vacuumed (visibility map: index-only counts) and
    // analyzed (planner statistics). Substring filters scan while a load runs.
    void begin_bulk_load() override;
    void end_bulk_load() override;

protected:
    void reconcile_extras(SqlConnection& c, const Entity& e) override;

private:
    bool absent_ = false;   // open_read_only() found no database
    // Creates pg_trgm when missing (once per open); false, with a warning, when it
    // cannot be created (no CREATE right on the database, contrib not installed).
    bool trigram_available(SqlConnection& c);
    void reconcile_substring_index(SqlConnection& c, const Entity& e);
    // A table filled by a bulk import and not yet analyzed (autovacuum runs only every
    // minute) has no planner statistics: with LIMIT, PostgreSQL then guesses that a
    // filter matches many rows and may walk the primary key until it finds a page of
    // them. ANALYZE (a sample of 30,000 rows, allowed inside the reconciliation
    // transaction) when pg_class says it never ran.
    void analyze_if_never_analyzed(SqlConnection& c, const Entity& e);

    int trigram_state_ = -1;   // -1 unknown, 0 unavailable, 1 available (per reconciliation)
};

}  // namespace events
