#include "storage/sql/comparison_columns.h"

#include "core/comparison_form.h"
#include "tools/short_hash.h"

#include <fmt/format.h>

namespace events {

bool has_form_column(const Field& f) { return f.is_text() && !f.is_id(); }

bool substring_indexed(const Field& f) {
    if (!has_form_column(f)) return false;
    const boost::json::value* ui = f.metadata.if_contains("ui");
    if (ui && ui->is_object()) {
        const boost::json::value* display = ui->as_object().if_contains("display");
        if (display && display->is_string() && display->get_string() == "secret") return false;
    }
    return true;
}

std::vector<const Field*> form_fields(const Entity& e) {
    std::vector<const Field*> out;
    for (const Field& f : e.fields)
        if (has_form_column(f)) out.push_back(&f);
    return out;
}

std::string form_column_name(const Field& f, size_t max_identifier_length) {
    std::string name = f.name + "$cf";
    const size_t max = max_identifier_length;
    if (max > 12 && name.size() > max) name = name.substr(0, max - 9) + fmt::format("${:08x}", fnv1a(name));
    return name;
}

const Field* field_of_form_column(const Entity& e, std::string_view column, size_t max_identifier_length) {
    if (column.find('$') == std::string_view::npos) return nullptr;
    for (const Field* f : form_fields(e))
        if (form_column_name(*f, max_identifier_length) == column) return f;
    return nullptr;
}

SqlParam form_param(const boost::json::value* value, bool case_sensitive) {
    if (!value || !value->is_string()) return {};
    return comparison_form(value->get_string(), case_sensitive);
}

}  // namespace events
