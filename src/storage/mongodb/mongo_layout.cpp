#include "storage/mongodb/mongo_layout.h"

#include <cstdint>

namespace events::mongo {

bool has_form_field(const Field& f) { return !f.is_id() && (f.is_text() || f.type == FieldType::Currency); }

std::string form_field(const Field& f) { return "_cf_" + f.name; }
std::string null_field(const Field& f) { return "_nl_" + f.name; }

std::string unique_field(const std::vector<const Field*>& constraint) {
    std::string name = "_uq";
    for (const Field* f : constraint) name += "_" + f->name;
    return name;
}

std::string key_field(const Field& f) {
    if (f.is_id()) return "_id";
    if (has_form_field(f)) return form_field(f);
    return f.name;
}

std::string layout_signature(const Entity& e, bool case_sensitive) {
    std::string text = case_sensitive ? "cs" : "ci";
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        text += "|" + f.name + ":" + std::string(type_name(f.type)) + (has_form_field(f) ? "f" : "");
    }
    for (const auto& u : e.uniques) text += "|" + unique_field(u);
    // FNV-1a, printed in hex: short, deterministic across runs and builds.
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    static const char* digits = "0123456789abcdef";
    std::string out = "1-";
    for (int i = 60; i >= 0; i -= 4) out += digits[(h >> i) & 0xf];
    return out;
}

}  // namespace events::mongo
