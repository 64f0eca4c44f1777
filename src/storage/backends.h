// The storage backends this build serves: one table, read by every place that names
// them (the `--help` text in main.cpp, config validation in app/config.cpp, the driver
// factory, the default thread count in app/application.cpp), so that adding a backend
// or an alias is one row here and the places cannot drift apart.
//
// Header-only and constexpr: the e2e tests read the same table to check `events --help`.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace events {

enum class BackendKind { Sqlite, PostgreSQL, MongoDB, Elasticsearch, SqlServer };

struct BackendInfo {
    BackendKind kind;
    std::string_view name;                      // the canonical config spelling (`"database": "<name>"`)
    std::array<std::string_view, 2> aliases;    // other accepted spellings; empty slots unused
    std::string_view title;                     // how people write it, for messages
    bool embedded;                              // true: in-process (no database server to wait on)
    std::string_view uri_help;                  // what `db_uri` holds for it, for `--help`
};

// Order: the order of `--help` and of every "supported: ..." message. SQLite first: the default.
inline constexpr std::array<BackendInfo, 5> kBackends{{
    {BackendKind::Sqlite, "sqlite", {}, "SQLite", true, "a file path (default events.db)"},
    {BackendKind::PostgreSQL, "postgresql", {"postgres", ""}, "PostgreSQL", false,
     "postgresql://user:pass@host:port[/database] (the database here or in db_name, not two different ones)"},
    {BackendKind::MongoDB, "mongodb", {}, "MongoDB", false, "mongodb://user:pass@host:port/"},
    {BackendKind::Elasticsearch, "elasticsearch", {"opensearch", ""}, "Elasticsearch/OpenSearch", false,
     "http(s)://user:pass@host:9200"},
    {BackendKind::SqlServer, "sqlserver", {"mssql", ""}, "SQL Server", false,
     "mssql://user:pass@host:1433 or an ODBC connection string"},
}};

namespace backends_detail {
constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}
}  // namespace backends_detail

// The backend named `name` or one of its aliases, any capitalisation; nullptr when none is.
constexpr const BackendInfo* find_backend(std::string_view name) {
    for (const BackendInfo& b : kBackends) {
        if (backends_detail::iequals(b.name, name)) return &b;
        for (std::string_view alias : b.aliases)
            if (!alias.empty() && backends_detail::iequals(alias, name)) return &b;
    }
    return nullptr;
}

// "sqlite<sep>postgresql<sep>mongodb<sep>elasticsearch<sep>sqlserver": every canonical name.
inline std::string backend_names(std::string_view separator = ", ") {
    std::string out;
    for (const BackendInfo& b : kBackends) {
        if (!out.empty()) out += separator;
        out += b.name;
    }
    return out;
}

// True for a backend that runs inside the process (SQLite); false for database servers
// and for names the table does not hold.
constexpr bool backend_is_embedded(std::string_view backend) {
    const BackendInfo* b = find_backend(backend);
    return b && b->embedded;
}

// io threads when the config says 0, for `hardware_threads` cores. Reads run on the io
// threads: on an embedded backend they are CPU work (2 per core keep the cores busy); on a
// database server each read blocks its thread for a round trip, so more threads keep more
// reads in flight. PostgreSQL at 100k users, 64 connections, 2 cores: 4 threads 14.5k GET/s
// and 6.2k page-1/s, 8 threads 19.4k and 6.8k, 12 threads 15.6k and 6.7k (docs/STORAGE.md).
constexpr int default_io_threads(std::string_view backend, int hardware_threads) {
    const int hw = hardware_threads < 1 ? 1 : hardware_threads;
    return backend_is_embedded(backend) ? (2 * hw > 4 ? 2 * hw : 4) : (4 * hw > 8 ? 4 * hw : 8);
}

}  // namespace events
