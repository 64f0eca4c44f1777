#include "core/body_validator.h"

#include "core/field_check.h"

namespace events {

namespace json = boost::json;

namespace {

Notice failure(const Field& f, std::string message, const json::value& given) {
    Notice n;
    n.type = "validation_failed";
    n.message = std::move(message);
    n.field = f.name;
    n.value = given;
    return n;
}

}  // namespace

BodyCheck check_body(const Entity& entity, const json::object& body) {
    BodyCheck result;
    for (const Field& f : entity.fields) {
        if (f.is_id()) continue;
        const json::value* given = body.if_contains(f.name);
        // The document service fills absent timestamps, so they are never "missing".
        const bool server_filled = f.auto_generate || f.auto_update;

        if (!given || given->is_null()) {
            if (!given && f.default_value) {
                result.doc[f.name] = *f.default_value;
                continue;
            }
            if (f.required && !server_filled) result.errors.push_back(failure(f, "Field required", nullptr));
            result.doc[f.name] = nullptr;
            continue;
        }

        json::value canonical;
        if (auto message = check_field_value(f, *given, canonical)) {
            result.errors.push_back(failure(f, std::move(*message), *given));
            result.doc[f.name] = nullptr;
        } else {
            result.doc[f.name] = std::move(canonical);
        }
    }

    for (const auto& kv : body) {
        const std::string_view key = kv.key();
        if (key == "id") continue;
        bool known = false;
        for (const Field& f : entity.fields)
            if (f.name == key) {
                known = true;
                break;
            }
        if (known) continue;
        Notice n;
        n.type = "validation";
        n.message = "Unknown field ignored";
        n.field = std::string(key);
        result.warnings.push_back(std::move(n));
    }
    return result;
}

}  // namespace events
