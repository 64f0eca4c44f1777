// EsDriver's connection and plain requests: open/close, the start-up that creates the
// indices, the reads (get, get_many, list and the search_after walk behind them) and the
// administration (wipe, counts, report). The unique claims (es_claims.cpp), the writes
// (es_write_txn.cpp) and the schema record (es_schema_record.cpp) have files of their own.
#include "storage/elasticsearch/es_driver.h"

#include "core/input_limits.h"
#include "storage/elasticsearch/es_mapping.h"
#include "storage/elasticsearch/es_query.h"
#include "storage/elasticsearch/es_support.h"
#include "tools/json_parse.h"
#include "tools/json_text.h"
#include "tools/url_encode.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace events {

namespace json = boost::json;
using namespace es;

namespace {

// Elasticsearch refuses a from + size beyond this (index.max_result_window).
constexpr int64_t kWindow = 10000;
// The refresh interval of the indices created in strict-consistency mode.
constexpr const char* kRefreshInterval = "100ms";

// Whether an error answer is Elasticsearch refusing a query too large or too complex to
// evaluate (too many clauses, a wildcard automaton too big, a term over Lucene's limit):
// the request's fault, never an outage (docs/DECISIONS.md §4.7), whatever status it came
// with (a shard failure arrives as a 500 or 503).
bool refuses_as_too_large(const json::value& answer) {
    static constexpr std::string_view kTypes[] = {"too_many_clauses", "too_many_nested_clauses",
                                                  "too_complex_to_determinize_exception",
                                                  "max_bytes_length_exceeded_exception"};
    const std::string text = to_json_text(answer);
    for (std::string_view type : kTypes)
        if (text.find(std::string("\"") + std::string(type) + "\"") != std::string::npos) return true;
    return false;
}

}  // namespace

EsDriver::EsDriver(const Schema& schema, const DriverOptions& options)
    : schema_(schema), options_(options),
      client_(std::make_unique<EsClient>(EsEndpoint::parse(options.uri), std::max(options.pool_size, 8))) {
    // The URI of a search server names no database: no db_name is the default prefix.
    if (options_.db_name.empty()) options_.db_name = "events";
}

EsDriver::~EsDriver() = default;

json::value EsDriver::call(std::string_view method, const std::string& target, std::string_view body,
                           std::initializer_list<int> ok, int* status) {
    EsResponse r = client_->request(method, target, body);
    if (status) *status = r.status;
    json::value answer;
    if (!r.body.empty()) {
        JsonSyntaxError syntax;   // exact doubles, stored documents nested to the full limit
        std::optional<json::value> parsed = parse_json(r.body, syntax, kMaxStoredJsonDepth);
        answer = parsed ? std::move(*parsed) : json::value(json::string(r.body.substr(0, 300)));
    }
    if (std::find(ok.begin(), ok.end(), r.status) != ok.end()) return answer;
    if (r.status != 429 && refuses_as_too_large(answer)) {
        // The last line of defence behind core/input_limits.h; the detail goes to the log only.
        spdlog::warn("elasticsearch: {} {} refused as too large: {}", method, target, error_text(answer));
        throw InvalidValue("", "The request is more than the database can evaluate");
    }
    if (r.status == 429 || r.status >= 500)
        throw StorageUnavailable(fmt::format("elasticsearch: {} {} answered {}: {}", method, target, r.status,
                                             error_text(answer)));
    throw std::runtime_error(fmt::format("elasticsearch: {} {} answered {}: {}", method, target, r.status,
                                         error_text(answer)));
}

std::string EsDriver::index(const Entity& e) const { return es_index_name(options_.db_name, e); }

std::string EsDriver::refresh_param(const WriteOptions& w) const {
    const bool wait = options_.strict_consistency && !w.no_consistency;
    return wait ? "refresh=wait_for" : "refresh=false";
}

// ---- start-up -----------------------------------------------------------------

void EsDriver::ensure_index(const std::string& name, const json::object& mappings) {
    json::object body{{"mappings", mappings}};
    // A write with refresh=wait_for returns at the next refresh: with the default interval
    // (1 s) every strictly consistent write would take half a second on average.
    if (options_.strict_consistency) body["settings"] = json::object{{"index", {{"refresh_interval", kRefreshInterval}}}};
    int created = 0;
    json::value answer = call("PUT", "/" + url_encode(name), to_json_text(body), {200, 400}, &created);
    if (created == 200) return;
    if (str(obj(answer, "error"), "type") != "resource_already_exists_exception")
        throw ReconcileError("cannot create index " + name + ": " + error_text(answer));
    // It exists: new fields are added; a changed type cannot be (a field keeps its type).
    int put = 0;
    answer = call("PUT", "/" + url_encode(name) + "/_mapping", to_json_text(mappings), {200, 400}, &put);
    if (put != 200)
        throw ReconcileError("the mapping of index " + name + " does not match the schema: " + error_text(answer));
}

void EsDriver::create_indices() {
    for (const auto& e : schema_.entities()) ensure_index(index(*e), es_entity_mapping(*e));
    ensure_index(es_claims_index_name(options_.db_name), es_claims_mapping());
}

void EsDriver::open() {
    open_read_only();
    create_indices();
    reconcile_claims();
}

void EsDriver::open_read_only() { call("GET", "/", {}, {200}); }

void EsDriver::close() { client_->close(); }

bool EsDriver::ping() {
    try {
        int status = 0;
        call("GET", "/", {}, {200}, &status);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// ---- reads --------------------------------------------------------------------

std::optional<EsDriver::Stored> EsDriver::get_stored(const Entity& e, std::string_view id) {
    if (id.empty() || id.size() > kMaxIdBytes) return std::nullopt;
    int status = 0;
    json::value answer = call("GET", "/" + index(e) + "/_doc/" + url_encode(id) + "?_source_excludes=" +
                                         url_encode(kEsCmpField),
                              {}, {200, 404}, &status);
    if (status != 200 || !answer.is_object() || !answer.get_object().contains("_source")) return std::nullopt;
    Stored s;
    s.doc = es_from_source(e, obj(answer, "_source"));
    s.seq_no = int_of(answer.get_object().if_contains("_seq_no"));
    s.primary_term = int_of(answer.get_object().if_contains("_primary_term"));
    return s;
}

std::optional<Document> EsDriver::get(const Entity& e, std::string_view id) {
    auto s = get_stored(e, id);
    if (!s) return std::nullopt;
    return std::move(s->doc);
}

std::vector<Document> EsDriver::get_many(const Entity& e, const std::vector<std::string>& ids) {
    std::vector<Document> out;
    json::array wanted;
    for (const std::string& id : ids)
        if (!id.empty() && id.size() <= kMaxIdBytes) wanted.push_back(json::string(id));
    if (wanted.empty()) return out;
    json::value answer = call("POST", "/" + index(e) + "/_mget?_source_excludes=" + url_encode(kEsCmpField),
                              to_json_text(json::object{{"ids", std::move(wanted)}}), {200});
    for (const json::value& d : arr(answer, "docs"))
        if (d.is_object() && d.get_object().contains("_source")) out.push_back(es_from_source(e, obj(d, "_source")));
    return out;
}

std::vector<json::object> EsDriver::search_all(const std::string& idx, json::object body, int64_t offset,
                                               int64_t limit, int64_t* total) {
    std::vector<json::object> hits;
    body["track_total_hits"] = total != nullptr;
    const std::string target = "/" + idx + "/_search";
    if (offset < 0) offset = 0;
    const bool all = limit < 0;

    // Within the window: one request with from/size.
    if (!all && offset + limit <= kWindow) {
        body["from"] = offset;
        body["size"] = limit;
        json::value answer = call("POST", target, to_json_text(body), {200});
        if (total) *total = int_of(obj(obj(answer, "hits"), "total").if_contains("value"), 0);
        for (const json::value& h : arr(obj(answer, "hits"), "hits")) hits.push_back(h.get_object());
        return hits;
    }

    // Past it: walk the sort order with search_after (the sort ends with the unique id,
    // so every position is exact), skipping `offset` hits without their sources.
    json::value after;
    bool first = true;
    json::value answer;   // of the last step; its hits are read before the next one
    // One search_after step of `size` hits (sources only when wanted); the first step
    // also reads the total.
    auto step = [&](int64_t size, bool sources) -> const json::array& {
        json::object request = body;
        request["size"] = size;
        if (!sources) request["_source"] = false;
        request["track_total_hits"] = first && total != nullptr;
        if (!after.is_null()) request["search_after"] = after;
        answer = call("POST", target, to_json_text(request), {200});
        if (first && total) *total = int_of(obj(obj(answer, "hits"), "total").if_contains("value"), 0);
        first = false;
        return arr(obj(answer, "hits"), "hits");
    };
    int64_t skipped = 0;
    while (skipped < offset) {
        const int64_t want = std::min(kWindow, offset - skipped);
        const json::array& page = step(want, false);
        if (page.empty()) return hits;
        skipped += static_cast<int64_t>(page.size());
        after = page.back().get_object().at("sort");
        if (static_cast<int64_t>(page.size()) < want) return hits;   // fewer than asked: the end
    }
    while (all || static_cast<int64_t>(hits.size()) < limit) {
        const int64_t want = all ? kWindow : std::min(kWindow, limit - static_cast<int64_t>(hits.size()));
        const json::array& page = step(want, true);
        for (const json::value& h : page) hits.push_back(h.get_object());
        if (static_cast<int64_t>(page.size()) < want || page.empty()) break;
        after = page.back().get_object().at("sort");
    }
    return hits;
}

ListPage EsDriver::list(const Entity& e, const ListQuery& q) {
    json::object body{{"query", es_query(q.filters, options_.case_sensitive)},
                      {"sort", es_sort(q)},
                      {"_source", source_excluding_cmp()}};
    ListPage page;
    page.total = -1;
    std::vector<json::object> hits =
        search_all(index(e), std::move(body), q.offset, q.limit, q.with_total ? &page.total : nullptr);
    page.docs.reserve(hits.size());
    for (const json::object& h : hits) page.docs.push_back(es_from_source(e, obj(h, "_source")));
    return page;
}

// ---- administration --------------------------------------------------------------

void EsDriver::wipe() {
    std::vector<std::string> names;
    for (const auto& e : schema_.entities()) names.push_back(index(*e));
    names.push_back(es_claims_index_name(options_.db_name));
    for (const std::string& n : names) call("DELETE", "/" + url_encode(n), {}, {200, 404});
    create_indices();
}

json::object EsDriver::entity_counts() {
    json::object out;
    for (const auto& e : schema_.entities()) {
        json::value answer = call("GET", "/" + index(*e) + "/_count", {}, {200});
        out[e->name] = int_of(answer.get_object().if_contains("count"), 0);
    }
    return out;
}

json::object EsDriver::report_details() {
    json::object out;
    json::value root = call("GET", "/", {}, {200});
    const json::object& version = obj(root, "version");
    out["server"] = json::object{{"distribution", version.contains("distribution") ? str(version, "distribution")
                                                                                    : std::string("elasticsearch")},
                                 {"version", str(version, "number")}};
    out["strict_consistency"] = options_.strict_consistency;
    // Per entity (and for the claims index): the index, its document count, its mapping.
    auto describe = [&](const std::string& name) {
        json::object ix{{"index", name}};
        ix["documents"] = int_of(call("GET", "/" + name + "/_count", {}, {200}).get_object().if_contains("count"), 0);
        json::value mapping = call("GET", "/" + name + "/_mapping", {}, {200});
        ix["mapping"] = obj(obj(mapping, name), "mappings");
        return ix;
    };
    json::object entities;
    for (const auto& e : schema_.entities()) entities[e->name] = describe(index(*e));
    out["entities"] = std::move(entities);
    out["unique_claims"] = describe(es_claims_index_name(options_.db_name));
    return out;
}

}  // namespace events
