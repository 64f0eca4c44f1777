#include "storage/driver.h"

#include "tools/json_text.h"

namespace events {

std::optional<std::string> StorageDriver::get_json(const Entity& e, std::string_view id) {
    std::optional<Document> doc = get(e, id);
    if (!doc) return std::nullopt;
    return to_json_text(*doc);
}

ListPageJson StorageDriver::list_json(const Entity& e, const ListQuery& q) {
    const ListPage page = list(e, q);
    ListPageJson out;
    out.total = page.total;
    out.docs = "[";
    for (const Document& d : page.docs) {
        if (out.count++) out.docs += ',';
        append_json_text(out.docs, d);
    }
    out.docs += ']';
    return out;
}

int64_t StorageDriver::backup_to(const std::string& path) {
    (void)path;
    throw std::runtime_error("events backup copies SQLite files only; back up " + std::string(backend_name()) +
                             " with its own tools (docs/OPERATIONS.md \"Backups\")");
}

}  // namespace events

namespace events {

void StorageDriver::convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) {
    (void)conversion;
    throw NotSupported(std::string(backend_name()) + " does not convert the stored values of " + e.name + "." +
                       field.name + " to another type");
}

void StorageDriver::drop_field(const Entity& e, const std::string& field) {
    throw NotSupported(std::string(backend_name()) + " does not drop stored fields (" + e.name + "." + field + ")");
}

void StorageDriver::drop_entity(const std::string& name) {
    throw NotSupported(std::string(backend_name()) + " does not drop stored entities (" + name + ")");
}

void StorageDriver::rename_entity(const Entity& recorded, const Entity& renamed, int64_t batch) {
    // The new name of each recorded field: its own, or that of the field renamed from it.
    std::vector<std::pair<std::string, std::string>> names;   // recorded -> renamed
    for (const Field& f : recorded.fields) {
        std::string to = f.name;
        for (const Field& g : renamed.fields)
            if (!g.renamed_from.empty() && g.renamed_from == f.name) to = g.name;
        names.emplace_back(f.name, to);
    }
    std::string after;   // ids are non-empty: "" precedes them all
    for (;;) {
        ListQuery q;
        if (!after.empty()) q.filters.push_back({&recorded.id_field(), FilterOp::Gt, boost::json::value(after)});
        q.sort.push_back({&recorded.id_field(), false});
        q.limit = batch;
        q.with_total = false;
        ListPage page = list(recorded, q);
        if (page.docs.empty()) break;
        std::vector<Document> copies;
        for (const Document& d : page.docs) {
            Document copy;
            for (const auto& [from, to] : names)
                if (const boost::json::value* v = d.if_contains(from)) copy[to] = *v;
            copies.push_back(std::move(copy));
        }
        write(WriteOptions{}, [&](WriteTxn& txn) {
            for (const Document& c : copies) {
                const std::string id(c.at("id").as_string());
                if (txn.exists(renamed, id)) continue;   // copied by a run cut short
                txn.insert(renamed, c);
            }
        });
        after = std::string(page.docs.back().at("id").as_string());
        if (static_cast<int64_t>(page.docs.size()) < batch) break;
    }
    drop_entity(recorded.name);
}

}  // namespace events
