#include "support/memory_driver.h"

#include "storage/document/unique_key.h"
#include "support/memory_query.h"

#include <stdexcept>

namespace events::testing_support {

namespace json = boost::json;

namespace {

std::string id_of(const Document& doc) {
    const json::value* id = doc.if_contains("id");
    if (!id || !id->is_string()) throw std::invalid_argument("memory driver: a document without a string id");
    return std::string(id->get_string());
}

// What a table row holds: `id` first, then every field of `e` in schema order (null
// when absent); keys the schema does not know are not kept. The contract's response form.
Document row_of(const Entity& e, const Document& doc) {
    Document row;
    row.reserve(e.fields.size());
    row["id"] = id_of(doc);
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        const json::value* v = doc.if_contains(f.name);
        row[f.name] = v ? *v : json::value();
    }
    return row;
}

bool field_equals(const Document& doc, const Field& f, std::string_view value) {
    const json::value* v = doc.if_contains(f.name);
    return v && v->is_string() && v->get_string() == value;
}

// The operations of one write, on the write's private copy of the store.
class MemoryTxn : public WriteTxn {
public:
    MemoryTxn(MemoryDriver::Store& store, bool case_sensitive) : store_(store), case_sensitive_(case_sensitive) {}

    std::optional<Document> get(const Entity& e, std::string_view id) override {
        const MemoryDriver::Table& t = store_[&e];
        auto it = t.find(std::string(id));
        if (it == t.end()) return std::nullopt;
        return it->second;
    }
    bool exists(const Entity& e, std::string_view id) override { return store_[&e].count(std::string(id)) > 0; }

    void insert(const Entity& e, const Document& doc) override {
        MemoryDriver::Table& t = store_[&e];
        Document row = row_of(e, doc);
        const std::string id = id_of(row);
        if (t.count(id)) throw UniqueViolation(&e, {"id"});   // docs/DECISIONS.md §2.9
        check_uniques(e, t, row);
        t.emplace(id, std::move(row));
    }
    bool update(const Entity& e, const Document& doc) override {
        MemoryDriver::Table& t = store_[&e];
        Document row = row_of(e, doc);
        auto it = t.find(id_of(row));
        if (it == t.end()) return false;
        check_uniques(e, t, row);
        it->second = std::move(row);
        return true;
    }
    bool remove(const Entity& e, std::string_view id) override { return store_[&e].erase(std::string(id)) > 0; }

    std::vector<std::string> ids_where(const Entity& e, const Field& field, std::string_view value,
                                       int64_t limit) override {
        std::vector<std::string> ids;
        for (const auto& [id, doc] : store_[&e]) {
            if (static_cast<int64_t>(ids.size()) >= limit) break;
            if (field_equals(doc, field, value)) ids.push_back(id);
        }
        return ids;
    }
    int64_t count_where(const Entity& e, const Field& field, std::string_view value) override {
        int64_t n = 0;
        for (const auto& [id, doc] : store_[&e]) n += field_equals(doc, field, value) ? 1 : 0;
        return n;
    }
    void clear_where(const Entity& e, const Field& field, std::string_view value) override {
        for (auto& [id, doc] : store_[&e])
            if (field_equals(doc, field, value)) doc[field.name] = nullptr;
    }

private:
    // The schema's `unique` constraints of `e` against every other document of the table
    // (docs/DECISIONS.md §2.15): equal keys under the matching rule are a violation.
    void check_uniques(const Entity& e, const MemoryDriver::Table& t, const Document& row) const {
        const std::string id = id_of(row);
        for (const std::vector<const Field*>& constraint : e.uniques) {
            const std::optional<std::string> key = unique_key(constraint, row, case_sensitive_);
            if (!key) continue;   // a null constrained field takes no part
            for (const auto& [other_id, other] : t) {
                if (other_id == id || unique_key(constraint, other, case_sensitive_) != key) continue;
                std::vector<std::string> names;
                for (const Field* f : constraint) names.push_back(f->name);
                throw UniqueViolation(&e, std::move(names));
            }
        }
    }

    MemoryDriver::Store& store_;
    const bool case_sensitive_;
};

}  // namespace

MemoryDriver::MemoryDriver(const Schema& schema, bool case_sensitive)
    : schema_(schema), case_sensitive_(case_sensitive), store_(std::make_shared<const Store>()) {}

std::shared_ptr<const MemoryDriver::Store> MemoryDriver::snapshot() const {
    std::lock_guard lock(state_mutex_);
    return store_;
}

void MemoryDriver::set_read_failure(std::optional<std::string> what, bool unavailable) {
    std::lock_guard lock(state_mutex_);
    read_failure_ = std::move(what);
    read_failure_unavailable_ = unavailable;
}

void MemoryDriver::fail_read_if_asked() const {
    std::lock_guard lock(state_mutex_);
    if (!read_failure_) return;
    if (read_failure_unavailable_) throw StorageUnavailable(*read_failure_);
    throw std::runtime_error(*read_failure_);
}

std::optional<Document> MemoryDriver::get(const Entity& e, std::string_view id) {
    fail_read_if_asked();
    const auto store = snapshot();
    auto table = store->find(&e);
    if (table == store->end()) return std::nullopt;
    auto it = table->second.find(std::string(id));
    if (it == table->second.end()) return std::nullopt;
    return it->second;
}

std::vector<Document> MemoryDriver::get_many(const Entity& e, const std::vector<std::string>& ids) {
    std::vector<Document> out;
    const auto store = snapshot();
    auto table = store->find(&e);
    if (table == store->end()) return out;
    for (const std::string& id : ids)
        if (auto it = table->second.find(id); it != table->second.end()) out.push_back(it->second);
    return out;
}

ListPage MemoryDriver::list(const Entity& e, const ListQuery& q) {
    fail_read_if_asked();
    const auto store = snapshot();
    std::vector<const Document*> docs;
    if (auto table = store->find(&e); table != store->end())
        for (const auto& [id, doc] : table->second) docs.push_back(&doc);
    return run_query(std::move(docs), q, case_sensitive_);
}

void MemoryDriver::write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) {
    std::lock_guard serial(write_mutex_);
    {
        std::lock_guard lock(state_mutex_);
        last_options_ = options;
    }
    // Copy on write: the work changes a private copy; readers keep the old store until
    // the swap, and an exception simply drops the copy (all or nothing).
    auto next = std::make_shared<Store>(*snapshot());
    MemoryTxn txn(*next, case_sensitive_);
    work(txn);
    std::lock_guard lock(state_mutex_);
    store_ = std::move(next);
    ++committed_;
}

void MemoryDriver::wipe() {
    std::lock_guard serial(write_mutex_);
    std::lock_guard lock(state_mutex_);
    store_ = std::make_shared<const Store>();
}

json::object MemoryDriver::entity_counts() {
    const auto store = snapshot();
    json::object counts;
    for (const auto& e : schema_.entities()) {
        auto table = store->find(e.get());
        counts[e->name] = table == store->end() ? 0 : static_cast<int64_t>(table->second.size());
    }
    return counts;
}

json::object MemoryDriver::report_details() { return json::object{{"store", "memory"}}; }

void MemoryDriver::put_unchecked(const Entity& e, Document doc) {
    std::lock_guard serial(write_mutex_);
    auto next = std::make_shared<Store>(*snapshot());
    Document row = row_of(e, doc);
    const std::string id = id_of(row);
    (*next)[&e][id] = std::move(row);
    std::lock_guard lock(state_mutex_);
    store_ = std::move(next);
}

std::optional<WriteOptions> MemoryDriver::last_write_options() const {
    std::lock_guard lock(state_mutex_);
    return last_options_;
}

int64_t MemoryDriver::committed_writes() const {
    std::lock_guard lock(state_mutex_);
    return committed_;
}

}  // namespace events::testing_support
