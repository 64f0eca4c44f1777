#include "storage/system_entity.h"

#include <algorithm>
#include <cctype>

namespace events {

SystemEntity::SystemEntity(std::string_view schema_text, std::string_view entity_name, const DriverMaker& make)
    : schema_(std::make_unique<Schema>(Schema::load_text(schema_text, std::string(entity_name) + " schema"))) {
    entity_ = schema_->find(entity_name);
    driver_ = make(*schema_);
    driver_->open();
}

SystemEntity::~SystemEntity() {
    if (driver_) driver_->close();
}

bool SystemEntity::stores(std::string_view storage_name, std::string_view entity_name) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
        return out;
    };
    return lower(storage_name).find(lower(entity_name)) != std::string::npos;
}

std::string text_field(const Document& doc, std::string_view name) {
    const boost::json::value* v = doc.if_contains(name);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

int64_t integer_field(const Document& doc, std::string_view name) {
    const boost::json::value* v = doc.if_contains(name);
    if (!v) return 0;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->get_double());
    return 0;
}

}  // namespace events
