// The `events` command line: serve (default), check, export, import.
#include "app/application.h"
#include "app/config.h"
#include "storage/backends.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {

constexpr const char* kFooter = R"(
Configuration, from lowest to highest precedence:
  1. built-in defaults
  2. the JSON config file given with --config: a flat object with the keys
     project_name, database, db_uri, db_name, host, server_port, ui_port,
     validation, case_sensitive, cascade_delete, log_level, admin_token,
     schema_path, threads, write_threads, pool_size, body_limit, read_timeout_s,
     idle_timeout_s, cors_origins, log_format, openapi, docs, metrics,
     metrics_auth, swagger_ui_dir
  3. environment variables: every key as EVENTS_<KEY in upper case>, e.g.
     EVENTS_DATABASE, EVENTS_DB_URI, EVENTS_DB_NAME, EVENTS_SERVER_PORT,
     EVENTS_LOG_LEVEL, EVENTS_ADMIN_TOKEN, EVENTS_CORS_ORIGINS
  4. command-line flags

Zero-config default: without a config file `events` serves the bundled sample
schema, stores data in SQLite at ./events.db (in the working directory) and
listens on 127.0.0.1:5500, so only this machine can reach it. To serve other machines,
configure a host: `--host 0.0.0.0` (or "host": "0.0.0.0", or EVENTS_HOST=0.0.0.0).

Examples:
  events
  events serve --config sqlite.json --port 8080
  events serve --host 0.0.0.0          (reachable from other machines)
  EVENTS_DATABASE=postgresql EVENTS_DB_URI=postgresql://me:pw@localhost:5432 events
  events check --schema schema.yaml
  events export --config a.json > dump.jsonl
  events import --config b.json < dump.jsonl
  events migrate --plan --config a.json --schema new.yaml
  events backup --config a.json copy.db      (SQLite, while the server runs)
)";

// Flag values; unset ones leave the config as the file and environment made it.
struct Flags {
    std::string config_file;
    std::optional<std::string> schema, host, database, db_uri, db_name, log_level, log_format;
    std::optional<int> port, threads;
    std::string transfer_file;
    bool adopt = false;
    bool plan = false, apply = false, json = false;
    std::vector<std::string> drops;
    int64_t batch = 500;
};

void add_adopt_option(CLI::App* app, Flags& f) {
    app->add_flag("--adopt", f.adopt,
                  "Take over a database that holds another schema's data, recording this schema in it "
                  "(docs/SCHEMA.md \"Changing a schema\")");
}

template <class T>
void add_optional(CLI::App* app, const std::string& name, std::optional<T>& target, const std::string& help) {
    app->add_option_function<T>(name, [&target](const T& v) { target = v; }, help);
}

// "Storage backend: sqlite (SQLite, embedded, the default) | postgresql (PostgreSQL, alias
// postgres) | ...", from the one table of backends.
std::string database_help() {
    std::string help = "Storage backend:";
    for (const events::BackendInfo& b : events::kBackends) {
        help += std::string(&b == &events::kBackends.front() ? " " : " | ") + std::string(b.name) + " (" +
                std::string(b.title);
        for (std::string_view alias : b.aliases)
            if (!alias.empty()) help += ", alias " + std::string(alias);
        if (b.embedded) help += ", embedded, the default";
        help += ")";
    }
    return help;
}

// What --db-uri holds for each backend, from the same table.
std::string db_uri_help() {
    std::string help = "Where the data is:";
    for (const events::BackendInfo& b : events::kBackends)
        help += std::string(&b == &events::kBackends.front() ? " " : "; ") + std::string(b.title) + ": " +
                std::string(b.uri_help);
    return help;
}

// Database servers use db_name; an embedded backend's db_uri is the whole location.
std::string db_name_help() {
    std::string help = "Database name (";
    bool first = true;
    for (const events::BackendInfo& b : events::kBackends)
        if (!b.embedded) {
            help += (first ? "" : ", ") + std::string(b.title);
            first = false;
        }
    return help + "; default: the database the URI names, else events)";
}

void add_source_options(CLI::App* app, Flags& f) {
    app->add_option("--config", f.config_file, "JSON config file (see below)")->check(CLI::ExistingFile);
    add_optional(app, "--schema", f.schema, "Schema YAML file (default: the bundled sample schema)");
    add_optional(app, "--database", f.database, database_help());
    add_optional(app, "--db-uri", f.db_uri, db_uri_help());
    add_optional(app, "--db-name", f.db_name, db_name_help());
    add_optional(app, "--log-level", f.log_level, "trace | debug | info | warning | error | critical | off");
}

void add_serve_options(CLI::App* app, Flags& f) {
    add_source_options(app, f);
    add_optional(app, "--port", f.port, "Listen port (default 5500; 0 picks a free port)");
    add_optional(app, "--host", f.host, "Listen address (default 127.0.0.1: this machine only; 0.0.0.0 listens on every interface)");
    add_optional(app, "--threads", f.threads,
                 "io threads (default max(4, 2 x cores) embedded, max(8, 4 x cores) with a database server)");
    add_optional(app, "--log-format", f.log_format, "text | json (one JSON object per log line)");
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// defaults < config file < EVENTS_* environment < flags
events::Config build_config(const Flags& f) {
    events::Config c = f.config_file.empty() ? events::Config{} : events::Config::from_file(f.config_file);
    c.apply_environment();
    if (f.schema) c.schema_path = *f.schema;
    if (f.database) {   // an alias becomes the canonical name; validate() names an unknown one
        const events::BackendInfo* b = events::find_backend(*f.database);
        c.database = b ? std::string(b->name) : *f.database;
    }
    if (f.db_uri) c.db_uri = *f.db_uri;
    if (f.db_name) c.db_name = *f.db_name;
    if (f.log_level) c.log_level = *f.log_level;
    if (f.log_format) c.log_format = lower(*f.log_format);
    if (f.host) c.host = *f.host;
    if (f.port) c.server_port = *f.port;
    if (f.threads) c.threads = *f.threads;
    c.validate();
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    events::init_logging();

    std::string titles;
    for (const events::BackendInfo& b : events::kBackends)
        titles += (titles.empty() ? "" : &b == &events::kBackends.back() ? " or " : ", ") + std::string(b.title);
    CLI::App app{"events: a REST API server generated from a YAML schema, on " + titles + ".", "events"};
    app.footer(kFooter);
    app.require_subcommand(0, 1);
    app.fallthrough(false);

    Flags flags;
    add_serve_options(&app, flags);

    add_adopt_option(&app, flags);
    CLI::App* serve = app.add_subcommand("serve", "Run the REST API server (what `events` alone does)");
    add_serve_options(serve, flags);
    add_adopt_option(serve, flags);

    CLI::App* check = app.add_subcommand("check", "Validate a schema: prints \"OK: N entities\" (exit 0) or every problem (exit 1)");
    std::string check_schema;
    check->add_option("--schema", check_schema, "Schema YAML file (default: the bundled sample schema)");

    CLI::App* exporter = app.add_subcommand("export", "Write every document as JSON Lines to stdout (or --file); parents first");
    add_source_options(exporter, flags);
    exporter->add_option("--file", flags.transfer_file, "Write to this file instead of stdout");
    add_adopt_option(exporter, flags);

    CLI::App* importer = app.add_subcommand("import", "Read JSON Lines written by `events export` from stdin (or --file)");
    add_source_options(importer, flags);
    importer->add_option("--file", flags.transfer_file, "Read this file instead of stdin");
    add_adopt_option(importer, flags);

    CLI::App* backuper = app.add_subcommand(
        "backup", "Copy the SQLite database to FILE while the server runs (one consistent snapshot)");
    add_source_options(backuper, flags);
    std::string backup_file;
    backuper->add_option("file", backup_file, "The copy to write (replaced when it exists)")->required();
    add_adopt_option(backuper, flags);

    CLI::App* migrator = app.add_subcommand(
        "migrate", "Show (--plan) or apply (--apply) the changes between the schema the database records and --schema");
    add_source_options(migrator, flags);
    auto* plan_flag = migrator->add_flag("--plan", flags.plan, "Print the plan and change nothing (the default)");
    auto* apply_flag = migrator->add_flag("--apply", flags.apply, "Apply every step of the plan");
    plan_flag->excludes(apply_flag);
    migrator->add_flag("--json", flags.json, "Print the plan as JSON");
    migrator->add_option("--drop", flags.drops, "With --apply: drop this removed field or entity (Entity.field or Entity; repeatable)");
    migrator->add_option("--batch", flags.batch, "With --apply: documents converted or copied at a time (default 500)")
        ->check(CLI::Range(int64_t{1}, int64_t{100000}));
    add_adopt_option(migrator, flags);

    CLI::App* user = app.add_subcommand("user", "Manage logins without the API (bootstrap the first one, docs/AUTH.md)");
    user->require_subcommand(1);
    CLI::App* user_add = user->add_subcommand("add", "Create a login; the password is read from stdin (one line)");
    add_source_options(user_add, flags);
    std::string user_entity, user_login, user_role;
    user_add->add_option("--entity", user_entity, "The login entity (an entity with an authn service), e.g. Auth")->required();
    user_add->add_option("--login", user_login, "The login value, e.g. the name")->required();
    user_add->add_option("--role", user_role, "The role: its id or its unique name (when the entity delegates to a role)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    if (check->parsed()) return events::check_schema(check_schema);

    events::Config config;
    try {
        config = build_config(flags);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "events: %s\n", e.what());
        return 1;
    }
    events::set_log_level(config.log_level);

    events::GuardOptions guard;
    guard.adopt = flags.adopt;
    guard.drops = flags.drops;
    guard.batch = flags.batch;
    if (exporter->parsed()) return events::export_data(config, flags.transfer_file, guard);
    if (importer->parsed()) return events::import_data(config, flags.transfer_file, guard);
    if (backuper->parsed()) return events::backup(config, backup_file, guard);
    if (migrator->parsed()) return events::migrate(config, flags.apply, flags.json, guard);
    if (user_add->parsed()) return events::add_user(config, user_entity, user_login, user_role);
    return events::serve(config, guard);
}
