#include "storage/document/unique_key.h"

#include "core/comparison_form.h"
#include "tools/json_text.h"

namespace events {

std::optional<std::string> unique_key(const std::vector<const Field*>& constraint, const boost::json::object& doc,
                                      bool case_sensitive) {
    std::string key;
    for (size_t i = 0; i < constraint.size(); ++i) {
        const Field* f = constraint[i];
        const boost::json::value* v = doc.if_contains(f->name);
        if (!v || v->is_null()) return std::nullopt;
        if (i > 0) key += '\x1f';
        if (v->is_string() && f->is_text()) key += comparison_form(v->get_string(), case_sensitive);
        else if (v->is_string()) key += std::string_view(v->get_string());
        else key += to_json_text(*v);
    }
    return key;
}

}  // namespace events
