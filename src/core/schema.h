// The runtime schema: entities and fields read from a schema.yaml (docs/SCHEMA.md).
//
// A Schema is immutable after loading and is shared by every request, so all
// pointers it hands out (Entity*, Field*) stay valid for the life of the Schema.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace re2 { class RE2; }

namespace events {

enum class FieldType { String, Integer, Number, Currency, Boolean, Date, Datetime, ObjectId, Json, StringArray };

// Schema spelling of a type ("Array[String]" for StringArray).
std::string_view type_name(FieldType t);

struct Entity;

struct Field {
    std::string name;        // schema spelling, e.g. "accountId"
    std::string lower;       // lower-cased name, for case-insensitive lookup
    FieldType type = FieldType::String;
    bool required = false;
    std::optional<int64_t> min_length, max_length;   // String only, in characters
    std::optional<double> ge, le;                    // Integer / Number / Currency
    std::string pattern;                             // resolved regex ("" when none)
    std::string pattern_message;                     // schema's message ("" when none)
    std::shared_ptr<const re2::RE2> regex;           // compiled `pattern` (search semantics)
    std::vector<std::string> enum_values;            // exact, case-sensitive
    std::string enum_message;
    std::optional<boost::json::value> default_value; // canonical form (see value_format.h)
    bool auto_generate = false;                      // e.g. createdAt: filled on create when absent
    bool auto_update = false;                        // e.g. updatedAt: filled on every write when absent
    boost::json::object metadata;                    // definition as shown by /api/metadata
    const Entity* fk_target = nullptr;               // ObjectId field "<entity>Id" -> that entity
    // Stored as an Argon2id hash, never returned, filtered or sorted: `secret: true`, or the
    // password input of an authn service (docs/DECISIONS.md §6.4).
    bool secret = false;
    std::string renamed_from;                        // the field's former name ("" when none):
                                                     // its data is carried over (docs/DECISIONS.md §5.3)

    bool is_id() const { return name == "id"; }
    bool is_enum() const { return !enum_values.empty(); }
    bool is_fk() const { return fk_target != nullptr; }
    // Substring / case-insensitive matching applies to plain strings (not enums, not ids).
    bool is_text() const { return type == FieldType::String && enum_values.empty(); }
    // "account" for "accountId": the key used for FK expansion in responses.
    std::string fk_view_name() const;
};

// A field of another entity that references this entity (child side of a relationship).
struct Reference {
    const Entity* entity;   // the child entity, e.g. User
    const Field* field;     // its FK field, e.g. User.accountId
};

struct Entity {
    std::string name;    // schema spelling, e.g. "TagAffinity"
    std::string lower;   // route segment, e.g. "tagaffinity"
    // Fields in schema order; the implicit `id` field is always the LAST element.
    std::vector<Field> fields;
    std::vector<std::vector<const Field*>> uniques;   // each inner list is one constraint
    std::vector<std::vector<const Field*>> indexes;   // declared non-unique indexes
    std::vector<const Field*> foreign_keys;           // fields with fk_target set
    std::vector<Reference> referenced_by;             // FKs of other entities pointing here
    std::string operations = "crud";                  // subset of "crud"
    boost::json::object ui;
    boost::json::object services;
    std::string renamed_from;   // the entity's former name ("" when none; docs/DECISIONS.md §5.3)

    const Field* find_field(std::string_view name_case_insensitive) const;
    const Field& id_field() const { return fields.back(); }
    bool allows(char op) const { return operations.find(op) != std::string::npos; }
};

// A login entity: `services: {authn: {route, inputs: {login, password}, outputs,
// delegates: [{authz: Role}]}}` (docs/DECISIONS.md §6.1, reference §2.11).
struct AuthnService {
    const Entity* entity = nullptr;      // the login entity, e.g. Auth
    std::string route;                   // "login": POST /api/login; lower case, '/'-separated
    const Field* login = nullptr;        // a String field unique on its own, e.g. Auth.name
    const Field* password = nullptr;     // a String field, secret
    std::vector<const Field*> outputs;   // fields a session carries (informational)
    const Entity* authz = nullptr;       // the delegated role entity; null: any login may do everything
    const Field* role = nullptr;         // the login entity's FK to `authz`, e.g. Auth.roleId
};

// A role entity: `services: {authz: {provider: rbac}}`; its `permissions` field maps an
// entity name or "*" to letters of "cruds" (docs/DECISIONS.md §6.1, reference §13.2).
struct AuthzService {
    const Entity* entity = nullptr;      // e.g. Role
    const Field* permissions = nullptr;  // JSON object or JSON text
};

struct SchemaError : std::runtime_error {
    std::vector<std::string> problems;   // one line each, naming entity and field
    explicit SchemaError(std::vector<std::string> p);
};

class Schema {
public:
    // Both throw SchemaError listing every problem found (not just the first).
    static Schema load_file(const std::string& path);
    static Schema load_text(std::string_view yaml_text, std::string_view source_name = "schema");
    // The sample schema compiled into the binary (schemas/events.yaml).
    static Schema load_bundled();
    static std::string_view bundled_text();

    Schema(Schema&&) noexcept;
    Schema& operator=(Schema&&) noexcept;
    ~Schema();

    // Served (non-abstract) entities in schema order; pointers are stable.
    const std::vector<std::unique_ptr<Entity>>& entities() const { return entities_; }
    const Entity* find(std::string_view name_case_insensitive) const;
    // Entities ordered so that every parent comes before its children (export/import, reconcile).
    std::vector<const Entity*> parents_first() const;
    // The `entities` object of /api/metadata (docs/API.md "Routes", plus `operations`).
    boost::json::object metadata_entities() const;
    // The login entities in schema order; empty: no authentication, nothing is gated
    // (docs/DECISIONS.md §6.1).
    const std::vector<AuthnService>& authn_services() const { return authn_; }
    const AuthnService* authn_for_route(std::string_view route) const;
    const std::vector<AuthzService>& authz_services() const { return authz_; }

private:
    Schema() = default;
    std::vector<std::unique_ptr<Entity>> entities_;
    std::vector<AuthnService> authn_;
    std::vector<AuthzService> authz_;
};

}  // namespace events
