#include "service/field_backfill.h"

#include "service/document_walk.h"

#include <functional>

namespace events {

namespace {

constexpr int64_t kPage = 500;

bool missing(const Document& doc, const Field& f) {
    const boost::json::value* v = doc.if_contains(f.name);
    return v == nullptr || v->is_null();
}

void walk(StorageDriver& driver, const Entity& e, const std::function<void(std::vector<Document>&)>& page) {
    walk_documents(driver, e, kPage, page);
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
