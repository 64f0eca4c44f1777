#include "service/field_backfill.h"

#include <functional>

namespace events {

namespace {

constexpr int64_t kPage = 500;

bool missing(const Document& doc, const Field& f) {
    const boost::json::value* v = doc.if_contains(f.name);
    return v == nullptr || v->is_null();
}

// Calls `page` with each page of documents of `e` in id order.
void walk(StorageDriver& driver, const Entity& e, const std::function<void(std::vector<Document>&)>& page) {
    std::string after;   // ids are non-empty: "" precedes them all
    for (;;) {
        ListQuery q;
        if (!after.empty()) q.filters.push_back({&e.id_field(), FilterOp::Gt, boost::json::value(after)});
        q.sort.push_back({&e.id_field(), false});
        q.limit = kPage;
        q.with_total = false;
        ListPage p = driver.list(e, q);
        if (p.docs.empty()) return;
        const boost::json::value& last = p.docs.back().at("id");
        after = last.is_string() ? std::string(last.get_string()) : std::string();
        const bool more = static_cast<int64_t>(p.docs.size()) == kPage;
        page(p.docs);
        if (!more || after.empty()) return;
    }
}

}  // namespace

int64_t backfill_field(StorageDriver& driver, const Entity& entity, const Field& field, const boost::json::value& value) {
    int64_t written = 0;
    walk(driver, entity, [&](std::vector<Document>& docs) {
        std::vector<Document*> todo;
        for (Document& d : docs)
            if (missing(d, field)) todo.push_back(&d);
        if (todo.empty()) return;
        driver.write(WriteOptions{}, [&](WriteTxn& txn) {
            for (Document* d : todo) {
                (*d)[field.name] = value;
                txn.update(entity, *d);
            }
        });
        written += static_cast<int64_t>(todo.size());
    });
    return written;
}

MissingValues find_missing_values(StorageDriver& driver, const Entity& entity, const Field& field, size_t sample) {
    MissingValues out;
    walk(driver, entity, [&](std::vector<Document>& docs) {
        for (const Document& d : docs) {
            if (!missing(d, field)) continue;
            ++out.count;
            if (out.sample_ids.size() < sample) out.sample_ids.emplace_back(d.at("id").as_string());
        }
    });
    return out;
}

}  // namespace events
