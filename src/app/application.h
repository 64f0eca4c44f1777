// The process-level wiring behind the `events` subcommands: schema, storage driver,
// document service, API router and HTTP server, in start-up order.
//
// Every entry point returns the process exit code and prints its own diagnostics
// (to stderr), so main() only parses the command line.
#pragma once

#include "apis/api_options.h"
#include "app/config.h"
#include "app/schema_guard.h"
#include "core/schema.h"
#include "storage/driver.h"

#include <memory>
#include <string>
#include <vector>

namespace events {

// Logs go to stderr (stdout carries `events export` data). Call once, early; the level
// may be changed later with set_log_level().
void init_logging();
// "debug", "info", "warning", ... (case-insensitive); unknown names leave the level as is.
void set_log_level(const std::string& level);
// "text" (the default) or "json": every log line one JSON object {"time" (UTC, ms),
// "level", "message"}, and access lines (logger "access", apis/access_log.h) the
// access record itself. Other values leave the format as is.
void set_log_format(const std::string& format);

// io threads when the config says 0, for the backend `backend` on this machine's cores:
// default_io_threads() of storage/backends.h (max(4, 2 x cores) embedded, max(8, 4 x cores)
// for a database server).
int default_thread_count(const std::string& backend);
// config.schema_path, or the bundled sample schema when it is empty. Throws SchemaError.
Schema load_schema(const Config& config);
// What the API layer reads of `config` (apis/api_options.h).
ApiOptions api_options_of(const Config& config);
// make_driver with the config's options, not opened yet. Throws what make_driver throws.
std::unique_ptr<StorageDriver> make_storage(const Config& config, const Schema& schema);
// make_storage + open(). Throws what they throw.
std::unique_ptr<StorageDriver> open_storage(const Config& config, const Schema& schema);

// `events serve`: runs until SIGINT/SIGTERM. 0 after a clean shutdown; 1 when the
// schema, the database or the listening socket cannot be set up.
// The database is opened through open_guarded() (app/schema_guard.h): `guard.adopt`
// takes over a database of another schema (docs/DECISIONS.md §5.1).
int serve(const Config& config, const GuardOptions& guard = {});
// `events export` / `events import`: JSON Lines (app/transfer.h) to/from `file`, or
// stdout/stdin when `file` is empty. A summary line on stderr; progress only when
// stderr is a terminal.
// `events user add`: creates a document of the login entity `entity` with the login
// `login`, the password read from stdin (one line; docs/DECISIONS.md §6.4: stored as its
// hash) and the role `role` (an id, or the value of the role entity's unique text field),
// through the document service's rules, with no server running. 0, or 1 with the reason
// on stderr.
int add_user(const Config& config, const std::string& entity, const std::string& login, const std::string& role);
// Export opens the database read-only and writes nothing to it (docs/DECISIONS.md §5.1).
int export_data(const Config& config, const std::string& file, const GuardOptions& guard = {});
int import_data(const Config& config, const std::string& file, const GuardOptions& guard = {});
// `events migrate`: with `apply` false prints the plan from the recorded schema to
// config's schema (docs/DECISIONS.md §5.2) as text, or as JSON (core/migration_plan.h
// plan_json()) when `json`; 0, or 1 when the database cannot be read. With `apply`
// applies it (app/schema_guard.h OpenPurpose::Apply): 0 when applied, 1 when refused.
int migrate(const Config& config, bool apply, bool json, const GuardOptions& guard = {});
// `events backup FILE`: a consistent copy of the database while it is in use
// (StorageDriver::backup_to(); SQLite only, docs/OPERATIONS.md "Backups"). Opens the
// database as export does (read-only, its own schema only). 0, or 1 with the reason.
int backup(const Config& config, const std::string& file, const GuardOptions& guard = {});
// `events check`: "OK: N entities" (0) or every problem of the schema (1).
int check_schema(const std::string& schema_path);

}  // namespace events
