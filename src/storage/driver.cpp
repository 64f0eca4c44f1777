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

}  // namespace events
