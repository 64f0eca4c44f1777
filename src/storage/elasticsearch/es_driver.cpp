#include "storage/elasticsearch/es_driver.h"

#include "core/input_limits.h"
#include "storage/document/unique_key.h"
#include "storage/elasticsearch/es_mapping.h"
#include "storage/elasticsearch/es_query.h"
#include "tools/json_parse.h"
#include "tools/json_text.h"
#include "tools/url_encode.h"

#include <boost/json/parse.hpp>
#include <boost/uuid/detail/sha1.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <type_traits>
#include <set>
#include <thread>

namespace events {

namespace json = boost::json;

namespace {

// Elasticsearch refuses a from + size beyond this (index.max_result_window).
constexpr int64_t kWindow = 10000;
// Documents per _bulk request.
constexpr size_t kBulkBatch = 1000;
// A write that lost a race for one document (if_seq_no) is retried this often, after a
// growing, jittered pause, before a 409.
constexpr int kUpdateAttempts = 40;

void pause_before_retry(int attempt) {
    thread_local std::minstd_rand rng(std::random_device{}());
    const int ceiling_ms = std::min(50, 2 + attempt * 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % ceiling_ms));
}
// The refresh interval of the indices created in strict-consistency mode.
constexpr const char* kRefreshInterval = "100ms";


std::string sha1_hex(std::string_view s) {
    boost::uuids::detail::sha1 h;
    h.process_bytes(s.data(), s.size());
    unsigned int digest[5];
    h.get_digest(digest);
    return fmt::format("{:08x}{:08x}{:08x}{:08x}{:08x}", digest[0], digest[1], digest[2], digest[3], digest[4]);
}

std::string constraint_name(const std::vector<const Field*>& c) {
    std::string out;
    for (const Field* f : c) out += (out.empty() ? "" : "+") + f->name;
    return out;
}

std::vector<std::string> field_names(const std::vector<const Field*>& c) {
    std::vector<std::string> out;
    for (const Field* f : c) out.push_back(f->name);
    return out;
}

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

std::string error_text(const json::value& answer) {
    if (const json::object* o = answer.if_object())
        if (const json::value* e = o->if_contains("error")) {
            if (const json::object* eo = e->if_object()) {
                std::string type = eo->contains("type") && eo->at("type").is_string() ? std::string(eo->at("type").get_string()) : "";
                std::string reason = eo->contains("reason") && eo->at("reason").is_string() ? std::string(eo->at("reason").get_string()) : "";
                return type + ": " + reason;
            }
            return to_json_text(*e);
        }
    return to_json_text(answer).substr(0, 300);
}

int64_t int_of(const json::value* v, int64_t fallback = -1) {
    if (!v) return fallback;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->get_double());
    return fallback;
}

// Members of an answer, or empty ones when absent. They take objects by reference (no
// temporaries: the results refer into the argument).
template <class T>
const T& member(const json::value* x) {
    static const T empty;
    if constexpr (std::is_same_v<T, json::object>) return x && x->is_object() ? x->get_object() : empty;
    else return x && x->is_array() ? x->get_array() : empty;
}
const json::object& obj(const json::object& o, std::string_view key) { return member<json::object>(o.if_contains(key)); }
const json::object& obj(const json::value& v, std::string_view key) {
    return member<json::object>(v.is_object() ? v.get_object().if_contains(key) : nullptr);
}
const json::array& arr(const json::object& o, std::string_view key) { return member<json::array>(o.if_contains(key)); }
const json::array& arr(const json::value& v, std::string_view key) {
    return member<json::array>(v.is_object() ? v.get_object().if_contains(key) : nullptr);
}

std::string str(const json::object& o, std::string_view key) {
    if (const json::value* x = o.if_contains(key); x && x->is_string()) return std::string(x->get_string());
    return {};
}
std::string str(const json::value& v, std::string_view key) { return v.is_object() ? str(v.get_object(), key) : ""; }

// Deleted so that a json::object never binds to the json::value overloads through a
// temporary copy.
const json::object& obj(json::value&&, std::string_view) = delete;
const json::array& arr(json::value&&, std::string_view) = delete;

json::object source_excluding_cmp() { return {{"excludes", json::array{json::string(kEsCmpField)}}}; }

// The write transaction: every operation goes straight to the node (no transactions).
// Documents it created are deleted again (with their claims) when the work fails later,
// so that a failed import batch leaves nothing behind, as on the SQL backends; updates
// and deletes are not undone (DocumentService orders their steps so that a failure
// leaves a state a retry completes).
//
// The first version of each document the work read is kept: an update of that document
// is based on it, and EsDriver::update() re-applies the work's changes onto a newer
// version instead of overwriting it (docs/DECISIONS.md §4.1).
class EsTxn : public WriteTxn {
public:
    EsTxn(EsDriver& d, const WriteOptions& options) : d_(d), options_(options) {}
    std::optional<Document> get(const Entity& e, std::string_view id) override {
        auto s = d_.get_stored(e, id);
        if (!s) return std::nullopt;
        reads_.try_emplace(key(e, id), *s);   // the first read is what an update is based on
        return std::move(s->doc);
    }
    bool exists(const Entity& e, std::string_view id) override { return d_.get_stored(e, id).has_value(); }
    void insert(const Entity& e, const Document& doc) override {
        d_.insert(options_, e, doc);
        created_.emplace_back(&e, doc);
    }
    void insert_many(const Entity& e, const std::vector<Document>& docs) override {
        d_.insert_many(options_, e, docs, created_);
    }
    bool update(const Entity& e, const Document& doc) override {
        auto base = reads_.find(key(e, str(doc, "id")));
        return d_.update(options_, e, doc, base == reads_.end() ? nullptr : &base->second, exact_bases_);
    }
    bool remove(const Entity& e, std::string_view id) override {
        auto base = reads_.find(key(e, id));
        return d_.remove(options_, e, id, base == reads_.end() ? nullptr : &base->second, exact_bases_);
    }
    void keep_versions_read() override { exact_bases_ = true; }
    std::vector<std::string> ids_where(const Entity& e, const Field& f, std::string_view v, int64_t limit) override {
        return d_.ids_where(e, f, v, limit);
    }
    int64_t count_where(const Entity& e, const Field& f, std::string_view v) override { return d_.count_where(e, f, v); }
    void clear_where(const Entity& e, const Field& f, std::string_view v) override { d_.clear_where(options_, e, f, v); }

    // Best effort: the work has already failed; a failure here is logged, not thrown.
    void undo() noexcept {
        try {
            d_.remove_created(options_, created_);
        } catch (const std::exception& ex) {
            spdlog::error("elasticsearch: undoing a failed write: {}", ex.what());
        }
    }

private:
    static std::string key(const Entity& e, std::string_view id) { return e.name + "/" + std::string(id); }

    EsDriver& d_;
    const WriteOptions& options_;
    std::vector<std::pair<const Entity*, Document>> created_;
    std::map<std::string, EsDriver::Stored> reads_;   // entity/id -> the first version read
    bool exact_bases_ = false;                         // keep_versions_read()
};

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

StoredSchemaState EsDriver::stored_schema_state() {
    StoredSchemaState state;
    const json::value listed =
        call("GET", "/_cat/indices/" + url_encode(es_index_prefix(options_.db_name)) + "*?format=json&h=index", {}, {200, 404});
    std::set<std::string> names;
    if (listed.is_array())
        for (const json::value& row : listed.get_array()) names.insert(str(row, "index"));
    for (const auto& e : schema_.entities())
        if (names.count(index(*e))) state.present.push_back(e->name);
    int status = 0;
    const json::value answer =
        call("GET", "/" + url_encode(es_meta_index_name(options_.db_name)) + "/_doc/schema", {}, {200, 404}, &status);
    if (status == 200 && answer.is_object() && answer.get_object().contains("_source")) {
        const json::object& src = obj(answer, "_source");
        SchemaRecord r{str(src, "fingerprint"), str(src, "source"), str(src, "text"), str(src, "recorded_at"),
                       str(src, "kept")};
        if (!r.fingerprint.empty()) state.record = std::move(r);
    }
    return state;
}

void EsDriver::rename_field(const Entity& e, const std::string& from, const std::string& to) {
    // The new field's mapping first: the documents gain it below.
    ensure_index(index(e), es_entity_mapping(e));
    // Rewritten with _bulk rather than _update_by_query, which needs the reindex module
    // that not every OpenSearch installation has. Documents whose value is null keep the
    // old key with null: they read null under the new name either way.
    json::object body{{"query", {{"exists", {{"field", from}}}}},
                      {"sort", json::array{json::object{{"id", "asc"}}}}};
    const std::vector<json::object> hits = search_all(index(e), std::move(body), 0, -1, nullptr);
    for (size_t i = 0; i < hits.size(); i += kBulkBatch) {
        std::string bulk;
        for (size_t j = i; j < std::min(hits.size(), i + kBulkBatch); ++j) {
            json::object src = obj(hits[j], "_source");
            if (json::value* v = src.if_contains(from)) {
                src[to] = *v;
                src.erase(from);
            }
            if (json::value* cmp = src.if_contains(kEsCmpField); cmp && cmp->is_object())
                if (json::value* v = cmp->get_object().if_contains(from)) {
                    cmp->get_object()[to] = *v;
                    cmp->get_object().erase(from);
                }
            bulk += to_json_text(json::object{{"index", {{"_index", index(e)}, {"_id", str(hits[j], "_id")}}}}) + "\n" +
                    to_json_text(src) + "\n";
        }
        const json::value answer = call("POST", "/_bulk?refresh=true", bulk, {200});
        if (answer.is_object() && answer.get_object().if_contains("errors") && answer.at("errors").is_bool() &&
            answer.at("errors").get_bool())
            throw StorageUnavailable("elasticsearch: renaming " + e.name + "." + from + " failed: " + error_text(answer));
    }
    spdlog::info("elasticsearch: {}.{} renamed to {} in {} document(s)", e.name, from, to, hits.size());
}

void EsDriver::record_schema(const SchemaRecord& record) {
    const std::string meta = es_meta_index_name(options_.db_name);
    // Stored, not indexed: the record is only ever read by id.
    ensure_index(meta, json::object{{"dynamic", false}, {"properties", json::object{}}});
    const json::object doc{{"fingerprint", record.fingerprint},
                           {"source", record.source},
                           {"text", record.text},
                           {"recorded_at", record.recorded_at},
                           {"kept", record.kept}};
    call("PUT", "/" + url_encode(meta) + "/_doc/schema?refresh=true", to_json_text(doc), {200, 201});
}

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

// ---- uniques --------------------------------------------------------------------

std::string EsDriver::claim_id(const Entity& e, size_t c, const std::string& key) const {
    std::string id = e.name + "\x1f" + constraint_name(e.uniques[c]) + "\x1f" + key;
    // Over-long keys are named by their SHA-1 (a collision would refuse a value, never
    // let a duplicate in).
    if (id.size() > kMaxIdBytes) id = e.name + "\x1f" + constraint_name(e.uniques[c]) + "\x1f#" + sha1_hex(key);
    return id;
}

bool EsDriver::claim(const Entity& e, size_t c, const std::string& key, const std::string& owner) {
    const std::string target = "/" + es_claims_index_name(options_.db_name) + "/_doc/" +
                               url_encode(claim_id(e, c, key));
    json::object body{{"cid", claim_id(e, c, key)},
                      {"entity", e.name},
                      {"constraint", constraint_name(e.uniques[c])},
                      {"owner", owner},
                      {"key", key}};
    int status = 0;
    call("PUT", target + "?op_type=create", to_json_text(body), {200, 201, 409}, &status);
    if (status != 409) return true;
    // Held: by this very document (a step repeated after a crash) or by another one.
    json::value held = call("GET", target, {}, {200, 404}, &status);
    if (status == 404) return claim(e, c, key, owner);   // released meanwhile: try again
    const std::string held_owner = str(obj(held, "_source"), "owner");
    if (held_owner == owner) return true;
    if (release_if_orphaned(e, c, key, held_owner, int_of(held.get_object().if_contains("_seq_no")),
                            int_of(held.get_object().if_contains("_primary_term"))))
        return claim(e, c, key, owner);
    return false;
}

bool EsDriver::release_if_orphaned(const Entity& e, size_t c, const std::string& key, const std::string& held_owner,
                                   int64_t seq_no, int64_t primary_term) {
    const std::string cid = claim_id(e, c, key);
    auto stored = get_stored(e, held_owner);
    if (stored && unique_key(e.uniques[c], stored->doc, options_.case_sensitive) == key) {
        std::lock_guard lock(orphans_mutex_);
        orphans_seen_.erase(cid);
        return false;   // a real duplicate
    }
    // The owner does not hold the value: a write in flight (its document comes after its
    // claim), or one an outage or crash cut. It is released only when seen so for the grace
    // period. An absent owner is timed as a whole, so that all the claims of a cut create go
    // at once; a claim of an existing document (a cut update) by itself, and only while it
    // is the same claim (a claim taken anew meanwhile has another _seq_no).
    const std::string seen_key = stored ? cid : "owner\x1f" + e.name + "\x1f" + held_owner;
    const int64_t seen_version = stored ? seq_no : -1;
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(orphans_mutex_);
        auto [it, first] = orphans_seen_.try_emplace(seen_key, seen_version, now);
        // A sighting long past is no evidence about a claim met now (an id used again).
        if (first || it->second.first != seen_version || now - it->second.second > 4 * orphan_claim_grace_) {
            it->second = {seen_version, now};
            return false;
        }
        if (now - it->second.second < orphan_claim_grace_) return false;
        if (stored) orphans_seen_.erase(it);
    }
    spdlog::warn("elasticsearch: releasing the claim of {} {} on {}: its owner does not hold the value",
                 e.name, held_owner, constraint_name(e.uniques[c]));
    call("DELETE",
         "/" + es_claims_index_name(options_.db_name) + "/_doc/" + url_encode(cid) +
             fmt::format("?if_seq_no={}&if_primary_term={}", seq_no, primary_term),
         {}, {200, 404, 409});
    return true;
}

void EsDriver::release(const Entity& e, size_t c, const std::string& key, const std::string& owner) {
    const std::string target = "/" + es_claims_index_name(options_.db_name) + "/_doc/" +
                               url_encode(claim_id(e, c, key));
    int status = 0;
    json::value held = call("GET", target, {}, {200, 404}, &status);
    if (status != 200 || str(obj(held, "_source"), "owner") != owner) return;
    call("DELETE",
         target + fmt::format("?if_seq_no={}&if_primary_term={}", int_of(held.get_object().if_contains("_seq_no")),
                              int_of(held.get_object().if_contains("_primary_term"))),
         {}, {200, 404, 409});
}

// ---- writes -------------------------------------------------------------------

void EsDriver::write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) {
    EsTxn txn(*this, options);
    try {
        work(txn);
    } catch (...) {
        txn.undo();
        throw;
    }
}

void EsDriver::remove_created(const WriteOptions& w, const std::vector<std::pair<const Entity*, Document>>& created) {
    if (created.empty()) return;
    std::string bulk;
    for (const auto& [e, doc] : created) {
        bulk += to_json_text(json::object{{"delete", {{"_index", index(*e)}, {"_id", str(doc, "id")}}}});
        bulk += '\n';
    }
    call("POST", "/_bulk?" + refresh_param(w), bulk, {200});
    for (const auto& [e, doc] : created)
        for (size_t c = 0; c < e->uniques.size(); ++c)
            if (auto key = unique_key(e->uniques[c], doc, options_.case_sensitive)) release(*e, c, *key, str(doc, "id"));
}

void EsDriver::insert(const WriteOptions& w, const Entity& e, const Document& doc) {
    const std::string id = str(doc, "id");
    // The last line of defence behind the service's check (core/input_limits.h).
    if (id.size() > kMaxIdBytes) throw InvalidValue("id", "Id should have at most 512 bytes");
    if (get_stored(e, id)) throw UniqueViolation(&e, {"id"});
    std::vector<std::pair<size_t, std::string>> taken;
    auto release_taken = [&] {
        for (auto& [c, key] : taken) release(e, c, key, id);
    };
    for (size_t c = 0; c < e.uniques.size(); ++c) {
        std::optional<std::string> key = unique_key(e.uniques[c], doc, options_.case_sensitive);
        if (!key) continue;
        if (!claim(e, c, *key, id)) {
            release_taken();
            throw UniqueViolation(&e, field_names(e.uniques[c]));
        }
        taken.emplace_back(c, std::move(*key));
    }
    int status = 0;
    try {
        call("PUT", "/" + index(e) + "/_doc/" + url_encode(id) + "?op_type=create&" + refresh_param(w),
             to_json_text(es_to_source(e, doc, options_.case_sensitive)), {200, 201, 409}, &status);
    } catch (...) {
        release_taken();
        throw;
    }
    if (status == 409) {
        release_taken();
        throw UniqueViolation(&e, {"id"});
    }
}

void EsDriver::insert_many(const WriteOptions& w, const Entity& e, const std::vector<Document>& docs,
                           std::vector<std::pair<const Entity*, Document>>& created) {
    const std::string claims = es_claims_index_name(options_.db_name);
    for (size_t begin = 0; begin < docs.size(); begin += kBulkBatch) {
        const size_t end = std::min(docs.size(), begin + kBulkBatch);
        // 1. every claim of the batch, each created only if absent
        std::string bulk;
        std::vector<std::tuple<size_t, size_t, std::string>> claimed;   // doc, constraint, key
        for (size_t i = begin; i < end; ++i) {
            const std::string id = str(docs[i], "id");
            for (size_t c = 0; c < e.uniques.size(); ++c) {
                std::optional<std::string> key = unique_key(e.uniques[c], docs[i], options_.case_sensitive);
                if (!key) continue;
                bulk += to_json_text(json::object{{"create", {{"_index", claims}, {"_id", claim_id(e, c, *key)}}}});
                bulk += '\n';
                bulk += to_json_text(json::object{{"cid", claim_id(e, c, *key)},
                                                  {"entity", e.name},
                                                  {"constraint", constraint_name(e.uniques[c])},
                                                  {"owner", id},
                                                  {"key", *key}});
                bulk += '\n';
                claimed.emplace_back(i, c, std::move(*key));
            }
        }
        std::optional<size_t> broken;   // a constraint some claim of the batch broke
        std::vector<bool> claim_ok(claimed.size(), true);
        if (!bulk.empty()) {
            json::value answer = call("POST", "/_bulk", bulk, {200});
            const json::array& items = arr(answer, "items");
            for (size_t k = 0; k < items.size() && k < claimed.size(); ++k) {
                const int status = static_cast<int>(int_of(obj(items[k], "create").if_contains("status"), 0));
                if (status != 200 && status != 201) {
                    claim_ok[k] = false;
                    if (!broken) broken = std::get<1>(claimed[k]);
                }
            }
        }
        if (broken) {
            for (size_t k = 0; k < claimed.size(); ++k)
                if (claim_ok[k])
                    release(e, std::get<1>(claimed[k]), std::get<2>(claimed[k]),
                            str(docs[std::get<0>(claimed[k])], "id"));
            throw UniqueViolation(&e, field_names(e.uniques[*broken]));
        }
        // 2. the documents, each created only if its id is new
        bulk.clear();
        const std::string idx = index(e);
        for (size_t i = begin; i < end; ++i) {
            bulk += to_json_text(json::object{{"create", {{"_index", idx}, {"_id", str(docs[i], "id")}}}});
            bulk += '\n';
            bulk += to_json_text(es_to_source(e, docs[i], options_.case_sensitive));
            bulk += '\n';
        }
        json::value answer = call("POST", "/_bulk?" + refresh_param(w), bulk, {200});
        bool id_taken = false;
        std::string failure;
        std::set<std::string> failed;
        const json::array& items = arr(answer, "items");
        for (size_t k = 0; k < items.size(); ++k) {
            const json::object& item = obj(items[k], "create");
            const int status = static_cast<int>(int_of(item.if_contains("status"), 0));
            if (status == 200 || status == 201) {
                created.emplace_back(&e, docs[begin + k]);
                continue;
            }
            failed.insert(str(item, "_id"));
            if (status == 409) id_taken = true;
            else if (failure.empty()) failure = error_text(json::value(item));
        }
        if (!failed.empty()) {
            for (auto& [i, c, key] : claimed) {
                const std::string id = str(docs[i], "id");
                if (failed.count(id)) release(e, c, key, id);
            }
            if (id_taken) throw UniqueViolation(&e, {"id"});
            throw std::runtime_error("elasticsearch: bulk insert into " + idx + " failed: " + failure);
        }
    }
}

bool EsDriver::update(const WriteOptions& w, const Entity& e, const Document& doc, const Stored* base,
                      bool exact_base) {
    const std::string id = str(doc, "id");
    // `doc` was built on the version `base` the write read: when another write landed
    // since, its changes (the fields where `doc` differs from what was read, and the
    // autoUpdate fields) are applied onto the newer version instead, so neither update is
    // lost (docs/DECISIONS.md §4.1).
    for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
        auto stored = get_stored(e, id);
        if (!stored) return false;
        Document target = doc;
        if (base && exact_base && stored->version() != base->version())
            throw WriteConflict(fmt::format("{} {} changed since this write read it", e.name, id));
        if (base && stored->version() != base->version()) {
            target = stored->doc;
            for (const Field& f : e.fields) {
                if (f.is_id()) continue;
                const json::value* mine = doc.if_contains(f.name);
                const json::value* before = base->doc.if_contains(f.name);
                const json::value none;
                if (f.auto_update || *(mine ? mine : &none) != *(before ? before : &none))
                    target[f.name] = mine ? *mine : json::value();
            }
        }

        std::vector<std::pair<size_t, std::string>> taken, old_keys;
        for (size_t c = 0; c < e.uniques.size(); ++c) {
            std::optional<std::string> old_key = unique_key(e.uniques[c], stored->doc, options_.case_sensitive);
            std::optional<std::string> new_key = unique_key(e.uniques[c], target, options_.case_sensitive);
            if (old_key == new_key) continue;
            if (old_key) old_keys.emplace_back(c, std::move(*old_key));
            if (!new_key) continue;
            if (!claim(e, c, *new_key, id)) {
                for (auto& [tc, key] : taken) release(e, tc, key, id);
                throw UniqueViolation(&e, field_names(e.uniques[c]));
            }
            taken.emplace_back(c, std::move(*new_key));
        }
        int status = 0;
        try {
            call("PUT",
                 "/" + index(e) + "/_doc/" + url_encode(id) +
                     fmt::format("?if_seq_no={}&if_primary_term={}&", stored->seq_no, stored->primary_term) +
                     refresh_param(w),
                 to_json_text(es_to_source(e, target, options_.case_sensitive)), {200, 201, 409}, &status);
        } catch (...) {
            for (auto& [tc, key] : taken) release(e, tc, key, id);
            throw;
        }
        if (status == 409) {   // another write landed between our read and this one: again
            for (auto& [tc, key] : taken) release(e, tc, key, id);
            pause_before_retry(attempt);
            continue;
        }
        for (auto& [c, key] : old_keys) release(e, c, key, id);
        return true;
    }
    throw WriteConflict(fmt::format("{} {} is being modified by too many requests at once; retry", e.name, id));
}

bool EsDriver::remove(const WriteOptions& w, const Entity& e, std::string_view raw_id, const Stored* base,
                      bool exact_base) {
    const std::string id(raw_id);
    for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
        auto stored = get_stored(e, id);
        if (!stored) return false;
        if (base && exact_base && stored->version() != base->version())
            throw WriteConflict(fmt::format("{} {} changed since this write read it", e.name, id));
        int status = 0;
        call("DELETE",
             "/" + index(e) + "/_doc/" + url_encode(id) +
                 fmt::format("?if_seq_no={}&if_primary_term={}&", stored->seq_no, stored->primary_term) + refresh_param(w),
             {}, {200, 404, 409}, &status);
        if (status == 409) {   // changed meanwhile: delete (and release the claims of) the new version
            pause_before_retry(attempt);
            continue;
        }
        if (status == 404) return false;
        // After the document: a crash here leaves a claim without its document, which
        // open() removes; the other order could let a duplicate in.
        for (size_t c = 0; c < e.uniques.size(); ++c)
            if (auto key = unique_key(e.uniques[c], stored->doc, options_.case_sensitive)) release(e, c, *key, id);
        return true;
    }
    throw WriteConflict(fmt::format("{} {} is being modified by other requests; retry", e.name, id));
}

std::vector<std::string> EsDriver::ids_where(const Entity& e, const Field& f, std::string_view value, int64_t limit) {
    json::object body{{"query", {{"term", {{f.name, {{"value", value}}}}}}},
                      {"sort", json::array{json::object{{"id", {{"order", "asc"}}}}}},
                      {"_source", json::array{"id"}}};
    std::vector<std::string> ids;
    for (const json::object& h : search_all(index(e), std::move(body), 0, limit == INT64_MAX ? -1 : limit, nullptr))
        ids.push_back(str(h, "_id"));
    return ids;
}

int64_t EsDriver::count_where(const Entity& e, const Field& f, std::string_view value) {
    json::value answer = call("POST", "/" + index(e) + "/_count",
                              to_json_text(json::object{{"query", {{"term", {{f.name, {{"value", value}}}}}}}}), {200});
    return int_of(answer.get_object().if_contains("count"), 0);
}

void EsDriver::clear_where(const WriteOptions& w, const Entity& e, const Field& f, std::string_view value) {
    for (const std::string& id : ids_where(e, f, value, -1)) {
        auto stored = get_stored(e, id);
        if (!stored) continue;
        const json::value* v = stored->doc.if_contains(f.name);
        if (!v || !v->is_string() || v->get_string() != value) continue;
        Document cleared = stored->doc;
        cleared[f.name] = nullptr;
        // Based on the version read: a concurrent change of another field is kept.
        update(w, e, cleared, &*stored);
    }
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

// ---- reconciliation of unique claims ---------------------------------------------

void EsDriver::reconcile_claims() {
    const std::string claims = es_claims_index_name(options_.db_name);
    call("POST", "/" + claims + "/_refresh", {}, {200});
    for (const auto& e : schema_.entities()) call("POST", "/" + index(*e) + "/_refresh", {}, {200});

    std::map<std::string, const Entity*> by_name;
    for (const auto& e : schema_.entities()) by_name[e->name] = e.get();

    // 1. Claims whose owner no longer holds the value (a crash between a claim and the
    //    document write, or between a write and the release of the old value) go.
    json::object body{{"query", {{"match_all", json::object()}}},
                      {"sort", json::array{json::object{{"cid", "asc"}}}},
                      {"seq_no_primary_term", true}};
    int64_t removed = 0;
    std::vector<json::object> all = search_all(claims, body, 0, -1, nullptr);
    std::map<std::string, std::vector<const json::object*>> by_entity;
    for (const json::object& h : all) by_entity[str(obj(h, "_source"), "entity")].push_back(&h);
    for (auto& [entity_name, hits] : by_entity) {
        auto it = by_name.find(entity_name);
        std::map<std::string, Document> owners;
        if (it != by_name.end()) {
            std::set<std::string> ids;
            for (const json::object* h : hits) ids.insert(str(obj(*h, "_source"), "owner"));
            std::vector<std::string> list(ids.begin(), ids.end());
            for (size_t i = 0; i < list.size(); i += kBulkBatch) {
                std::vector<std::string> part(list.begin() + i, list.begin() + std::min(list.size(), i + kBulkBatch));
                for (Document& d : get_many(*it->second, part)) owners.emplace(str(d, "id"), std::move(d));
            }
        }
        for (const json::object* h : hits) {
            const json::value hv(*h);
            const json::object& src = obj(hv, "_source");
            bool valid = false;
            if (it != by_name.end()) {
                const Entity& e = *it->second;
                auto owner = owners.find(str(src, "owner"));
                for (size_t c = 0; c < e.uniques.size() && owner != owners.end(); ++c) {
                    if (constraint_name(e.uniques[c]) != str(src, "constraint")) continue;
                    auto key = unique_key(e.uniques[c], owner->second, options_.case_sensitive);
                    valid = key && claim_id(e, c, *key) == str(hv, "_id");
                }
            }
            if (valid) continue;
            call("DELETE",
                 "/" + claims + "/_doc/" + url_encode(str(hv, "_id")) +
                     fmt::format("?if_seq_no={}&if_primary_term={}", int_of(h->if_contains("_seq_no")),
                                 int_of(h->if_contains("_primary_term"))),
                 {}, {200, 404, 409});
            ++removed;
        }
    }

    // 2. Every document's values are claimed (documents written before a constraint
    //    was added, or a claim lost); a value held by two documents stops the start.
    int64_t added = 0;
    for (const auto& ep : schema_.entities()) {
        const Entity& e = *ep;
        if (e.uniques.empty()) continue;
        json::object docs_body{{"query", {{"match_all", json::object()}}},
                               {"sort", json::array{json::object{{"id", "asc"}}}},
                               {"_source", source_excluding_cmp()}};
        struct Wanted {
            std::string cid, owner, key;
            size_t constraint;
        };
        std::vector<Wanted> wanted;
        for (const json::object& h : search_all(index(e), docs_body, 0, -1, nullptr)) {
            Document d = es_from_source(e, obj(h, "_source"));
            const std::string id = str(d, "id");
            for (size_t c = 0; c < e.uniques.size(); ++c)
                if (auto key = unique_key(e.uniques[c], d, options_.case_sensitive))
                    wanted.push_back({claim_id(e, c, *key), id, std::move(*key), c});
        }
        auto duplicate = [&](const Wanted& w, const std::string& other) {
            return ReconcileError(fmt::format(
                "{} documents {} and {} have the same {} (unique) '{}': remove the duplicate before starting", e.name,
                other, w.owner, constraint_name(e.uniques[w.constraint]), w.key));
        };
        // The claims are looked up 1,000 at a time; only missing ones are created.
        for (size_t i = 0; i < wanted.size(); i += kBulkBatch) {
            const size_t end = std::min(wanted.size(), i + kBulkBatch);
            json::array ids;
            for (size_t k = i; k < end; ++k) ids.push_back(json::string(wanted[k].cid));
            json::value answer = call("POST", "/" + claims + "/_mget", to_json_text(json::object{{"ids", std::move(ids)}}),
                                      {200});
            const json::array& found = arr(answer, "docs");
            for (size_t k = i; k < end; ++k) {
                const Wanted& w = wanted[k];
                const json::value* held = k - i < found.size() ? &found[k - i] : nullptr;
                if (held && held->is_object() && held->get_object().contains("_source")) {
                    const std::string owner = str(obj(*held, "_source"), "owner");
                    if (owner != w.owner) throw duplicate(w, owner);
                    continue;
                }
                if (!claim(e, w.constraint, w.key, w.owner)) {
                    json::value other = call("GET", "/" + claims + "/_doc/" + url_encode(w.cid), {}, {200, 404});
                    throw duplicate(w, str(obj(other, "_source"), "owner"));
                }
                ++added;
            }
        }
    }
    if (removed || added)
        spdlog::warn("elasticsearch: unique claims reconciled: {} stale removed, {} missing added", removed, added);
}

}  // namespace events
