#include "service/document_service.h"

#include "core/body_validator.h"
#include "core/client_text.h"
#include "core/input_limits.h"
#include "core/ulid.h"
#include "core/value_format.h"

#include <fmt/format.h>

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
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
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

Document response_form(const Entity& e, Document&& stored) {
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

}  // namespace

DocumentService::DocumentService(const Schema& schema, StorageDriver& driver, ServiceOptions options)
    : schema_(schema), driver_(driver), options_(options) {}

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

Document DocumentService::get(const Entity& e, std::string_view raw_id, const RequestParams& p, Notifications& notes) {
    require_operation(e, 'r');
    const std::string id = url_id(raw_id);
    // docs/DECISIONS.md §4.5: an id no document can have is not looked up.
    auto stored = is_storable_id(id) ? driver_.get(e, id) : std::nullopt;
    if (!stored) throw ApiError::not_found(not_found_message(e, id), id);
    std::vector<Document> docs{response_form(e, std::move(*stored))};
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
    if (!p.views.empty() || validates_reads(/*single=*/true)) return std::nullopt;   // get() would add to it
    const std::string id = url_id(raw_id);
    std::optional<std::string> text = is_storable_id(id) ? driver_.get_json(e, id) : std::nullopt;
    if (!text) throw ApiError::not_found(not_found_message(e, id), id);
    return text;
}

std::optional<ListPageJson> DocumentService::list_json(const Entity& e, const RequestParams& p) {
    require_operation(e, 'r');
    if (!p.views.empty() || validates_reads(/*single=*/false) || p.id_filter) return std::nullopt;
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
                if (!f.is_id()) body[f.name] = d[f.name];
            const std::string doc_id = string_of(d["id"]);
            for (Notice& n : check_body(e, body).errors)
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
    auto merge_onto_stored = [&](WriteTxn& txn) {
        auto stored = txn.get(e, id);
        if (!stored) throw ApiError::not_found(not_found_message(e, id), id);
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
        if (kind == WriteKind::Patch) merge_onto_stored(txn);
        if (kind == WriteKind::Replace && keep_created) {
            auto stored = txn.get(e, id);
            if (!stored) throw ApiError::not_found(not_found_message(e, id), id);
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
        throw ApiError::conflict(c.what(), "", id);
    }
    for (Notice& n : warnings) notes.warning(id, warning_for(e, id, n.type, n.message, n.field, n.value));
    return response_form(e, std::move(doc));
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

std::optional<Document> DocumentService::remove(const Entity& e, std::string_view raw_id, const RequestParams& p,
                                                Notifications&) {
    require_operation(e, 'd');
    const std::string id = url_id(raw_id);
    if (!is_storable_id(id)) return std::nullopt;   // no document has it (docs/DECISIONS.md §4.5)
    // The service cascades when the backend cascades none of the relationships below
    // `e`, or not all of them (then it walks the whole tree, so that no child waits on a
    // relationship the database declared without an action).
    const bool native = cascades_natively_below(driver_, e);
    std::optional<Document> deleted;

    try {
        driver_.write(WriteOptions{.no_consistency = p.no_consistency}, [&](WriteTxn& txn) {
            deleted = txn.get(e, id);
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
                std::function<void(const Entity&, const std::string&)> cascade = [&](const Entity& parent,
                                                                                     const std::string& pid) {
                    for (const Reference& ref : parent.referenced_by) {
                        if (ref.field->required) {
                            for (const std::string& child : txn.ids_where(*ref.entity, *ref.field, pid, INT64_MAX)) {
                                cascade(*ref.entity, child);
                                txn.remove(*ref.entity, child);
                            }
                        } else {
                            txn.clear_where(*ref.entity, *ref.field, pid);
                        }
                    }
                };
                cascade(e, id);
            }
            txn.remove(e, id);
        });
    } catch (const ForeignKeyViolation&) {
        throw ApiError::conflict(fmt::format("Cannot delete {} {}: it is still referenced", e.name, id), "", id);
    } catch (const WriteConflict& c) {
        throw ApiError::conflict(c.what(), "", id);
    }
    if (!deleted) return std::nullopt;
    return response_form(e, std::move(*deleted));
}

}  // namespace events
