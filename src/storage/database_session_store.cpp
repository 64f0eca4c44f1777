#include "storage/database_session_store.h"

#include "tools/sha256.h"

#include <algorithm>
#include <cctype>

namespace events {

namespace json = boost::json;

namespace {

constexpr std::string_view kSchemaText = R"(
_entities:
  EventsLoginSession:
    fields:
      loginEntity: {type: String, required: true}
      userRef: {type: String, required: true}
      roleRef: {type: String, required: false}
      createdMs: {type: Integer, required: true}
      expiresMs: {type: Integer, required: true}
    indexes:
    - [expiresMs]
)";

// The stored id of a session: SHA-256 of the secret, lower-case hex.
std::string stored_id(std::string_view session_id) { return sha256_hex(session_id); }

std::string text_of(const json::value* v) { return v && v->is_string() ? std::string(v->get_string()) : std::string(); }

int64_t number_of(const json::value* v) {
    if (!v) return 0;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
    if (v->is_double()) return static_cast<int64_t>(v->get_double());
    return 0;
}

}  // namespace

DatabaseSessionStore::DatabaseSessionStore(std::string_view backend, const DriverOptions& options)
    : schema_(std::make_unique<Schema>(Schema::load_text(kSchemaText, "session schema"))) {
    entity_ = schema_->find(kEntityName);
    DriverOptions own = options;
    own.pool_size = 4;   // one lookup per request; a few connections suffice
    // case_sensitive stays the server's: a backend records it for the whole database.
    driver_ = make_driver(backend, *schema_, own);
    driver_->open();
}

bool DatabaseSessionStore::holds_sessions(std::string_view storage_name) {
    std::string lower(storage_name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("eventsloginsession") != std::string::npos;
}

DatabaseSessionStore::~DatabaseSessionStore() {
    if (driver_) driver_->close();
}

namespace {

Document document_of(const Session& s) {
    Document doc;
    doc["id"] = stored_id(s.id);
    doc["loginEntity"] = s.entity;
    doc["userRef"] = s.user_id;
    doc["roleRef"] = s.role_id.empty() ? json::value() : json::value(s.role_id);
    doc["createdMs"] = s.created_ms;
    doc["expiresMs"] = s.expires_ms;
    return doc;
}

}  // namespace

void DatabaseSessionStore::put(const Session& s) {
    const Document doc = document_of(s);
    driver_->write(WriteOptions{}, [&](WriteTxn& txn) {
        if (!txn.update(*entity_, doc)) txn.insert(*entity_, doc);
    });
}

bool DatabaseSessionStore::renew(const Session& s) {
    const Document doc = document_of(s);
    bool kept = false;
    driver_->write(WriteOptions{}, [&](WriteTxn& txn) { kept = txn.update(*entity_, doc); });
    return kept;
}

std::optional<Session> DatabaseSessionStore::get(std::string_view id, int64_t now_ms) {
    auto doc = driver_->get(*entity_, stored_id(id));
    if (!doc) return std::nullopt;
    Session s;
    s.id = std::string(id);
    s.entity = text_of(doc->if_contains("loginEntity"));
    s.user_id = text_of(doc->if_contains("userRef"));
    s.role_id = text_of(doc->if_contains("roleRef"));
    s.created_ms = number_of(doc->if_contains("createdMs"));
    s.expires_ms = number_of(doc->if_contains("expiresMs"));
    if (s.expires_ms <= now_ms) return std::nullopt;
    return s;
}

void DatabaseSessionStore::remove(std::string_view id) {
    const std::string key = stored_id(id);
    driver_->write(WriteOptions{}, [&](WriteTxn& txn) { txn.remove(*entity_, key); });
}

int64_t DatabaseSessionStore::purge_expired(int64_t now_ms) {
    const Field* expires = entity_->find_field("expiresMs");
    int64_t removed = 0;
    for (;;) {
        ListQuery q;
        q.filters.push_back(FilterCondition{expires, FilterOp::Lte, json::value(now_ms)});
        q.sort.push_back(SortKey{&entity_->id_field(), false});
        q.limit = 500;
        q.with_total = false;
        ListPage page = driver_->list(*entity_, q);
        if (page.docs.empty()) return removed;
        driver_->write(WriteOptions{}, [&](WriteTxn& txn) {
            for (const Document& d : page.docs)
                if (txn.remove(*entity_, text_of(d.if_contains("id")))) ++removed;
        });
        if (page.docs.size() < 500) return removed;
    }
}

}  // namespace events
