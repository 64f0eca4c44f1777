// What a role may do (docs/DECISIONS.md §6.3, reference §13.2): per entity a set of the
// letters c (create), r (read one), u (update: PUT, PATCH), d (delete) and s (search: list).
#pragma once

#include "core/schema.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <vector>

namespace events {

class Permissions {
public:
    // Nothing allowed.
    Permissions() = default;
    // Every letter on every entity: the admin token, or a login entity without authz.
    static Permissions everything(const Schema& schema);
    // A role's `permissions` value: an object, or its JSON text, mapping an entity name
    // (case-insensitive) or "*" to letters; a named entity overrides "*", "" removes
    // access; letters outside "cruds" and names of no entity are ignored. Throws
    // std::invalid_argument when the value is neither an object nor JSON text of one.
    static Permissions from_role(const Schema& schema, const boost::json::value& permissions);

    bool allows(const Entity& e, char letter) const;
    // {"User": "crus", ...}: every entity with non-empty letters, letters in "cruds" order
    // (the `permissions.entity` of the login answer, reference §13.1).
    boost::json::object entity_letters() const;
    bool superuser() const { return superuser_; }

private:
    std::vector<std::pair<const Entity*, std::string>> letters_;   // schema order
    bool superuser_ = false;
};

}  // namespace events
