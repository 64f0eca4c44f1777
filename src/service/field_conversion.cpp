#include "service/field_conversion.h"

#include "core/comparison_form.h"
#include "core/type_conversion.h"
#include "service/document_walk.h"
#include "tools/json_text.h"

#include <unordered_map>

namespace events {

UnconvertibleValues find_unconvertible_values(StorageDriver& recorded_driver, const Entity& recorded_entity,
                                              const Field& recorded_field, const Field& to,
                                              const ConversionCheck& check, size_t sample) {
    UnconvertibleValues out;
    std::unordered_map<std::string, std::string> owners;   // unique key of a converted value -> its id
    const auto fail = [&](const Document& d, const boost::json::value& v, std::string reason) {
        ++out.count;
        if (out.sample.size() < sample)
            out.sample.push_back({std::string(d.at("id").as_string()), to_json_text(v), std::move(reason)});
    };
    walk_documents(recorded_driver, recorded_entity, 500, [&](std::vector<Document>& docs) {
        for (const Document& d : docs) {
            const boost::json::value* v = d.if_contains(recorded_field.name);
            if (!v || v->is_null()) continue;
            ConvertedValue c = convert_stored_value(*v, recorded_field.type, to);
            if (c.failure) {
                fail(d, *v, *c.failure);
                continue;
            }
            if (!check.unique) continue;
            const std::string key = c.value.is_string() && to.is_text()
                                        ? comparison_form(c.value.get_string(), check.case_sensitive)
                                        : to_json_text(c.value);
            const std::string id(d.at("id").as_string());
            const auto [owner, fresh] = owners.emplace(key, id);
            if (!fresh)
                fail(d, *v, "converts to " + to_json_text(c.value) + " as the value of id " + owner->second +
                                " does, and " + to.name + " is unique");
        }
    });
    return out;
}

}  // namespace events
