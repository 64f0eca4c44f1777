// Per-request notifications and the response envelope (docs/API.md "Envelope", docs/DECISIONS.md §2.1, §2.11).
//
// Notifications are grouped by document id (or "general") and each group has
// `errors` and `warnings`. One Notifications object lives for exactly one request.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace events {

inline constexpr const char* kGeneral = "general";

struct Notice {
    std::string type;                 // category: bad_request, not_found, conflict, ...
    std::string message;
    std::string field;                // "" = omitted
    boost::json::value value;         // null = omitted
    std::string entity;               // warnings only ("" = omitted)
    std::string entity_id;            // warnings only
    std::string parameter;            // request warnings ("" = omitted)

    boost::json::object to_json() const;
};

class Notifications {
public:
    void error(const std::string& key, Notice n);
    void warning(const std::string& key, Notice n);
    bool has_errors() const;
    bool has_warnings() const;
    bool empty() const { return groups_.empty(); }
    // {"<key>": {"errors": [...], "warnings": [...]}, ...} in first-use order.
    boost::json::object to_json() const;

private:
    struct Group { std::string key; std::vector<Notice> errors, warnings; };
    Group& group(const std::string& key);
    std::vector<Group> groups_;
};

// An error that ends the request: its status code and the error notices to show.
// Thrown anywhere below the API layer; the API layer turns it into the envelope.
class ApiError : public std::exception {
public:
    ApiError(int status, std::string key, Notice notice);
    ApiError(int status, std::vector<std::pair<std::string, Notice>> errors);

    static ApiError bad_request(std::string message, std::string field = "", std::string key = kGeneral);
    static ApiError not_found(std::string message, std::string key);
    static ApiError method_not_allowed(std::string message);
    static ApiError conflict(std::string message, std::string field, std::string key);
    static ApiError validation(std::string message, std::string field, std::string key);
    static ApiError payload_too_large(std::string message);
    static ApiError internal(std::string message, std::string key = kGeneral);
    static ApiError unavailable(std::string message);
    static ApiError unauthorized(std::string message);

    int status() const { return status_; }
    const std::vector<std::pair<std::string, Notice>>& errors() const { return errors_; }
    const char* what() const noexcept override;

private:
    int status_;
    std::vector<std::pair<std::string, Notice>> errors_;
};

// Error category for a status code: 400 bad_request, 401 unauthorized, 403 forbidden,
// 404 not_found, 405 method_not_allowed, 409 conflict, 413 payload_too_large,
// 422 validation_failed, 503 unavailable, otherwise internal_error.
const char* error_type_for(int status);

// {"data": data, "notifications": {...}, "status": "success|warning|error"}
// plus "pagination" when given (lists).
boost::json::object make_envelope(boost::json::value data, const Notifications& n,
                                  const boost::json::object* pagination = nullptr);
// make_envelope() printed as JSON text, with `data_json` (JSON text already) as its
// data: for answers whose documents were printed by the storage driver.
std::string envelope_text(std::string_view data_json, const Notifications& n,
                          const boost::json::object* pagination = nullptr);
boost::json::object make_error_envelope(const ApiError& e, const Notifications& n);

}  // namespace events
