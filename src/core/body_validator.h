// Validation of a request body against an entity (docs/SCHEMA.md "Field keys", docs/DECISIONS.md §2.1).
//
// Reports every failing field at once. Messages follow pydantic's wording, which
// clients of the reference know, except that a schema `message` (pattern, enum)
// replaces the generic text when the schema gives one.
#pragma once

#include "core/notifications.h"
#include "core/schema.h"

#include <boost/json/object.hpp>

#include <vector>

namespace events {

struct BodyCheck {
    // Every field of the entity except `id`, in schema order, in canonical form
    // (value_format.h): converted values, `default` applied to absent fields, null
    // for absent optional fields. Absent autoGenerate/autoUpdate fields stay null
    // (the document service fills them).
    boost::json::object doc;
    std::vector<Notice> errors;     // type "validation_failed", with field (and value when given)
    std::vector<Notice> warnings;   // type "validation": unknown body keys, ignored
};

// Body keys are case-sensitive (docs/API.md "Writes"). A key "id" is neither validated nor
// warned about: the document service owns ids.
BodyCheck check_body(const Entity& entity, const boost::json::object& body);

}  // namespace events
