// EsDriver's writes: the write transaction handed to DocumentService (EsTxn, write()) and
// the operations it performs, each straight on the node since there are no transactions
// (insert, insert_many, update, remove, the undo of a failed write, and the FK helpers
// ids_where, count_where, clear_where). Apart from es_driver.cpp because the ordering of
// claims, documents and releases that keeps uniques sound across crashes lives here.
#include "storage/elasticsearch/es_driver.h"

#include "core/input_limits.h"
#include "storage/document/unique_key.h"
#include "storage/elasticsearch/es_mapping.h"
#include "storage/elasticsearch/es_support.h"
#include "tools/json_text.h"
#include "tools/url_encode.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <tuple>

namespace events {

namespace json = boost::json;
using namespace es;

namespace {

// A write that lost a race for one document (if_seq_no) is retried this often, after a
// growing, jittered pause, before a 409.
constexpr int kUpdateAttempts = 40;

void pause_before_retry(int attempt) {
    thread_local std::minstd_rand rng(std::random_device{}());
    const int ceiling_ms = std::min(50, 2 + attempt * 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % ceiling_ms));
}

std::vector<std::string> field_names(const std::vector<const Field*>& c) {
    std::vector<std::string> out;
    for (const Field* f : c) out.push_back(f->name);
    return out;
}

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

}  // namespace events
