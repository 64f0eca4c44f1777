#include "app/application.h"

#include "apis/api_router.h"
#include "app/cascade_completion.h"
#include "app/cors_origins.h"
#include "app/install_paths.h"
#include "app/startup_banner.h"
#include "app/transfer.h"
#include "service/auth_service.h"
#include "service/cascade_intents.h"
#include "service/document_service.h"
#include "storage/cascade_intent_store.h"
#include "storage/database_session_store.h"
#include "storage/redis/redis_session_store.h"
#include "http/server.h"
#include "storage/backends.h"
#include "tools/json_text.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

namespace events {

namespace json = boost::json;

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

void print_schema_error(const SchemaError& e) {
    std::fprintf(stderr, "schema error:\n");
    if (e.problems.empty()) std::fprintf(stderr, "  %s\n", e.what());
    for (const auto& p : e.problems) std::fprintf(stderr, "  %s\n", p.c_str());
}

ReadValidation validation_mode(const std::string& v) {
    if (v == "single") return ReadValidation::Single;
    if (v == "multiple") return ReadValidation::Multiple;
    return ReadValidation::Off;
}

// Progress on an interactive stderr only: a redirected stderr (a log file, a CI job)
// gets just the summary line.
class TransferReport {
public:
    TransferReport(const char* noun, const char* verb)
        : noun_(noun), verb_(verb), interactive_(::isatty(STDERR_FILENO) == 1) {}

    ProgressFn progress() {
        return [this](const Entity& e, int64_t done) {
            done_ = done;
            if (interactive_) std::fprintf(stderr, "\r%s %lld documents (%s)...\033[K", verb_, static_cast<long long>(done), e.name.c_str());
        };
    }

    void finish(int64_t documents, const std::string& where) {
        end_line();
        std::fprintf(stderr, "%s %lld documents %s in %.1f s\n", verb_, static_cast<long long>(documents),
                     where.c_str(), seconds());
    }

    void fail(const std::string& message) {
        end_line();
        std::fprintf(stderr, "%s failed after %lld documents: %s\n", noun_, static_cast<long long>(done_),
                     message.c_str());
    }

private:
    void end_line() {
        if (interactive_ && done_ > 0) std::fprintf(stderr, "\n");
    }
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

    const char* noun_;
    const char* verb_;
    bool interactive_;
    int64_t done_ = 0;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Loads the schema and opens the storage for export/import; prints and returns
// nullptr on failure.
struct Storage {
    std::unique_ptr<Schema> schema;
    std::unique_ptr<StorageDriver> driver;
};

std::optional<Storage> open_for_transfer(const Config& config, OpenPurpose purpose, const GuardOptions& guard,
                                        bool* empty_database) {
    try {
        Storage s;
        s.schema = std::make_unique<Schema>(load_schema(config));
        GuardedStorage g = open_guarded(config, *s.schema, schema_source_of(config), purpose, guard);
        if (!g.driver) return std::nullopt;
        s.driver = std::move(g.driver);
        if (empty_database) *empty_database = g.empty_database;
        return s;
    } catch (const SchemaError& e) {
        print_schema_error(e);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cannot open the %s database: %s\n", config.database.c_str(), e.what());
    }
    return std::nullopt;
}

}  // namespace

namespace {

constexpr const char* kTextPattern = "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v";

// The spdlog flag %* : the message as the inside of a JSON string literal, so that
// JSON log lines stay valid whatever a message contains.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        std::string quoted;
        append_json_string(quoted, std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(quoted.data() + 1, quoted.data() + quoted.size() - 1);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

}  // namespace

void init_logging() {
    auto logger = spdlog::stderr_color_mt("events");
    logger->set_pattern(kTextPattern);
    // Access lines go to stderr too, through a sink of their own: a formatter belongs to
    // a sink, and the two formats differ in JSON mode.
    auto access = spdlog::stderr_color_mt("access");
    access->set_pattern(kTextPattern);
    spdlog::set_default_logger(std::move(logger));
}

void set_log_format(const std::string& format) {
    auto access = spdlog::get("access");
    if (lower(format) == "json") {
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<JsonMessageFlag>('*').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":"%*"})");
        spdlog::default_logger()->set_formatter(std::move(formatter));
        if (access) access->set_pattern("%v");
    } else if (lower(format) == "text") {
        spdlog::default_logger()->set_pattern(kTextPattern);
        if (access) access->set_pattern(kTextPattern);
    }
}

void set_log_level(const std::string& level) {
    std::string name = lower(level);
    if (name == "warning") name = "warn";
    auto parsed = spdlog::level::from_str(name);
    // from_str answers `off` for names it does not know; only "off" itself means off.
    if (parsed == spdlog::level::off && name != "off") return;
    spdlog::set_level(parsed);
}

// Database connections the default pool_size adds for the write threads.
constexpr int kMaxWriteConnections = 32;

// io threads when `threads` is not configured: the backend table's rule (storage/backends.h).
int default_thread_count(const std::string& backend) {
    return default_io_threads(backend, static_cast<int>(std::thread::hardware_concurrency()));
}

Schema load_schema(const Config& config) {
    return config.schema_path.empty() ? Schema::load_bundled() : Schema::load_file(config.schema_path);
}

namespace {

DriverOptions driver_options_of(const Config& config) {
    DriverOptions options;
    options.uri = config.db_uri;
    options.db_name = config.db_name;
    options.case_sensitive = config.case_sensitive;
    options.cascade_delete = config.cascade_delete;
    options.strict_consistency = config.elasticsearch_strict_consistency;
    // Default: one connection per io thread (reads) plus up to 32 for the write threads.
    // A server like PostgreSQL commits concurrent transactions with one WAL flush, so
    // writes per second grow with the writers that can commit at once (POST at 64
    // connections, fsync on: 4 connections ~550/s, 36 ~1,650/s under the same load).
    // SQLite keeps one writer and uses the rest as idle readers; the PostgreSQL pool
    // caps the size at what the server accepts (storage/postgres/pg_connection_factory.h).
    const int io_threads = config.threads > 0 ? config.threads : default_thread_count(config.database);
    options.pool_size =
        config.pool_size > 0 ? config.pool_size : io_threads + std::min(config.write_threads, kMaxWriteConnections);
    return options;
}

// Deletes expired sessions every `interval` until stopped (docs/DECISIONS.md §6.5).
class SessionPurger {
public:
    SessionPurger(AuthService& auth, std::chrono::seconds interval)
        : thread_([&auth, interval](std::stop_token stop) {
              std::mutex m;
              std::condition_variable_any cv;
              while (!stop.stop_requested()) {
                  std::unique_lock lock(m);
                  if (cv.wait_for(lock, stop, interval, [] { return false; })) break;
                  if (stop.stop_requested()) break;
                  try {
                      if (int64_t n = auth.purge_expired(); n > 0) spdlog::debug("{} expired sessions deleted", n);
                  } catch (const std::exception& e) {
                      spdlog::warn("expired sessions not deleted: {}", e.what());
                  }
              }
          }) {}

private:
    std::jthread thread_;
};

AuthOptions auth_options_of(const Config& config) {
    AuthOptions o;
    o.idle_ttl_ms = config.session_idle_ttl_s * 1000;
    o.absolute_ttl_ms = config.session_absolute_ttl_s * 1000;
    o.max_failures = config.login_max_failures;
    o.lockout_ms = config.login_lockout_s * 1000;
    o.admin_token = config.admin_token;
    o.session_cache_ms = config.session_cache_ms;
    return o;
}

}  // namespace

std::unique_ptr<StorageDriver> open_storage(const Config& config, const Schema& schema) {
    auto driver = make_storage(config, schema);
    driver->open();
    return driver;
}

std::unique_ptr<StorageDriver> make_storage(const Config& config, const Schema& schema) {
    return make_driver(config.database, schema, driver_options_of(config));
}

ApiOptions api_options_of(const Config& config) {
    ApiOptions o;
    o.project_name = config.project_name;
    o.database = config.database;
    o.db_name = config.db_name;
    o.admin_token = config.admin_token;
    o.openapi = config.openapi;
    o.docs = config.docs;
    o.metrics = config.metrics;
    o.metrics_auth = config.metrics_auth;
    o.swagger_ui_dir = config.swagger_ui_dir;
    o.admin_ui = config.admin_ui;
    o.admin_ui_dir = config.admin_ui_dir;
    o.json_access_log = config.log_format == "json";
    o.cookie_secure = config.cookie_secure;
    o.config_report = config.redacted_json();
    return o;
}

int serve(const Config& config, const GuardOptions& guard) {
    set_log_level(config.log_level);
    set_log_format(config.log_format);

    std::unique_ptr<Schema> schema;
    try {
        schema = std::make_unique<Schema>(load_schema(config));
    } catch (const SchemaError& e) {
        print_schema_error(e);
        return 1;
    }
    spdlog::info("schema {}: {} entities", config.schema_path.empty() ? "(bundled sample)" : config.schema_path,
                 schema->entities().size());

    const int threads = config.threads > 0 ? config.threads : default_thread_count(config.database);
    Config effective = config;
    effective.threads = threads;
    // An installed server serves the Swagger UI and the admin UI installed beside it
    // (docs/INSTALL.md).
    if (effective.swagger_ui_dir.empty()) effective.swagger_ui_dir = installed_swagger_ui_dir();
    if (effective.admin_ui_dir.empty()) effective.admin_ui_dir = installed_admin_ui_dir();

    // Logins (docs/DECISIONS.md §6): sessions in the configured database. Their store opens
    // first, so that its table is created before the server's own connections open (an
    // SQLite writer that prepared statements before another connection changed the schema
    // was seen failing with "no such table").
    std::unique_ptr<SessionStore> sessions;
    std::unique_ptr<AuthService> auth;
    std::unique_ptr<SessionPurger> purger;
    if (!schema->authn_services().empty()) {
        if (schema->find(DatabaseSessionStore::kEntityName)) {
            std::fprintf(stderr, "the entity name %s is reserved for login sessions\n",
                         std::string(DatabaseSessionStore::kEntityName).c_str());
            return 1;
        }
        try {
            if (!config.session_store.empty()) sessions = make_redis_session_store(config.session_store);
            else sessions = std::make_unique<DatabaseSessionStore>(config.database, driver_options_of(effective));
        } catch (const std::exception& e) {
            if (!config.session_store.empty())
                std::fprintf(stderr, "cannot open the session store %s:\n%s\n",
                             mask_uri_password(config.session_store).c_str(), e.what());
            else
                std::fprintf(stderr, "cannot open the session store in the %s database:\n%s\n", config.database.c_str(),
                             e.what());
            return 1;
        }
    }

    if (schema->find(CascadeIntentStore::kEntityName)) {
        std::fprintf(stderr, "the entity name %s is reserved for the cascades' intent records\n",
                     std::string(CascadeIntentStore::kEntityName).c_str());
        return 1;
    }
    std::unique_ptr<StorageDriver> driver;
    boost::json::object schema_report;
    try {
        const SchemaSource source = schema_source_of(effective);
        GuardedStorage g = open_guarded(effective, *schema, source, OpenPurpose::Serve, guard);
        if (!g.driver) return 1;   // refused; the reason is printed
        driver = std::move(g.driver);
        boost::json::array kept;
        for (const std::string& k : g.kept) kept.push_back(boost::json::string(k));
        schema_report = boost::json::object{
            {"source", source.source}, {"fingerprint", schema_fingerprint(*schema)}, {"kept", std::move(kept)}};
    } catch (const SchemaError& e) {
        print_schema_error(e);
        return 1;
    } catch (const std::exception& e) {
        // ReconcileError / StorageUnavailable carry the full explanation (e.g. the
        // duplicate values blocking a new unique constraint).
        std::fprintf(stderr, "cannot open the %s database %s:\n%s\n", config.database.c_str(),
                     mask_uri_password(config.db_uri).c_str(), e.what());
        return 1;
    }
    spdlog::info("database: {} {}", driver->backend_name(), mask_uri_password(config.db_uri));

    // docs/DECISIONS.md §4.3: without transactions and foreign keys the service runs the
    // cascades, each recorded before it starts, so that one cut short is completed.
    std::unique_ptr<CascadeIntentStore> intent_store;
    std::unique_ptr<CascadeIntents> intents;
    if (config.cascade_delete && !driver->capabilities().native_foreign_keys) {
        try {
            DriverOptions own = driver_options_of(effective);
            own.pool_size = 2;   // a few writes per cascade, one read per pass
            intent_store = std::make_unique<CascadeIntentStore>(
                [&](const Schema& s) { return make_driver(config.database, s, own); });
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cannot open the cascade intent records in the %s database:\n%s\n",
                         config.database.c_str(), e.what());
            driver->close();
            return 1;
        }
        intents = std::make_unique<CascadeIntents>(*intent_store,
                                                   std::chrono::seconds(config.cascade_check_interval_s));
    }
    if (!schema->authn_services().empty()) {
        auth = std::make_unique<AuthService>(*schema, *driver, *sessions, auth_options_of(config));
        purger = std::make_unique<SessionPurger>(*auth, std::chrono::seconds(config.session_purge_interval_s));
    } else if (config.host == "0.0.0.0" || config.host == "::") {
        spdlog::warn("listening on {} with no authn service in the schema: anyone who reaches the port can read, "
                     "write and delete every document (docs/AUTH.md)", config.host);
    }

    ServiceOptions service_options;
    service_options.validation = validation_mode(config.validation);
    service_options.cascade_delete = config.cascade_delete;
    // A role written through this process holds at once (docs/DECISIONS.md §6.5).
    if (auth) service_options.after_write = [&auth](const Entity& e, std::string_view id) { auth->document_written(e, id); };
    DocumentService service(*schema, *driver, service_options, intents.get());
    ApiOptions api_options = api_options_of(effective);
    api_options.schema_report = std::move(schema_report);
    ApiRouter router(api_options, service, auth.get());

    ServerOptions server_options;
    server_options.host = config.host;
    server_options.port = config.server_port;
    server_options.threads = threads;
    server_options.write_threads = config.write_threads;
    server_options.body_limit = config.body_limit;
    server_options.read_timeout_s = config.read_timeout_s;
    server_options.idle_timeout_s = config.idle_timeout_s;
    server_options.cors_origins = cors_origins_of(config);
    server_options.cors_any_origin = cors_any_origin(config);

    HttpServer server(server_options, [&router](const HttpRequest& req) { return router.handle(req); });
    try {
        server.start();
    } catch (const AddressInUseError& e) {
        std::fprintf(stderr,
                     "%s: another process holds this port; stop it, or choose another port with --port "
                     "(server_port in the config file, EVENTS_SERVER_PORT)\n",
                     e.what());
        driver->close();
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        driver->close();
        return 1;
    }
    spdlog::info("listening on {}:{} ({} threads)", config.host, server.bound_port(), threads);
    // The first pass completes the cascades a crash cut (docs/DECISIONS.md §4.3) while the
    // server already answers; then one pass every interval.
    std::unique_ptr<CascadeCompletion> completion;
    if (intents)
        completion = std::make_unique<CascadeCompletion>(service, std::chrono::seconds(config.cascade_check_interval_s));
    StartupFacts facts;
    facts.host = config.host;
    facts.port = server.bound_port();
    for (const Route& r : router.routes())
        if (r.method == "GET" && r.path.find('{') == std::string::npos) facts.get_paths.push_back(r.path);
    // The admin UI's page is /admin/ (its route is /admin, which sends browsers there); the
    // banner names it only when the built app is served.
    if (router.serves_admin_ui()) facts.get_paths.push_back("/admin/");
    for (const auto& e : schema->entities())   // served entities only (abstract ones are not)
        if (e->allows('r')) {
            facts.example_entity = e->lower;
            break;
        }
    facts.schema = config.schema_path.empty() ? "the bundled sample schema" : config.schema_path;
    facts.entities = schema->entities().size();
    facts.backend = std::string(driver->backend_name());
    facts.database = database_description(config);
    facts.authentication = authentication_state(config, *schema);
    for (const std::string& line : startup_banner(facts)) spdlog::info("{}", line);
    server.run();
    spdlog::info("shutting down");
    completion.reset();
    intents.reset();
    intent_store.reset();
    purger.reset();
    sessions.reset();
    driver->close();
    spdlog::info("stopped");
    return 0;
}

namespace {

// Opens the storage, runs one transfer with progress reporting, closes the storage.
// Exit code 1 on any failure (batches an import committed before it stay).
int run_transfer(const Config& config, OpenPurpose purpose, const GuardOptions& guard, const char* verb,
                 const char* past,
                 const std::function<std::pair<int64_t, std::string>(StorageDriver&, const Schema&, TransferReport&)>& body) {
    bool empty_database = false;
    auto storage = open_for_transfer(config, purpose, guard, &empty_database);
    if (!storage) return 1;
    TransferReport report(verb, past);
    int status = 0;
    if (purpose == OpenPurpose::Export && empty_database) {
        // Nothing stored yet: there is nothing to read, and export creates nothing to read it from.
        report.finish(0, "(the database holds no documents yet)");
        storage->driver->close();
        return 0;
    }
    try {
        auto [documents, where] = body(*storage->driver, *storage->schema, report);
        report.finish(documents, where);
    } catch (const std::exception& e) {
        report.fail(e.what());
        status = 1;
    }
    storage->driver->close();
    return status;
}

}  // namespace

int export_data(const Config& config, const std::string& file, const GuardOptions& guard) {
    return run_transfer(config, OpenPurpose::Export, guard, "export", "exported", [&](StorageDriver& driver, const Schema& schema, TransferReport& report) {
        if (file.empty()) {
            std::ios::sync_with_stdio(false);
            TransferStats stats = export_documents(schema, driver, std::cout, report.progress());
            std::cout.flush();
            if (!std::cout) throw std::runtime_error("writing to stdout failed");
            return std::make_pair(stats.documents, std::string("to stdout"));
        }
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + file);
        TransferStats stats = export_documents(schema, driver, out, report.progress());
        out.close();
        if (!out) throw std::runtime_error("writing " + file + " failed");
        return std::make_pair(stats.documents, "to " + file);
    });
}

int import_data(const Config& config, const std::string& file, const GuardOptions& guard) {
    return run_transfer(config, OpenPurpose::Import, guard, "import", "imported", [&](StorageDriver& driver, const Schema& schema, TransferReport& report) {
        if (file.empty()) {
            std::ios::sync_with_stdio(false);
            return std::make_pair(import_documents(schema, driver, std::cin, report.progress()).documents,
                                  std::string("from stdin"));
        }
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read " + file);
        return std::make_pair(import_documents(schema, driver, in, report.progress()).documents, "from " + file);
    });
}

int add_user(const Config& config, const std::string& entity_name, const std::string& login,
             const std::string& role) {
    bool empty_database = false;   // a first login may be the database's first document
    auto storage = open_for_transfer(config, OpenPurpose::Import, GuardOptions{}, &empty_database);
    if (!storage) return 1;
    const Schema& schema = *storage->schema;
    int status = 0;
    try {
        const AuthnService* service = nullptr;
        for (const AuthnService& s : schema.authn_services())
            if (s.entity == schema.find(entity_name)) service = &s;
        if (!service) throw std::runtime_error("the schema has no login entity " + entity_name +
                                               " (an entity with services: {authn: ...})");
        std::string password;
        std::getline(std::cin, password);
        if (!password.empty() && password.back() == '\r') password.pop_back();
        json::object body{{service->login->name, login}, {service->password->name, password}};
        if (service->role) {
            if (role.empty()) throw std::runtime_error("--role is required: " + service->entity->name + " delegates to " +
                                                       service->authz->name);
            std::optional<Document> found = storage->driver->get(*service->authz, role);
            for (const auto& unique : service->authz->uniques) {
                if (found || unique.size() != 1 || unique.front()->type != FieldType::String) continue;
                ListQuery q;
                q.filters.push_back(FilterCondition{unique.front(), FilterOp::Eq, json::value(role)});
                q.sort.push_back(SortKey{&service->authz->id_field(), false});
                q.limit = 1;
                ListPage page = storage->driver->list(*service->authz, q);
                if (!page.docs.empty()) found = std::move(page.docs.front());
            }
            if (!found) throw std::runtime_error("no " + service->authz->name + " '" + role + "'");
            body[service->role->name] = found->at("id");
        }
        DocumentService documents(schema, *storage->driver, ServiceOptions{});
        Notifications notes;
        const Document created = documents.create(*service->entity, body, RequestParams{}, notes);
        std::fprintf(stderr, "created %s %s (login %s)\n", service->entity->name.c_str(),
                     std::string(created.at("id").as_string()).c_str(), login.c_str());
    } catch (const ApiError& e) {
        std::fprintf(stderr, "events user add: %s\n", to_json_text(make_error_envelope(e, Notifications())).c_str());
        status = 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "events user add: %s\n", e.what());
        status = 1;
    }
    storage->driver->close();
    return status;
}

int migrate(const Config& config, bool apply, bool json, const GuardOptions& guard) {
    if (!guard.drops.empty() && !apply) {
        // Refused rather than ignored: a named drop that did not happen would look done.
        std::fprintf(stderr, "refusing: --drop goes with --apply (docs/DECISIONS.md §5.4)\n");
        return 1;
    }
    try {
        const Schema schema = load_schema(config);
        const SchemaSource source = schema_source_of(config);
        GuardedStorage g = open_guarded(config, schema, source, apply ? OpenPurpose::Apply : OpenPurpose::Plan, guard);
        if (!g.driver) return 1;
        g.driver->close();
        if (apply) {
            std::printf("applied: the database now records %s\n",
                        describe_schema(source.source, schema_fingerprint(schema), "", entity_names(schema)).c_str());
            return 0;
        }
        if (json) {
            boost::json::object out = plan_json(g.plan);
            out["database"] = g.recorded ? boost::json::value(boost::json::object{
                                               {"source", g.recorded->source},
                                               {"fingerprint", g.recorded->fingerprint},
                                               {"recorded_at", g.recorded->recorded_at}})
                                         : boost::json::value(nullptr);
            out["schema"] = boost::json::object{{"source", source.source}, {"fingerprint", schema_fingerprint(schema)}};
            out["verdict"] = stored_schema_verdict_name(g.verdict);
            std::printf("%s\n", to_json_text(out).c_str());
            return 0;
        }
        std::printf("database: %s\nschema:   %s\n",
                    g.recorded ? describe_schema(g.recorded->source, g.recorded->fingerprint, g.recorded->recorded_at,
                                                 g.recorded_entities)
                                     .c_str()
                               : "no schema record",
                    describe_schema(source.source, schema_fingerprint(schema), "", entity_names(schema)).c_str());
        switch (g.verdict) {
            case StoredSchemaVerdict::Fresh: std::printf("\nthe database is empty: serve creates every entity\n"); break;
            case StoredSchemaVerdict::Same: std::printf("\nno changes\n"); break;
            case StoredSchemaVerdict::AdoptSilently:
                std::printf("\nthe database holds this schema's data without a record: serve records it\n");
                break;
            case StoredSchemaVerdict::Foreign:
                std::printf("\nthe database holds another schema's data: serve refuses unless --adopt\n");
                break;
            case StoredSchemaVerdict::Changed: std::printf("\n%s", plan_text(g.plan).c_str()); break;
        }
        return 0;
    } catch (const SchemaError& e) {
        print_schema_error(e);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cannot open the %s database %s:\n%s\n", config.database.c_str(),
                     mask_uri_password(config.db_uri).c_str(), e.what());
    }
    return 1;
}

int backup(const Config& config, const std::string& file, const GuardOptions& guard) {
    bool empty_database = false;
    auto storage = open_for_transfer(config, OpenPurpose::Export, guard, &empty_database);
    if (!storage) return 1;
    int status = 0;
    try {
        if (empty_database) throw std::runtime_error("the database holds nothing yet");
        const auto start = std::chrono::steady_clock::now();
        const int64_t pages = storage->driver->backup_to(file);
        std::fprintf(stderr, "backed up %lld pages to %s in %.1f s\n", static_cast<long long>(pages), file.c_str(),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "backup failed: %s\n", e.what());
        status = 1;
    }
    storage->driver->close();
    return status;
}

int check_schema(const std::string& schema_path) {
    try {
        Schema schema = schema_path.empty() ? Schema::load_bundled() : Schema::load_file(schema_path);
        std::printf("OK: %zu entities\n", schema.entities().size());
        return 0;
    } catch (const SchemaError& e) {
        for (const auto& p : e.problems) std::printf("%s\n", p.c_str());
        if (e.problems.empty()) std::printf("%s\n", e.what());
        return 1;
    }
}

}  // namespace events
