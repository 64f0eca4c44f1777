// One value against one field: conversion to canonical form plus the field's
// constraints. Shared by body validation and by the schema loader, which checks that
// every `default` satisfies its own field.
#pragma once

#include "core/schema.h"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace events {

// Converts a non-null `input` to the canonical form of `field` (value_format.h) into
// `out`. Returns the failure message (pydantic wording, or the schema's own `message`)
// when the value has the wrong type or breaks a constraint; nullopt on success.
// A value holding U+0000 anywhere (a string, a string of an array, a key or value of a
// JSON object at any depth) fails with "Input should not contain the NUL character
// (U+0000)" whatever the field's type (docs/DECISIONS.md §2.24).
std::optional<std::string> check_field_value(const Field& field, const boost::json::value& input,
                                             boost::json::value& out);

}  // namespace events
