#include "service/secret_fields.h"

#include "service/password_hash.h"

#include <algorithm>

namespace events {

bool has_secret_fields(const Entity& e) {
    return std::any_of(e.fields.begin(), e.fields.end(), [](const Field& f) { return f.secret; });
}

void drop_secret_fields(const Entity& e, Document& doc) {
    if (!has_secret_fields(e)) return;
    // Rebuilt rather than erased: json::object::erase moves the last key into the gap,
    // and responses keep the schema's order.
    Document kept;
    kept.reserve(doc.size());
    for (auto& kv : doc) {
        const Field* f = e.find_field(kv.key());
        if (!(f && f->secret && f->name == kv.key())) kept.emplace(kv.key(), std::move(kv.value()));
    }
    doc = std::move(kept);
}

void hash_plain_secret_fields(const Entity& e, Document& doc) {
    for (const Field& f : e.fields) {
        if (!f.secret) continue;
        auto* v = doc.if_contains(f.name);
        if (v && v->is_string() && !is_secret_hash(v->get_string())) *v = hash_secret(v->get_string());
    }
}

}  // namespace events
