#include "service/document_service.h"

#include "core/body_validator.h"
#include "core/client_text.h"
#include "core/input_limits.h"
#include "core/ulid.h"
#include "core/value_format.h"
#include "service/password_hash.h"
#include "service/secret_fields.h"
#include "service/entity_tag.h"
#include "tools/json_text.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <cctype>
#include <map>
#include <set>

namespace events {

namespace json = boost::json;

namespace {

std::string lower_trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out(s);
    // ASCII only, as std::tolower in the "C" locale the server runs in, without a call per byte.
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The id of a URL path (GET/PUT/PATCH/DELETE /api/<e>/{id}), canonical: trimmed and
// lower-cased like every stored id. An id with U+0000 or bytes that are no UTF-8 is a
// 400 (docs/DECISIONS.md §2.24), before any driver sees it.
std::string url_id(std::string_view raw) {
    if (TextFault fault = text_fault(raw); fault != TextFault::None)
        throw ApiError::bad_request("Id in the URL " + text_fault_message(fault), "id");
    return lower_trimmed(raw);
}

// The response form of a document: `id` first, then every field in schema order.
// A document already in that shape (the SQL drivers decode rows so) is passed on as
// is; otherwise the values are moved into a new object in that order.
bool in_response_form(const Entity& e, const Document& d) {
    auto it = d.begin();
    if (it == d.end() || it->key() != "id") return false;
    ++it;
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        if (it == d.end() || it->key() != f.name) return false;
        ++it;
    }
    return it == d.end();
}

Document ordered_form(const Entity& e, Document&& stored) {
    if (in_response_form(e, stored)) return std::move(stored);   // what the SQL drivers return
    Document out;
    out.reserve(e.fields.size() + 2);
    auto id = stored.find("id");
    out["id"] = id != stored.end() ? std::move(id->value()) : json::value();
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        auto it = stored.find(f.name);
        out[f.name] = it != stored.end() ? std::move(it->value()) : json::value();
    }
    return out;
}

// What a client sees: the ordered form without the secret fields (docs/DECISIONS.md §6.4).
Document response_form(const Entity& e, Document&& stored) {
    Document out = ordered_form(e, std::move(stored));
    drop_secret_fields(e, out);
    return out;
}

const char* operation_name(char op) {
    switch (op) {
        case 'c': return "create";
        case 'r': return "read";
        case 'u': return "update";
        default: return "delete";
    }
}

void require_operation(const Entity& e, char op) {
    if (!e.allows(op))
        throw ApiError(405, kGeneral,
                       Notice{"", fmt::format("Operation {} is not allowed on {}", operation_name(op), e.name)});
}

Notice warning_for(const Entity& e, const std::string& doc_id, std::string type, std::string message,
                   std::string field, json::value value = nullptr) {
    Notice n;
    n.type = std::move(type);
    n.message = std::move(message);
    n.field = std::move(field);
    n.value = std::move(value);
    n.entity = e.name;
    n.entity_id = doc_id;
    return n;
}

std::string not_found_message(const Entity& e, std::string_view id) { return fmt::format("{} {} not found", e.name, id); }

std::string string_of(const json::value& v) { return v.is_string() ? std::string(v.get_string()) : std::string(); }

// One 422 notice per foreign key of `doc` whose parent `exists` does not find
// (docs/API.md "Writes": "Id <parent> does not exist", naming the field).
template <typename Exists>
std::vector<std::pair<std::string, Notice>> missing_parents(const Entity& e, json::object& doc, const std::string& id,
                                                            Exists&& exists) {
    std::vector<std::pair<std::string, Notice>> errors;
    for (const Field* fk : e.foreign_keys) {
        const json::value& v = doc[fk->name];
        if (v.is_string() && !exists(*fk->fk_target, std::string_view(v.get_string())))
            errors.emplace_back(id, Notice{"validation_failed", fmt::format("Id {} does not exist", string_of(v)), fk->name});
    }
    return errors;
}

// The entity tag of a stored document (service/entity_tag.h).
std::string tag_of(const Entity& e, const Document& stored) {
    return entity_tag(to_json_text(response_form(e, Document(stored))));
}

// If-Match (docs/DECISIONS.md §4.2), checked against the version `stored` read inside the
// write, so that no write can land between the check and the write: 412 naming nothing.
void check_if_match(const Entity& e, const std::string& id, const RequestParams& p, const std::optional<Document>& stored) {
    if (!p.if_match) return;
    if (if_match_holds(*p.if_match, stored ? std::optional<std::string>(tag_of(e, *stored)) : std::nullopt)) return;
    throw ApiError(412, id,
                   Notice{"precondition_failed",
                          stored ? fmt::format("Precondition failed: {} {} has changed since the ETag sent in If-Match", e.name, id)
                                 : fmt::format("Precondition failed: {} {} does not exist", e.name, id)});
}

}  // namespace

DocumentService::DocumentService(const Schema& schema, StorageDriver& driver, ServiceOptions options,
                                 CascadeIntents* intents)
    : schema_(schema), driver_(driver), options_(options), intents_(intents) {}

// A page whose offset is past kMaxListOffset lies past any stored data: answered empty,
// with the total of its filter when asked (docs/DECISIONS.md §4.5), without asking a
// backend to skip that far (MongoDB-protocol servers take `skip` as a 32-bit integer).
bool beyond_any_data(const RequestParams& p) { return p.query.offset > kMaxListOffset; }

// The total of `p`'s filter for a page beyond any data; -1 when the request counts nothing.
int64_t total_beyond_data(StorageDriver& driver, const Entity& e, const RequestParams& p) {
    if (!p.query.with_total) return -1;
    ListQuery q = p.query;
    q.offset = 0;
    q.limit = 1;
    return driver.list(e, q).total;
}

// A list the backend refused as more than it can evaluate (a driver's last line of
// defence behind core/input_limits.h) is the request's fault: a 400 naming what the driver
// named (docs/DECISIONS.md §4.5, §4.7), never a 500 or 503.
template <class Read>
auto bad_request_when_refused(Read&& read) {
    try {
        return read();
    } catch (const InvalidValue& v) {
        Notice n{"bad_request", v.what(), v.field};
        n.parameter = "filter";
        throw ApiError(400, kGeneral, std::move(n));
    }
}

// ---- reads ------------------------------------------------------------------

Document DocumentService::get(const Entity& e, std::string_view raw_id, const RequestParams& p, Notifications& notes,
                              std::string* etag) {
    require_operation(e, 'r');
    const std::string id = url_id(raw_id);
    // docs/DECISIONS.md §4.5: an id no document can have is not looked up.
    auto stored = is_storable_id(id) ? driver_.get(e, id) : std::nullopt;
    if (!stored) throw ApiError::not_found(not_found_message(e, id), id);
    std::vector<Document> docs{response_form(e, std::move(*stored))};
    if (etag) *etag = entity_tag(to_json_text(docs.front()));   // before any expansion
    expand(e, docs, p, validates_reads(/*single=*/true), notes);
    return std::move(docs.front());
}

ListResult DocumentService::list(const Entity& e, const RequestParams& p, Notifications& notes) {
    require_operation(e, 'r');
    ListResult result;
    if (p.id_filter) {
        // docs/API.md "Reads": an id in the filter is a single fetch; docs/DECISIONS.md §2.4: missing -> empty list.
        if (is_storable_id(*p.id_filter))
            if (auto stored = driver_.get(e, *p.id_filter)) result.docs.push_back(response_form(e, std::move(*stored)));
        result.total = static_cast<int64_t>(result.docs.size());
    } else if (beyond_any_data(p)) {
        result.total = bad_request_when_refused([&] { return total_beyond_data(driver_, e, p); });
    } else {
        ListPage page = bad_request_when_refused([&] { return driver_.list(e, p.query); });
        result.total = page.total;
        result.docs.reserve(page.docs.size());
        for (Document& d : page.docs) result.docs.push_back(response_form(e, std::move(d)));
    }
    expand(e, result.docs, p, validates_reads(/*single=*/false), notes);
    return result;
}

std::optional<std::string> DocumentService::get_json(const Entity& e, std::string_view raw_id,
                                                    const RequestParams& p) {
    require_operation(e, 'r');
    // get() would add to it, or take the secrets out.
    if (!p.views.empty() || validates_reads(/*single=*/true) || has_secret_fields(e)) return std::nullopt;
    const std::string id = url_id(raw_id);
    std::optional<std::string> text = is_storable_id(id) ? driver_.get_json(e, id) : std::nullopt;
    if (!text) throw ApiError::not_found(not_found_message(e, id), id);
    return text;
}

std::optional<ListPageJson> DocumentService::list_json(const Entity& e, const RequestParams& p) {
    require_operation(e, 'r');
    if (!p.views.empty() || validates_reads(/*single=*/false) || p.id_filter || has_secret_fields(e)) return std::nullopt;
    return bad_request_when_refused([&] {
        if (beyond_any_data(p)) return ListPageJson{"[]", 0, total_beyond_data(driver_, e, p)};
        return driver_.list_json(e, p.query);
    });
}

bool DocumentService::validates_reads(bool single) const {
    // docs/API.md "Reads": "single" validates GET by id only, "multiple" lists too.
    return single ? options_.validation != ReadValidation::Off : options_.validation == ReadValidation::Multiple;
}

// FK expansion (`view`) and read validation. One batched lookup per FK field for
// the whole page, never one per document.
void DocumentService::expand(const Entity& e, std::vector<Document>& docs, const RequestParams& p, bool validate,
                             Notifications& notes) {
    if (docs.empty() || (p.views.empty() && !validate)) return;

    struct Expansion {
        const Field* fk;
        const ViewSpec* view;   // null: validation only ({"exists": ...})
    };
    std::vector<Expansion> expansions;
    for (const ViewSpec& v : p.views) expansions.push_back({v.fk, &v});
    if (validate)
        for (const Field* fk : e.foreign_keys)
            if (std::none_of(expansions.begin(), expansions.end(), [&](const Expansion& x) { return x.fk == fk; }))
                expansions.push_back({fk, nullptr});

    for (const Expansion& x : expansions) {
        std::set<std::string> wanted;
        for (const Document& d : docs)
            if (auto* v = d.if_contains(x.fk->name); v && v->is_string()) wanted.insert(std::string(v->get_string()));
        std::map<std::string, Document> found;
        if (!wanted.empty())
            for (Document& parent : driver_.get_many(*x.fk->fk_target, {wanted.begin(), wanted.end()}))
                found.emplace(string_of(parent["id"]), std::move(parent));

        const std::string key = x.fk->fk_view_name();
        for (Document& d : docs) {
            const std::string doc_id = string_of(d["id"]);
            json::object sub;
            const json::value& fk_value = d[x.fk->name];
            if (!fk_value.is_string()) {
                sub["exists"] = false;
                if (x.view || x.fk->required)
                    notes.warning(doc_id, warning_for(e, doc_id, "missing", "Missing fk ID", x.fk->name));
            } else if (auto it = found.find(string_of(fk_value)); it == found.end()) {
                sub["exists"] = false;
                notes.warning(doc_id, warning_for(e, doc_id, "not_found",
                                                  fmt::format("Id {} does not exist", string_of(fk_value)),
                                                  x.fk->name));
            } else if (x.view && x.view->forbidden) {
                sub["exists"] = true;
                notes.warning(doc_id, warning_for(e, doc_id, "forbidden",
                                                  fmt::format("Unauthorized operation: read {}", x.fk->fk_target->name),
                                                  x.fk->name));
            } else {
                sub["exists"] = true;
                if (x.view)
                    for (const Field* f : x.view->fields) {
                        auto* v = it->second.if_contains(f->name);
                        sub[f->name] = v ? *v : json::value();
                    }
            }
            d[key] = std::move(sub);
        }
    }

    if (validate) {
        // Stored data that no longer satisfies the schema (written before a schema
        // change) is reported, never refused (docs/API.md "Reads").
        for (Document& d : docs) {
            json::object body;
            for (const Field& f : e.fields)
                if (!f.is_id()) {
                    const json::value* v = d.if_contains(f.name);
                    body[f.name] = v ? *v : json::value();
                }
            const std::string doc_id = string_of(d["id"]);
            for (Notice& n : check_body(e, body).errors)
                if (const Field* nf = e.find_field(n.field); !nf || !nf->secret)   // taken out: not checkable
                notes.warning(doc_id, warning_for(e, doc_id, "validation", n.message, n.field, n.value));
        }
    }
}

// ---- writes -----------------------------------------------------------------

Document DocumentService::create(const Entity& e, const json::value& body, const RequestParams& p, Notifications& notes) {
    require_operation(e, 'c');
    if (!body.is_object()) throw ApiError::bad_request("Request body must be a JSON object");
    std::string id;
    if (auto* v = body.get_object().if_contains("id"); v && !v->is_null()) {
        if (!v->is_string())
            throw ApiError(422, kGeneral, Notice{"validation_failed", "Input should be a valid string", "id", *v});
        if (json_text_fault(*v) != TextFault::None)
            throw ApiError(422, kGeneral,
                           Notice{"validation_failed", "Input should not contain the NUL character (U+0000)", "id", *v});
        id = lower_trimmed(v->get_string());
        // docs/DECISIONS.md §4.5: ids every backend can store and every URL can reach.
        if (!id.empty())
            if (std::optional<std::string> fault = id_fault(id))
                throw ApiError(422, kGeneral, Notice{"validation_failed", std::move(*fault), "id"});
    }
    if (id.empty()) id = new_ulid();
    return write(e, std::move(id), body, WriteKind::Create, p, notes);
}

Document DocumentService::replace(const Entity& e, std::string_view id, const json::value& body, const RequestParams& p,
                                  Notifications& notes) {
    require_operation(e, 'u');
    if (!body.is_object()) throw ApiError::bad_request("Request body must be a JSON object");
    return write(e, url_id(id), body, WriteKind::Replace, p, notes);
}

Document DocumentService::patch(const Entity& e, std::string_view id, const json::value& body, const RequestParams& p,
                                Notifications& notes) {
    require_operation(e, 'u');
    if (!body.is_object()) throw ApiError::bad_request("Request body must be a JSON object");
    return write(e, url_id(id), body, WriteKind::Patch, p, notes);
}

Document DocumentService::write(const Entity& e, std::string id, const json::value& body_value, WriteKind kind,
                                const RequestParams& p, Notifications& notes) {
    const json::object& body = body_value.get_object();
    const WriteOptions write_options{.no_consistency = p.no_consistency};
    // docs/DECISIONS.md §4.5: a URL id no document can have is not looked up.
    if (kind != WriteKind::Create && !is_storable_id(id)) throw ApiError::not_found(not_found_message(e, id), id);

    // Secrets sent in the body are stored as hashes (docs/DECISIONS.md §6.4), hashed once
    // here: the driver may run the write's work again. A PATCH without them keeps the
    // stored hash.
    std::map<const Field*, std::string> hashed;
    for (const auto& kv : body)
        if (const Field* f = e.find_field(kv.key()); f && f->secret && kv.value().is_string())
            hashed[f] = hash_secret(kv.value().get_string());

    // The body, validated as a whole, with the timestamps the server sets. A PATCH builds
    // it inside the write from the stored document (merge_onto_stored below).
    Document doc;
    bool keep_created = false;   // a PUT without createdAt keeps the stored one (docs/DECISIONS.md §2.8)
    std::vector<Notice> warnings;   // noted once the write succeeded (a driver may run the work again)
    auto build = [&](const json::object& input) {
        BodyCheck check = check_body(e, input);
        if (!check.errors.empty()) {
            // Missing parents are named beside the other field errors, so that one answer
            // lists every fix (docs/API.md "Writes"); an FK field already in error is not looked up.
            json::object fk_values;
            for (const Field* fk : e.foreign_keys)
                if (std::none_of(check.errors.begin(), check.errors.end(),
                                 [&](const Notice& n) { return n.field == fk->name; }))
                    fk_values[fk->name] = check.doc[fk->name];
            auto missing = missing_parents(e, fk_values, id, [&](const Entity& parent, std::string_view pid) {
                return is_storable_id(pid) && driver_.get(parent, pid).has_value();
            });
            std::vector<std::pair<std::string, Notice>> errors;
            for (Notice& n : check.errors) errors.emplace_back(id, std::move(n));
            for (auto& m : missing) errors.push_back(std::move(m));
            throw ApiError(422, std::move(errors));
        }
        // An FK value no document can have as its id names no parent, and no backend is
        // asked about it (docs/DECISIONS.md §4.5: a PostgreSQL index refuses ~2.7 KB keys).
        json::object fk_values;
        for (const Field* fk : e.foreign_keys) fk_values[fk->name] = check.doc[fk->name];
        auto unstorable = missing_parents(e, fk_values, id, [](const Entity&, std::string_view pid) {
            return is_storable_id(pid);
        });
        if (!unstorable.empty()) throw ApiError(422, std::move(unstorable));
        warnings = std::move(check.warnings);
        doc = Document();
        doc.reserve(e.fields.size());
        doc["id"] = id;
        for (auto& kv : check.doc) doc[kv.key()] = std::move(kv.value());
        for (const auto& [f, hash] : hashed) doc[f->name] = hash;
        const std::string now = now_datetime();
        for (const Field& f : e.fields)
            if (f.auto_update && doc[f.name].is_null()) doc[f.name] = f.type == FieldType::Date ? now.substr(0, 10) : now;
        keep_created = false;
        for (const Field& f : e.fields)
            if (f.auto_generate && doc[f.name].is_null()) {
                if (kind == WriteKind::Create) doc[f.name] = f.type == FieldType::Date ? now.substr(0, 10) : now;
                else keep_created = true;
            }
    };
    // PATCH merges onto the stored document read inside the write, so that the driver
    // can keep a concurrent write of another field (docs/DECISIONS.md §4.1; WriteTxn::get()).
    // autoUpdate fields are not carried over, so they are refreshed unless sent.
    std::optional<Document> previous;   // the version an update replaced, when it read it
    auto merge_onto_stored = [&](WriteTxn& txn) {
        auto stored = txn.get(e, id);
        check_if_match(e, id, p, stored);
        if (!stored) throw ApiError::not_found(not_found_message(e, id), id);
        previous = stored;
        json::object input;
        for (const Field& f : e.fields)
            if (!f.is_id() && !f.auto_update) input[f.name] = (*stored)[f.name];
        for (const auto& kv : body) {
            // A null autoGenerate field keeps the stored value, as on PUT (docs/DECISIONS.md §2.8).
            const Field* f = e.find_field(kv.key());
            if (f && f->name == kv.key() && f->auto_generate && kv.value().is_null()) continue;
            input[kv.key()] = kv.value();
        }
        build(input);
        // The stored createdAt is in `input` already; nothing more to keep.
    };
    if (kind != WriteKind::Patch) build(body);

    const Capabilities caps = driver_.capabilities();
    const bool native_fks = caps.native_foreign_keys;
    auto work = [&](WriteTxn& txn) {
        // With If-Match the update writes onto the version checked, or not at all.
        if (p.if_match && kind != WriteKind::Create) txn.keep_versions_read();
        previous.reset();
        if (kind == WriteKind::Patch) merge_onto_stored(txn);
        // A PUT replaces the whole document, whatever version is stored when it lands (the
        // last writer wins, docs/DECISIONS.md §4.1): it reads inside the write only to
        // check If-Match. Otherwise the stored createdAt it keeps (which no write changes)
        // and, without native foreign keys, the FK values it replaces (put back if their
        // parent vanished meanwhile, recheck_parents below) are read outside the write, so
        // that no driver merges the PUT onto a newer version.
        if (kind == WriteKind::Replace && (keep_created || p.if_match || (!native_fks && !e.foreign_keys.empty()))) {
            auto stored = p.if_match ? txn.get(e, id) : driver_.get(e, id);
            check_if_match(e, id, p, stored);
            if (!stored) throw ApiError::not_found(not_found_message(e, id), id);
            previous = stored;
            for (const Field& f : e.fields)
                if (f.auto_generate && doc[f.name].is_null()) doc[f.name] = (*stored)[f.name];
        }
        // FK checks inside the transaction, so a parent cannot vanish in between. A
        // backend with native foreign keys checks them in the write itself (one round
        // trip less per write on a database server); its refusal is named below.
        if (!native_fks) {
            auto fk_errors = missing_parents(e, doc, id, [&](const Entity& parent, std::string_view pid) {
                return is_storable_id(pid) && txn.exists(parent, pid);
            });
            if (!fk_errors.empty()) throw ApiError(422, std::move(fk_errors));
        }

        if (kind == WriteKind::Create) txn.insert(e, doc);
        else if (!txn.update(e, doc)) throw ApiError::not_found(not_found_message(e, id), id);
    };
    try {
        // With the database checking foreign keys and uniques, a create has nothing to
        // check or read first: the insert is the whole write.
        if (kind == WriteKind::Create && native_fks && caps.native_uniques) driver_.insert_alone(write_options, e, doc);
        else driver_.write(write_options, work);
    } catch (const UniqueViolation& u) {
        if (u.fields.empty() || u.fields.front() == "id") throw ApiError::conflict("Id already exists", "id", id);
        throw ApiError::conflict(fmt::format("{} already exists", u.fields.front()), u.fields.front(), id);
    } catch (const ForeignKeyViolation& f) {
        // The database refused a missing parent: name the fields as the service's own check
        // does. A parent created since the refusal leaves nothing to name.
        if (native_fks) {
            auto fk_errors = missing_parents(e, doc, id, [&](const Entity& parent, std::string_view pid) {
                return is_storable_id(pid) && driver_.get(parent, pid).has_value();
            });
            if (!fk_errors.empty()) throw ApiError(422, std::move(fk_errors));
        }
        throw ApiError::validation("Referenced document does not exist", "", id);
    } catch (const InvalidValue& v) {
        throw ApiError::validation(v.what(), v.field, id);
    } catch (const WriteConflict& c) {
        // With If-Match, another write landed after the check: the tag sent is stale.
        if (p.if_match && kind != WriteKind::Create)
            throw ApiError(412, id, Notice{"precondition_failed",
                                           fmt::format("Precondition failed: {} {} has changed since the ETag sent in If-Match",
                                                       e.name, id)});
        throw ApiError::conflict(c.what(), "", id);
    }
    if (options_.after_write) options_.after_write(e, id);
    if (!native_fks) recheck_parents(e, id, doc, previous, write_options);
    for (Notice& n : warnings) notes.warning(id, warning_for(e, id, n.type, n.message, n.field, n.value));
    return response_form(e, std::move(doc));
}

void DocumentService::recheck_parents(const Entity& e, const std::string& id, Document& written,
                                      const std::optional<Document>& previous, const WriteOptions& write_options) {
    // Only the FK values this write set: a value kept from before is the cascade's to sweep.
    json::object set_fks;
    for (const Field* fk : e.foreign_keys) {
        const json::value& v = written[fk->name];
        if (!v.is_string()) continue;
        if (previous) {
            const json::value* before = previous->if_contains(fk->name);
            if (before && *before == v) continue;
        }
        set_fks[fk->name] = v;
    }
    if (set_fks.empty()) return;
    auto missing = missing_parents(e, set_fks, id, [&](const Entity& parent, std::string_view pid) {
        return driver_.get(parent, pid).has_value();
    });
    if (missing.empty()) return;
    // A parent was deleted after this write checked it: undo the write's reference
    // (docs/STORAGE.md "Foreign keys without transactions"), then answer as the check would.
    driver_.write(write_options, [&](WriteTxn& txn) {
        if (!previous) {
            txn.remove(e, id);
            return;
        }
        auto stored = txn.get(e, id);
        if (!stored) return;
        bool changed = false;
        for (const auto& kv : set_fks)
            if ((*stored)[kv.key()] == kv.value()) {
                (*stored)[kv.key()] = previous->at(kv.key());
                changed = true;
            }
        if (changed) txn.update(e, *stored);
    });
    throw ApiError(422, std::move(missing));
}

namespace {

// True when the driver applies every ON DELETE action reachable from `e` (children,
// grandchildren, ...) itself.
bool cascades_natively_below(const StorageDriver& driver, const Entity& e) {
    std::set<const Entity*> seen;
    std::function<bool(const Entity&)> walk = [&](const Entity& parent) {
        if (!seen.insert(&parent).second) return true;
        for (const Reference& ref : parent.referenced_by)
            if (!driver.cascades_natively(*ref.field) || !walk(*ref.entity)) return false;
        return true;
    };
    return walk(e);
}

}  // namespace

void DocumentService::cascade_below(WriteTxn& txn, const Entity& parent, const std::string& pid,
                                    const std::string& intent) {
    for (const Reference& ref : parent.referenced_by) {
        if (ref.field->required) {
            for (const std::string& child : txn.ids_where(*ref.entity, *ref.field, pid, INT64_MAX)) {
                cascade_below(txn, *ref.entity, child, intent);
                txn.remove(*ref.entity, child);
                if (!intent.empty()) intents_->keep_alive(intent);
            }
        } else {
            txn.clear_where(*ref.entity, *ref.field, pid);
        }
    }
}

void DocumentService::wipe() {
    driver_.wipe();
    if (options_.after_write)
        for (const auto& e : schema_.entities()) options_.after_write(*e, "");
}

bool DocumentService::needs_intent(const Entity& e, bool service_cascades) const {
    // With transactions and foreign keys (the SQL backends) a cascade is one transaction:
    // a crash rolls it back whole, and there is nothing to complete.
    return intents_ && service_cascades && options_.cascade_delete && !e.referenced_by.empty() &&
           !driver_.capabilities().native_foreign_keys;
}

std::optional<Document> DocumentService::remove(const Entity& e, std::string_view raw_id, const RequestParams& p,
                                                Notifications&) {
    require_operation(e, 'd');
    const std::string id = url_id(raw_id);
    if (!is_storable_id(id)) return std::nullopt;   // no document has it (docs/DECISIONS.md §4.5)
    // The service cascades when the backend cascades none of the relationships below
    // `e`, or not all of them (then it walks the whole tree, so that no child waits on a
    // relationship the database declared without an action).
    const bool native = cascades_natively_below(driver_, e);
    const WriteOptions write_options{.no_consistency = p.no_consistency};
    std::optional<Document> deleted;
    // docs/DECISIONS.md §4.3: a cascade without a transaction is recorded before it
    // starts; one cut short (crash, outage) is completed by complete_abandoned_cascades().
    const std::string intent = needs_intent(e, !native) ? intents_->begin(e, id) : std::string();
    bool started = false;   // a deletion may have happened: the record stays until completed

    try {
        driver_.write(write_options, [&](WriteTxn& txn) {
            if (p.if_match) txn.keep_versions_read();
            deleted = txn.get(e, id);
            check_if_match(e, id, p, deleted);
            if (!deleted) return;
            if (!options_.cascade_delete) {
                // Refuse with a message naming the referencing entity (docs/DECISIONS.md §3).
                for (const Reference& ref : e.referenced_by)
                    if (int64_t n = txn.count_where(*ref.entity, *ref.field, id); n > 0)
                        throw ApiError::conflict(fmt::format("Cannot delete {} {}: referenced by {} {} document(s)",
                                                             e.name, id, n, ref.entity->name),
                                                 "", id);
            } else if (!native) {
                // Backends without ON DELETE actions: cascade here, in the same transaction.
                started = true;
                cascade_below(txn, e, id, intent);
            }
            txn.remove(e, id);
        });
        // Without foreign keys in the database, a child written while this delete ran may
        // have found its parent still there: once the parent is gone, sweep again. A
        // child that checks after the parent went undoes itself (recheck_parents).
        if (deleted && options_.cascade_delete && !native && !driver_.capabilities().native_foreign_keys)
            driver_.write(write_options, [&](WriteTxn& txn) { cascade_below(txn, e, id, intent); });
    } catch (const ForeignKeyViolation&) {
        if (!intent.empty()) intents_->end(intent, !started);
        throw ApiError::conflict(fmt::format("Cannot delete {} {}: it is still referenced", e.name, id), "", id);
    } catch (const WriteConflict& c) {
        if (!intent.empty()) intents_->end(intent, !started);
        throw ApiError::conflict(c.what(), "", id);
    } catch (...) {
        // 412 before anything was deleted drops the record; an outage half-way keeps it,
        // and the cascade the client asked for is completed (docs/DECISIONS.md §4.3).
        if (!intent.empty()) intents_->end(intent, !started);
        throw;
    }
    if (!intent.empty()) intents_->end(intent, true);
    if (!deleted) return std::nullopt;
    if (options_.after_write) options_.after_write(e, id);
    return response_form(e, std::move(*deleted));
}

int DocumentService::complete_abandoned_cascades() {
    if (!intents_) return 0;
    int completed = 0;
    for (const CascadeIntent& i : intents_->abandoned()) {
        const Entity* e = schema_.find(i.entity);
        if (!e || e->name != i.entity) {
            spdlog::warn("cascade {} below {} {} dropped: the schema has no entity {}", i.key, i.entity, i.entity_id,
                         i.entity);
            intents_->end(i.key, true);
            continue;
        }
        try {
            if (!intents_->adopt(i)) continue;   // another process took it first
        } catch (const std::exception& ex) {
            spdlog::warn("cascade {} below {} {} not taken over: {}", i.key, i.entity, i.entity_id, ex.what());
            continue;
        }
        try {
            // As remove() does, without its checks: children first, the document last, then
            // one more sweep for a child written meanwhile. What is gone already is skipped.
            // No client waits to read these deletions back, so they do not wait until a
            // search no longer finds them (no_consistency, docs/API.md "Reads"): on
            // Elasticsearch that is one refresh per deletion saved; the sweep may then find a
            // child deleted a moment ago, whose deletion deletes nothing.
            const WriteOptions background{.no_consistency = true};
            driver_.write(background, [&](WriteTxn& txn) {
                cascade_below(txn, *e, i.entity_id, i.key);
                txn.remove(*e, i.entity_id);
            });
            driver_.write(background, [&](WriteTxn& txn) { cascade_below(txn, *e, i.entity_id, i.key); });
        } catch (const std::exception& ex) {
            spdlog::warn("cascade {} below {} {} not completed, left for the next pass: {}", i.key, i.entity,
                         i.entity_id, ex.what());
            intents_->end(i.key, false);
            continue;
        }
        intents_->end(i.key, true);
        spdlog::info("cascade below {} {} completed (begun at {} ms by {})", i.entity, i.entity_id, i.since_ms, i.owner);
        ++completed;
    }
    return completed;
}

std::vector<CascadeIntent> DocumentService::cascades_in_progress() {
    return intents_ ? intents_->pending() : std::vector<CascadeIntent>{};
}

}  // namespace events
