// EsDriver's unique-value claims (docs/DECISIONS.md §2.15, §4.4): the claim documents of
// `<db_name>__uniques` that stand in for unique indexes, which Elasticsearch lacks. Taking
// (claim) and giving back (release) one, the release of a claim a cut write left behind
// (release_if_orphaned), and the start-up reconciliation of all claims with the documents.
// Apart from es_driver.cpp because it is the one mechanism that makes uniques hold
// without transactions; the writes (es_write_txn.cpp) call it.
#include "storage/elasticsearch/es_driver.h"

#include "core/input_limits.h"
#include "storage/document/unique_key.h"
#include "storage/elasticsearch/es_mapping.h"
#include "storage/elasticsearch/es_support.h"
#include "tools/json_text.h"
#include "tools/url_encode.h"

#include <boost/uuid/detail/sha1.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

namespace events {

namespace json = boost::json;
using namespace es;

namespace {

std::string sha1_hex(std::string_view s) {
    boost::uuids::detail::sha1 h;
    h.process_bytes(s.data(), s.size());
    unsigned int digest[5];
    h.get_digest(digest);
    return fmt::format("{:08x}{:08x}{:08x}{:08x}{:08x}", digest[0], digest[1], digest[2], digest[3], digest[4]);
}

}  // namespace

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
        // Claims of an entity this schema does not serve are not this driver's to judge: a
        // second driver on the database (the login sessions', docs/DECISIONS.md §6.5, the
        // cascades' intent records', §4.3) would otherwise drop every claim of the served
        // schema at its start, and uniques would go unenforced until the next restart.
        if (it == by_name.end()) continue;
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
