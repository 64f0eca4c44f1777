#include "service/permissions.h"

#include <boost/json/parse.hpp>

#include <stdexcept>
#include <string_view>

namespace events {

namespace json = boost::json;

namespace {

constexpr std::string_view kLetters = "cruds";

std::string canonical_letters(std::string_view given) {
    std::string out;
    for (char c : kLetters)
        if (given.find(c) != std::string_view::npos || given.find(static_cast<char>(c - 'a' + 'A')) != std::string_view::npos)
            out += c;
    return out;
}

}  // namespace

Permissions Permissions::everything(const Schema& schema) {
    Permissions p;
    p.superuser_ = true;
    for (const auto& e : schema.entities()) p.letters_.emplace_back(e.get(), std::string(kLetters));
    return p;
}

Permissions Permissions::from_role(const Schema& schema, const json::value& permissions) {
    json::value parsed;
    const json::value* v = &permissions;
    if (permissions.is_string()) {
        boost::system::error_code ec;
        parsed = json::parse(permissions.get_string(), ec);
        if (ec) throw std::invalid_argument("permissions is not JSON text");
        v = &parsed;
    }
    if (!v->is_object()) throw std::invalid_argument("permissions must map entity names to letters");
    const json::object& o = v->get_object();
    Permissions p;
    std::string all;
    if (const json::value* star = o.if_contains("*"); star && star->is_string()) all = canonical_letters(star->get_string());
    for (const auto& e : schema.entities()) p.letters_.emplace_back(e.get(), all);
    for (const auto& kv : o) {
        if (kv.key() == "*" || !kv.value().is_string()) continue;
        if (const Entity* e = schema.find(kv.key()))
            for (auto& [entity, letters] : p.letters_)
                if (entity == e) letters = canonical_letters(kv.value().get_string());
    }
    return p;
}

bool Permissions::allows(const Entity& e, char letter) const {
    for (const auto& [entity, letters] : letters_)
        if (entity == &e) return letters.find(letter) != std::string::npos;
    return false;
}

json::object Permissions::entity_letters() const {
    json::object out;
    for (const auto& [e, letters] : letters_)
        if (!letters.empty()) out[e->name] = letters;
    return out;
}

}  // namespace events
