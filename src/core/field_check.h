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
std::optional<std::string> check_field_value(const Field& field, const boost::json::value& input,
                                             boost::json::value& out);

}  // namespace events
