#include "storage/postgres/pg_substring_index.h"

#include "storage/sql/comparison_columns.h"
#include "tools/short_hash.h"

#include <fmt/format.h>

namespace events::pg_substring_index {

namespace {

// The GIN pending list (fastupdate) takes inserts unsorted and every search reads it
// whole: after the 100k-user import it held 282 pages and a substring lookup took 3 ms
// instead of 0.17 ms. A 128 kB limit (the default is 4 MB) keeps inserts batched while a
// search reads at most ~16 pending pages.
constexpr const char* kStorage = " WITH (gin_pending_list_limit = 128)";

std::vector<std::string> indexed_columns(const SqlDialect& d, const Entity& e) {
    std::vector<std::string> out;
    for (const Field& f : e.fields)
        if (substring_indexed(f)) out.push_back(form_column_name(f, d.max_identifier_length()));
    return out;
}

}  // namespace

std::string index_name(const SqlDialect& d, const Entity& e) {
    const std::vector<std::string> columns = indexed_columns(d, e);
    if (columns.empty()) return {};
    std::string key;
    for (const std::string& c : columns) key += c + ",";
    key += kStorage;   // another setting is another index
    const std::string hash = fmt::format("{:08x}", fnv1a(key));
    std::string name = std::string(kPrefix) + e.name + "$" + hash;
    const size_t max = d.max_identifier_length();
    // An entity name too long for the limit: keep the prefix's start and the hash.
    if (max > 0 && name.size() > max) name = std::string(kPrefix) + e.name.substr(0, max - 13) + "$" + hash;
    return name;
}

std::string create_sql(const SqlDialect& d, const Entity& e) {
    std::string keys;
    for (const std::string& c : indexed_columns(d, e)) {
        if (!keys.empty()) keys += ", ";
        keys += d.quote(c) + " gin_trgm_ops";
    }
    return "CREATE INDEX " + d.quote(index_name(d, e)) + " ON " + d.quote(e.name) + " USING gin (" + keys + ")" +
           kStorage;
}

}  // namespace events::pg_substring_index
