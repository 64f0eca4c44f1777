#include "storage/postgres/pg_driver.h"

#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_connection_factory.h"
#include "storage/postgres/pg_dialect.h"
#include "storage/postgres/pg_row_counts.h"
#include "storage/postgres/pg_substring_index.h"
#include "storage/postgres/pg_target.h"
#include "storage/sql/connection_pool.h"
#include "storage/sql/sql_reconcile.h"

#include <spdlog/spdlog.h>

namespace events {

PgDriver::PgDriver(const Schema& schema, const DriverOptions& options)
    : SqlDriver(schema, options, std::make_unique<PgDialect>(),
                std::make_unique<ConnectionPool>(
                    std::make_unique<PgConnectionFactory>(PgTarget(options.uri, options.db_name)), options.pool_size)) {}

void PgDriver::open_read_only() {
    const PgTarget target(options_.uri, options_.db_name);
    absent_ = false;
    try {
        PgConnection probe(target.params_for(target.database()));
    } catch (const SqlError& first) {
        bool exists = true;
        try {
            PgConnection admin(target.params_for("postgres"));   // the maintenance database
            exists = false;
            admin.query("SELECT 1 FROM pg_database WHERE datname = $1", {SqlParam(target.database())},
                        [&](const SqlRow&) { exists = true; });
        } catch (const SqlError&) {
            throw StorageUnavailable(first.what());
        }
        if (exists) throw StorageUnavailable(first.what());
        absent_ = true;
        return;
    }
    SqlDriver::open_read_only();
}

void PgDriver::open() {
    absent_ = false;
    SqlDriver::open();
}

StoredSchemaState PgDriver::stored_schema_state() {
    if (absent_) return {};
    return SqlDriver::stored_schema_state();
}

bool PgDriver::trigram_available(SqlConnection& c) {
    if (trigram_state_ >= 0) return trigram_state_ == 1;
    // Inside the reconciliation transaction: a failure must not abort the rest of it.
    c.exec("SAVEPOINT events_trgm");
    try {
        c.exec("CREATE EXTENSION IF NOT EXISTS pg_trgm");
        c.exec("RELEASE events_trgm");
        trigram_state_ = 1;
    } catch (const SqlError& err) {
        c.exec("ROLLBACK TO events_trgm");
        c.exec("RELEASE events_trgm");
        spdlog::warn("postgresql: the pg_trgm extension is not available ({}); substring filters will scan "
                     "the tables. A superuser can run CREATE EXTENSION pg_trgm in this database.",
                     err.what());
        trigram_state_ = 0;
    }
    return trigram_state_ == 1;
}

void PgDriver::reconcile_substring_index(SqlConnection& c, const Entity& e) {
    const SqlDialect& d = dialect();
    const std::string wanted = pg_substring_index::index_name(d, e);
    if (!wanted.empty() && !trigram_available(c)) return;   // keep whatever is there
    bool present = false;
    for (const std::string& name : query_names(c, d.list_indexes_sql(), e.name)) {
        if (name == wanted) {
            present = true;
        } else if (name.starts_with(pg_substring_index::kPrefix)) {
            spdlog::info("postgresql: dropping substring index {} (the text fields of {} changed)", name, e.name);
            c.exec(d.drop_index_sql(name, e.name));
        }
    }
    if (wanted.empty() || present) return;
    spdlog::info("postgresql: building the substring index {} of {}", wanted, e.name);
    c.exec(pg_substring_index::create_sql(d, e));
}

void PgDriver::analyze_if_never_analyzed(SqlConnection& c, const Entity& e) {
    const SqlDialect& d = dialect();
    // reltuples is -1 until the first VACUUM or ANALYZE; the table name is quoted as an
    // identifier for the regclass cast (it comes from the schema).
    bool never = false;
    c.query("SELECT c.reltuples < 0 FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass", {SqlParam(d.quote(e.name))},
            [&](const SqlRow& row) { never = row.get_text(0) == "t"; });
    if (!never) return;
    bool empty = true;
    c.query("SELECT 1 FROM " + d.quote(e.name) + " LIMIT 1", {}, [&](const SqlRow&) { empty = false; });
    if (empty) return;
    spdlog::info("postgresql: collecting planner statistics of {} (never analyzed)", e.name);
    c.exec("ANALYZE " + d.quote(e.name));
}

void PgDriver::begin_bulk_load() {
    with_write_transaction([&](SqlConnection& c) {
        for (const auto& e : schema_.entities()) {
            const std::string name = pg_substring_index::index_name(dialect(), *e);
            if (name.empty()) continue;
            c.exec("DROP INDEX IF EXISTS " + dialect().quote(name));
        }
    });
}

void PgDriver::end_bulk_load() {
    trigram_state_ = -1;
    with_write_transaction([&](SqlConnection& c) {
        // A GIN build sorts its entries in maintenance_work_mem (64 MB by default).
        c.exec("SET LOCAL maintenance_work_mem = '256MB'");
        for (const auto& e : schema_.entities()) reconcile_substring_index(c, *e);
    });
    // VACUUM sets the visibility map of the loaded pages, so that filtered totals are
    // index-only scans (without it, each counted row is also read from the table until
    // autovacuum comes by); ANALYZE gives the planner the statistics of the new rows.
    with_write_connection([&](SqlConnection& c) {
        for (const auto& e : schema_.entities()) {
            spdlog::info("postgresql: vacuuming and analyzing {}", e->name);
            c.exec("VACUUM (ANALYZE) " + dialect().quote(e->name));
        }
    });
}

void PgDriver::reconcile_extras(SqlConnection& c, const Entity& e) {
    for (const std::string& sql : pg_row_counts::reconcile_statements(dialect(), e)) c.exec(sql);
    reconcile_substring_index(c, e);
    analyze_if_never_analyzed(c, e);
}

}  // namespace events
