#include "storage/database_session_store.h"

#include "tools/sha256.h"

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

// The store's driver: the server's backend and options (so the same database), with a
// small pool: one lookup per request needs only a few connections. case_sensitive stays
// the server's: a backend records it for the whole database.
SystemEntity::DriverMaker session_driver_maker(std::string_view backend, const DriverOptions& options) {
    DriverOptions own = options;
    own.pool_size = 4;
    return [backend = std::string(backend), own](const Schema& schema) { return make_driver(backend, schema, own); };
}

}  // namespace

DatabaseSessionStore::DatabaseSessionStore(std::string_view backend, const DriverOptions& options)
    : sessions_(kSchemaText, kEntityName, session_driver_maker(backend, options)),
      driver_(&sessions_.driver()),
      entity_(&sessions_.entity()) {}

DatabaseSessionStore::~DatabaseSessionStore() = default;

bool DatabaseSessionStore::holds_sessions(std::string_view storage_name) {
    return SystemEntity::stores(storage_name, kEntityName);
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
    s.entity = text_field(*doc, "loginEntity");
    s.user_id = text_field(*doc, "userRef");
    s.role_id = text_field(*doc, "roleRef");
    s.created_ms = integer_field(*doc, "createdMs");
    s.expires_ms = integer_field(*doc, "expiresMs");
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
                if (txn.remove(*entity_, text_field(d, "id"))) ++removed;
        });
        if (page.docs.size() < 500) return removed;
    }
}

}  // namespace events
