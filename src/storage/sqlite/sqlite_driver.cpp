#include "storage/sqlite/sqlite_driver.h"

#include "storage/sql/comparison_columns.h"
#include "storage/sql/sql_reconcile.h"
#include "storage/sqlite/sqlite_backup.h"
#include "storage/sqlite/sqlite_dialect.h"
#include "storage/sqlite/sqlite_pool.h"
#include "storage/sqlite/sqlite_row_counts.h"
#include "storage/sqlite/sqlite_text_index.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <unordered_set>

namespace events {

SqliteDriver::SqliteDriver(const Schema& schema, const DriverOptions& options)
    : SqlDriver(schema, options, std::make_unique<SqliteDialect>(),
                std::make_unique<SqlitePool>(options.uri, options.pool_size)) {}

void SqliteDriver::open_read_only() {
    const std::string& path = options_.uri;
    const bool in_memory = path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0;
    std::error_code ec;
    absent_ = !in_memory && !std::filesystem::exists(path, ec);
    if (!absent_) SqlDriver::open_read_only();
}

void SqliteDriver::open() {
    absent_ = false;
    SqlDriver::open();
}

StoredSchemaState SqliteDriver::stored_schema_state() {
    if (absent_) return {};
    return SqlDriver::stored_schema_state();
}

int64_t SqliteDriver::backup_to(const std::string& path) { return sqlite_online_backup(options_.uri, path); }

void SqliteDriver::rebuild_table(SqlConnection& c, const Entity& e, const std::string& without) {
    const SqlDialect& d = dialect();
    const std::string temp = e.name + "__rebuild";
    c.exec(d.drop_table_sql(temp));
    c.exec(builder().create_table(e, temp));

    // Keep every column of the old table, including ones the schema no longer has.
    std::vector<std::pair<std::string, std::string>> old_columns;   // name, declared type
    c.query("SELECT name, type FROM pragma_table_info(?)", {SqlParam(e.name)}, [&](const SqlRow& row) {
        old_columns.emplace_back(std::string(row.get_text(0)), std::string(row.get_text(1)));
    });
    std::unordered_set<std::string> known{"id"};
    for (const Field& f : e.fields) known.insert(f.name);
    for (const Field* f : form_fields(e)) known.insert(form_column_name(*f, d.max_identifier_length()));
    Field dropped;
    dropped.name = without;
    const std::string dropped_form = without.empty() ? std::string() : form_column_name(dropped, d.max_identifier_length());
    std::erase_if(old_columns, [&](const auto& column) {
        return !without.empty() && (column.first == without || column.first == dropped_form);
    });
    std::string columns;
    for (const auto& [name, type] : old_columns) {
        if (!known.count(name)) c.exec("ALTER TABLE " + d.quote(temp) + " ADD COLUMN " + d.quote(name) + " " + type);
        if (!columns.empty()) columns += ", ";
        columns += d.quote(name);
    }
    c.exec("INSERT INTO " + d.quote(temp) + " (" + columns + ") SELECT " + columns + " FROM " + d.quote(e.name));
    c.exec("DROP TABLE " + d.quote(e.name));
    c.exec("ALTER TABLE " + d.quote(temp) + " RENAME TO " + d.quote(e.name));
    std::vector<std::string> problems;   // the copied rows already satisfied every index
    reconcile_indexes(c, builder(), e, /*fresh_table=*/true, problems);
    // The old table's triggers went with it and the copy has new rowids.
    reconcile_extras(c, e);
}

void SqliteDriver::drop_extras(SqlConnection& c, const Entity& e) {
    const SqlDialect& d = dialect();
    // The table's triggers first (a table renamed keeps them, and they name the FTS
    // table); the FTS table does not go with the table.
    std::vector<std::string> triggers;
    c.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", {SqlParam(e.name)},
            [&](const SqlRow& row) { triggers.emplace_back(row.get_text(0)); });
    for (const std::string& t : triggers) c.exec("DROP TRIGGER IF EXISTS " + d.quote(t));
    c.exec("DROP TABLE IF EXISTS " + d.quote(sqlite_text_index::table_name(e)));
}

void SqliteDriver::drop_column(SqlConnection& c, const Entity& e, const std::string& column) {
    const SqlDialect& d = dialect();
    std::vector<std::string> indexes;
    c.query("SELECT DISTINCT il.name FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii "
            "WHERE ii.name = ? AND il.origin = 'c'",
            {SqlParam(e.name), SqlParam(column)}, [&](const SqlRow& row) { indexes.emplace_back(row.get_text(0)); });
    for (const std::string& ix : indexes) c.exec("DROP INDEX IF EXISTS " + d.quote(ix));
    for (const std::string& trigger : sqlite_text_index::trigger_names(e)) c.exec("DROP TRIGGER IF EXISTS " + d.quote(trigger));
    drop_extras(c, e);
    SqlDriver::drop_column(c, e, column);
}

void SqliteDriver::reconcile_extras(SqlConnection& c, const Entity& e) {
    const SqlDialect& d = dialect();
    for (const std::string& sql : sqlite_row_counts::reconcile_statements(d, e)) c.exec(sql);

    const std::vector<std::string> wanted = sqlite_text_index::create_statements(d, e);
    std::vector<std::string> names = sqlite_text_index::trigger_names(e);
    names.insert(names.begin(), sqlite_text_index::table_name(e));
    std::vector<std::string> present;
    for (const std::string& name : names) {
        std::string sql;
        c.query("SELECT sql FROM sqlite_master WHERE name = ?", {SqlParam(name)},
                [&](const SqlRow& row) { sql = std::string(row.get_text(0)); });
        present.push_back(std::move(sql));
    }
    if (present == wanted) return;
    const bool had_index = !present.front().empty();
    for (size_t i = names.size(); i-- > 1;) c.exec("DROP TRIGGER IF EXISTS " + d.quote(names[i]));
    c.exec("DROP TABLE IF EXISTS " + d.quote(names.front()));
    if (wanted.empty()) {
        if (had_index) spdlog::info("sqlite: dropped the substring index of {} (no text fields)", e.name);
        return;
    }
    for (const std::string& sql : wanted) c.exec(sql);
    // Back-fill from the table (external content: the index reads the rows itself).
    const std::string fts = d.quote(names.front());
    c.exec("INSERT INTO " + fts + " (" + fts + ") VALUES ('rebuild')");
    spdlog::log(had_index ? spdlog::level::info : spdlog::level::debug, "sqlite: {} the substring index of {}",
                had_index ? "rebuilt" : "created", e.name);
}

void SqliteDriver::drop_field(const Entity& e, const std::string& field) {
    bool referencing = false;
    with_write_connection([&](SqlConnection& c) {
        c.query("SELECT 1 FROM pragma_foreign_key_list(?) WHERE \"from\" = ?", {SqlParam(e.name), SqlParam(field)},
                [&](const SqlRow&) { referencing = true; });
    });
    if (!referencing || e.fields.empty()) {
        SqlDriver::drop_field(e, field);
        return;
    }
    with_write_connection([&](SqlConnection& c) {
        // foreign_keys can only be switched outside a transaction; with it on, dropping the
        // old table would cascade to the children of this one.
        c.exec("PRAGMA foreign_keys = OFF");
        try {
            c.exec("BEGIN IMMEDIATE");
            try {
                rebuild_table(c, e, field);
                c.exec("COMMIT");
            } catch (...) {
                rollback_quietly(c);
                throw;
            }
        } catch (...) {
            c.exec("PRAGMA foreign_keys = ON");
            throw;
        }
        c.exec("PRAGMA foreign_keys = ON");
        c.forget_prepared_statements();
    });
    spdlog::info("sqlite: dropped {}.{} and its values (the table rebuilt without the reference)", e.name, field);
}

void SqliteDriver::repair_foreign_keys(SqlConnection& c, const std::vector<const Entity*>& entities) {
    // foreign_keys can only be switched outside a transaction.
    c.exec("PRAGMA foreign_keys = OFF");
    for (const Entity* e : entities) {
        try {
            c.exec("BEGIN IMMEDIATE");
            try {
                rebuild_table(c, *e);
                c.exec("COMMIT");
            } catch (...) {
                rollback_quietly(c);
                throw;
            }
            spdlog::info("sqlite: rebuilt table {} with ON DELETE actions for cascade_delete={}", e->name,
                         options_.cascade_delete);
        } catch (const SqlError& err) {
            spdlog::warn("sqlite: table {} keeps its old ON DELETE actions (cascade_delete={} wants others): {}",
                         e->name, options_.cascade_delete, err.what());
        }
    }
    c.exec("PRAGMA foreign_keys = ON");
}

}  // namespace events
