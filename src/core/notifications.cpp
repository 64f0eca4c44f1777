#include "core/notifications.h"

#include "tools/json_text.h"

#include <boost/json/array.hpp>

namespace events {

namespace json = boost::json;

json::object Notice::to_json() const {
    json::object o;
    o["type"] = type;
    if (!entity.empty()) o["entity"] = entity;
    if (!entity_id.empty()) o["entity_id"] = entity_id;
    o["message"] = message;
    if (!field.empty()) o["field"] = field;
    if (!value.is_null()) o["value"] = value;
    if (!parameter.empty()) o["parameter"] = parameter;
    return o;
}

Notifications::Group& Notifications::group(const std::string& key) {
    for (auto& g : groups_)
        if (g.key == key) return g;
    groups_.push_back(Group{key, {}, {}});
    return groups_.back();
}

void Notifications::error(const std::string& key, Notice n) { group(key).errors.push_back(std::move(n)); }
void Notifications::warning(const std::string& key, Notice n) { group(key).warnings.push_back(std::move(n)); }

bool Notifications::has_errors() const {
    for (const auto& g : groups_)
        if (!g.errors.empty()) return true;
    return false;
}

bool Notifications::has_warnings() const {
    for (const auto& g : groups_)
        if (!g.warnings.empty()) return true;
    return false;
}

json::object Notifications::to_json() const {
    json::object out;
    for (const auto& g : groups_) {
        json::array errors, warnings;
        for (const auto& n : g.errors) errors.push_back(n.to_json());
        for (const auto& n : g.warnings) warnings.push_back(n.to_json());
        json::object grp;
        grp["errors"] = std::move(errors);
        grp["warnings"] = std::move(warnings);
        out[g.key] = std::move(grp);
    }
    return out;
}

const char* error_type_for(int status) {
    switch (status) {
        case 400: return "bad_request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 409: return "conflict";
        case 412: return "precondition_failed";
        case 413: return "payload_too_large";
        case 431: return "header_too_large";
        case 422: return "validation_failed";
        case 429: return "too_many_requests";
        case 503: return "unavailable";
        default: return "internal_error";
    }
}

ApiError::ApiError(int status, std::string key, Notice notice) : status_(status) {
    if (notice.type.empty()) notice.type = error_type_for(status);
    errors_.emplace_back(std::move(key), std::move(notice));
}

ApiError::ApiError(int status, std::vector<std::pair<std::string, Notice>> errors)
    : status_(status), errors_(std::move(errors)) {
    for (auto& [key, n] : errors_)
        if (n.type.empty()) n.type = error_type_for(status);
}

namespace {
Notice notice(std::string message, std::string field = "") {
    Notice n;
    n.message = std::move(message);
    n.field = std::move(field);
    return n;
}
}  // namespace

ApiError ApiError::bad_request(std::string message, std::string field, std::string key) {
    return ApiError(400, std::move(key), notice(std::move(message), std::move(field)));
}
ApiError ApiError::not_found(std::string message, std::string key) {
    return ApiError(404, std::move(key), notice(std::move(message)));
}
ApiError ApiError::method_not_allowed(std::string message) {
    return ApiError(405, kGeneral, notice(std::move(message)));
}
ApiError ApiError::conflict(std::string message, std::string field, std::string key) {
    return ApiError(409, std::move(key), notice(std::move(message), std::move(field)));
}
ApiError ApiError::validation(std::string message, std::string field, std::string key) {
    return ApiError(422, std::move(key), notice(std::move(message), std::move(field)));
}
ApiError ApiError::payload_too_large(std::string message) {
    return ApiError(413, kGeneral, notice(std::move(message)));
}
ApiError ApiError::internal(std::string message, std::string key) {
    return ApiError(500, std::move(key), notice(std::move(message)));
}
ApiError ApiError::unavailable(std::string message) {
    return ApiError(503, kGeneral, notice(std::move(message)));
}
ApiError ApiError::unauthorized(std::string message) {
    return ApiError(401, kGeneral, notice(std::move(message)));
}

const char* ApiError::what() const noexcept {
    return errors_.empty() ? "api error" : errors_.front().second.message.c_str();
}

json::object make_envelope(json::value data, const Notifications& n, const json::object* pagination) {
    json::object env;
    env["data"] = std::move(data);
    env["notifications"] = n.to_json();
    env["status"] = n.has_errors() ? "error" : (n.has_warnings() ? "warning" : "success");
    if (pagination) env["pagination"] = *pagination;
    return env;
}

std::string envelope_text(std::string_view data_json, const Notifications& n, const json::object* pagination) {
    // "data" is the envelope's first key: print the envelope around a null and put
    // the data in its place.
    static constexpr std::string_view kNullData = "{\"data\":null";
    // The envelope of most reads (no notice, no pagination) is the same text every time:
    // printed once, the same way.
    static const std::string kPlain = to_json_text(make_envelope(nullptr, Notifications(), nullptr));
    std::string printed;
    const bool plain = n.empty() && !pagination;
    if (!plain) printed = to_json_text(make_envelope(nullptr, n, pagination));
    const std::string& rest = plain ? kPlain : printed;
    std::string out;
    out.reserve(rest.size() + data_json.size());
    out += "{\"data\":";
    out += data_json;
    out.append(rest, kNullData.size());
    return out;
}

json::object make_error_envelope(const ApiError& e, const Notifications& n) {
    Notifications all = n;
    for (const auto& [key, notice] : e.errors()) all.error(key, notice);
    json::object env;
    env["data"] = nullptr;
    env["notifications"] = all.to_json();
    env["status"] = "error";
    return env;
}

}  // namespace events
