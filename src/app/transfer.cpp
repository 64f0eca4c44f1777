#include "app/transfer.h"

#include "core/body_validator.h"
#include "core/value_format.h"
#include "service/secret_fields.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>
#include <cctype>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace events {

namespace json = boost::json;

namespace {

constexpr int64_t kExportPage = 1000;

std::string line_prefix(int64_t line) { return "line " + std::to_string(line) + ": "; }

bool blank(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// The document as the driver stores it: `id` first, then the checked fields. Timestamps
// missing from the line are filled the way the document service fills them on create;
// an explicit null is kept (an exported document whose updatedAt is null must come
// back identical).
Document stored_form(const Entity& e, const json::object& line_doc, std::string id, json::object checked) {
    Document doc;
    doc.reserve(checked.size() + 1);
    doc["id"] = std::move(id);
    for (auto& kv : checked) doc[kv.key()] = std::move(kv.value());
    for (const Field& f : e.fields) {
        if (!(f.auto_generate || f.auto_update) || line_doc.contains(f.name)) continue;
        auto it = doc.find(f.name);
        if (it == doc.end() || !it->value().is_null()) continue;
        std::string now = now_datetime();
        it->value() = f.type == FieldType::Date ? json::value(now.substr(0, 10)) : json::value(now);
    }
    return doc;
}

// Consecutive documents of one entity: one multi-row insert.
struct Run {
    const Entity* entity;
    std::vector<Document> docs;
    std::vector<int64_t> lines;   // the input line of each document
};

// Ids written by the open transaction of a batch, per entity: a transaction's own writes
// may not be visible to reads outside it (MongoDB transactions), so they are looked up here.
using PendingIds = std::map<const Entity*, std::set<std::string>>;

void remember(PendingIds& pending, const Run& run) {
    auto& ids = pending[run.entity];
    for (const Document& d : run.docs) ids.emplace(d.at("id").as_string());
}

// Backends without native foreign keys (document stores): the parents of one run must
// exist (parents come first in a dump, so they were inserted before, by an earlier batch
// or earlier in this one: `pending`). Throws ForeignKeyViolation naming the first missing one.
void check_parents(StorageDriver& driver, const Run& run, const PendingIds& pending) {
    if (driver.capabilities().native_foreign_keys) return;
    for (const Field* fk : run.entity->foreign_keys) {
        const auto in_batch = pending.find(fk->fk_target);
        std::vector<std::string> wanted;
        for (const Document& d : run.docs)
            if (const json::value* v = d.if_contains(fk->name); v && v->is_string()) {
                const std::string id(v->get_string());
                if (in_batch == pending.end() || !in_batch->second.count(id)) wanted.push_back(id);
            }
        std::sort(wanted.begin(), wanted.end());
        wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
        if (wanted.empty()) continue;
        std::vector<std::string> found;
        for (const Document& p : driver.get_many(*fk->fk_target, wanted)) found.emplace_back(p.at("id").as_string());
        std::sort(found.begin(), found.end());
        for (const std::string& id : wanted)
            if (!std::binary_search(found.begin(), found.end(), id))
                throw ForeignKeyViolation(fk->name + ": " + fk->fk_target->name + " " + id + " does not exist");
    }
}

// Inserts document by document, so that a failure names its line.
void insert_one_by_one(StorageDriver& driver, const std::vector<Run>& batch) {
    driver.write({}, [&](WriteTxn& txn) {
        PendingIds pending;
        for (const Run& run : batch) {
            for (size_t i = 0; i < run.docs.size(); ++i) {
                const Document& doc = run.docs[i];
                const std::string where =
                    line_prefix(run.lines[i]) + run.entity->name + " " + std::string(doc.at("id").as_string()) + ": ";
                try {
                    const Run one{run.entity, {doc}, {}};
                    check_parents(driver, one, pending);
                    txn.insert(*run.entity, doc);
                    remember(pending, one);
                } catch (const UniqueViolation& u) {
                    std::string fields;
                    for (const auto& f : u.fields) fields += (fields.empty() ? "" : ", ") + f;
                    throw std::runtime_error(where + (u.fields == std::vector<std::string>{"id"}
                                                          ? std::string("id already exists")
                                                          : "unique constraint (" + fields + ") violated"));
                } catch (const ForeignKeyViolation& f) {
                    throw std::runtime_error(where + "foreign key violation: " + f.what());
                }
            }
        }
    });
}

// One transaction per batch, one multi-row insert per run. A constraint failure does
// not tell which document caused it; the transaction has been rolled back, so the
// batch is inserted again one document at a time to name the line.
void insert_batch(StorageDriver& driver, std::vector<Run>& batch) {
    if (batch.empty()) return;
    try {
        driver.write({}, [&](WriteTxn& txn) {
            PendingIds pending;
            for (const Run& run : batch) {
                check_parents(driver, run, pending);
                txn.insert_many(*run.entity, run.docs);
                remember(pending, run);
            }
        });
    } catch (const UniqueViolation&) {
        insert_one_by_one(driver, batch);
    } catch (const ForeignKeyViolation&) {
        insert_one_by_one(driver, batch);
    }
    batch.clear();
}

}  // namespace

TransferStats export_documents(const Schema& schema, StorageDriver& driver, std::ostream& out,
                               const ProgressFn& progress) {
    TransferStats stats;
    std::string line;
    for (const Entity* e : schema.parents_first()) {
        const Field* id = &e->id_field();
        std::optional<std::string> last_id;
        for (;;) {
            // Keyset paging: stable and O(page) however deep the export goes.
            ListQuery q;
            q.sort = {SortKey{id, false}};
            if (last_id) q.filters.push_back(FilterCondition{id, FilterOp::Gt, json::value(*last_id)});
            q.offset = 0;
            q.limit = kExportPage;
            q.with_total = false;
            ListPage page = driver.list(*e, q);
            for (const Document& doc : page.docs) {
                json::object entry;
                entry["entity"] = e->name;
                entry["doc"] = doc;
                line.clear();
                append_json_text(line, entry);
                line.push_back('\n');
                out.write(line.data(), static_cast<std::streamsize>(line.size()));
            }
            stats.documents += static_cast<int64_t>(page.docs.size());
            if (!out) throw std::runtime_error("export: writing the output failed");
            if (progress && !page.docs.empty()) progress(*e, stats.documents);
            if (static_cast<int64_t>(page.docs.size()) < kExportPage) break;
            last_id = std::string(page.docs.back().at("id").as_string());
        }
    }
    out.flush();
    return stats;
}

TransferStats import_documents(const Schema& schema, StorageDriver& driver, std::istream& in,
                               const ProgressFn& progress, int batch_size) {
    TransferStats stats;
    driver.begin_bulk_load();
    // end_bulk_load() also after a failed load: what begin_bulk_load() dropped is built
    // again, and the load's own error is the one reported.
    struct EndBulkLoad {
        StorageDriver& driver;
        bool done = false;
        ~EndBulkLoad() {
            if (done) return;
            try {
                driver.end_bulk_load();
            } catch (const std::exception& e) {
                spdlog::error("import: rebuilding after the failed load: {} (the next start-up will)", e.what());
            }
        }
    } end_bulk_load{driver};
    const size_t batch_limit = static_cast<size_t>(std::max(1, batch_size));
    std::vector<Run> batch;
    size_t batched = 0;   // documents in `batch`
    std::string line;
    int64_t line_no = 0;

    auto flush = [&] {
        if (batch.empty()) return;
        const Entity* last_entity = batch.back().entity;
        insert_batch(driver, batch);
        stats.documents += static_cast<int64_t>(batched);
        batched = 0;
        if (progress) progress(*last_entity, stats.documents);
    };

    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (blank(line)) continue;

        boost::system::error_code ec;
        json::value parsed = json::parse(line, ec);
        if (ec) throw std::runtime_error(line_prefix(line_no) + "malformed JSON: " + ec.message());
        const json::object* entry = parsed.if_object();
        const json::value* name = entry ? entry->if_contains("entity") : nullptr;
        const json::value* doc = entry ? entry->if_contains("doc") : nullptr;
        if (!name || !name->is_string() || !doc || !doc->is_object())
            throw std::runtime_error(line_prefix(line_no) +
                                     R"(expected {"entity": "<name>", "doc": {...}})");
        const Entity* e = schema.find(name->as_string());
        if (!e) throw std::runtime_error(line_prefix(line_no) + "unknown entity " + std::string(name->as_string()));

        const json::object& body = doc->as_object();
        const json::value* id = body.if_contains("id");
        if (!id || !id->is_string() || id->as_string().empty())
            throw std::runtime_error(line_prefix(line_no) + e->name + ": the document has no id");
        std::string id_text(id->as_string());
        std::transform(id_text.begin(), id_text.end(), id_text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

        BodyCheck check = check_body(*e, body);
        if (!check.errors.empty()) {
            std::string message = line_prefix(line_no) + e->name + " " + id_text + ":";
            const char* separator = " ";
            for (const Notice& n : check.errors) {
                message.append(separator);
                if (!n.field.empty()) message.append(n.field).append(": ");
                message.append(n.message);
                separator = "; ";
            }
            throw std::runtime_error(message);
        }

        if (batch.empty() || batch.back().entity != e) batch.push_back(Run{e, {}, {}});
        batch.back().docs.push_back(stored_form(*e, body, std::move(id_text), std::move(check.doc)));
        // Exported hashes load back as they are; plaintext secrets are hashed (docs/DECISIONS.md §6.4).
        hash_plain_secret_fields(*e, batch.back().docs.back());
        batch.back().lines.push_back(line_no);
        if (++batched >= batch_limit) flush();
    }
    if (in.bad()) throw std::runtime_error("import: reading the input failed at line " + std::to_string(line_no));
    flush();
    end_bulk_load.done = true;
    driver.end_bulk_load();
    return stats;
}

}  // namespace events
