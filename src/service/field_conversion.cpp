#include "service/field_conversion.h"

#include "core/type_conversion.h"
#include "service/document_walk.h"
#include "tools/json_text.h"

namespace events {

UnconvertibleValues find_unconvertible_values(StorageDriver& recorded_driver, const Entity& recorded_entity,
                                              const Field& recorded_field, const Field& to, size_t sample) {
    UnconvertibleValues out;
    walk_documents(recorded_driver, recorded_entity, 500, [&](std::vector<Document>& docs) {
        for (const Document& d : docs) {
            const boost::json::value* v = d.if_contains(recorded_field.name);
            if (!v || v->is_null()) continue;
            ConvertedValue c = convert_stored_value(*v, recorded_field.type, to);
            if (!c.failure) continue;
            ++out.count;
            if (out.sample.size() < sample)
                out.sample.push_back({std::string(d.at("id").as_string()), to_json_text(*v), *c.failure});
        }
    });
    return out;
}

}  // namespace events
