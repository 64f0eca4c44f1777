#include "storage/cascade_intent_store.h"

namespace events {

namespace json = boost::json;

namespace {

constexpr std::string_view kSchemaText = R"(
_entities:
  EventsCascadeIntent:
    fields:
      entityName: {type: String, required: true}
      entityRef: {type: String, required: true}
      owner: {type: String, required: true}
      sinceMs: {type: Integer, required: true}
      heartbeatMs: {type: Integer, required: true}
)";

CascadeIntent intent_of(const Document& d) {
    CascadeIntent i;
    i.key = text_field(d, "id");
    i.entity = text_field(d, "entityName");
    i.entity_id = text_field(d, "entityRef");
    i.owner = text_field(d, "owner");
    i.since_ms = integer_field(d, "sinceMs");
    i.heartbeat_ms = integer_field(d, "heartbeatMs");
    return i;
}

Document document_of(const CascadeIntent& i) {
    Document d;
    d["id"] = i.key;
    d["entityName"] = i.entity;
    d["entityRef"] = i.entity_id;
    d["owner"] = i.owner;
    d["sinceMs"] = i.since_ms;
    d["heartbeatMs"] = i.heartbeat_ms;
    return d;
}

// The records' writes do not wait until a search finds them (Elasticsearch's refresh,
// docs/API.md "Reads"): a DELETE should not wait twice for it. A record is read by its id
// (exact at once) before it is taken over, and a list of them (the report, the completion
// pass) sees a write within the refresh interval, long before any lease runs out.
constexpr WriteOptions kRecordWrites{.no_consistency = true};

}  // namespace

CascadeIntentStore::CascadeIntentStore(const DriverMaker& make)
    : records_(kSchemaText, kEntityName, make), driver_(&records_.driver()), entity_(&records_.entity()) {}

bool CascadeIntentStore::holds_intents(std::string_view storage_name) {
    return SystemEntity::stores(storage_name, kEntityName);
}

void CascadeIntentStore::record(const CascadeIntent& intent) {
    const Document doc = document_of(intent);
    driver_->write(kRecordWrites, [&](WriteTxn& txn) { txn.insert(*entity_, doc); });
}

void CascadeIntentStore::remove(std::string_view key) {
    driver_->write(kRecordWrites, [&](WriteTxn& txn) { txn.remove(*entity_, key); });
}

bool CascadeIntentStore::renew(std::string_view key, std::string_view owner, int64_t now_ms) {
    bool renewed = false;
    driver_->write(kRecordWrites, [&](WriteTxn& txn) {
        renewed = false;
        auto stored = txn.get(*entity_, key);
        if (!stored || text_field(*stored, "owner") != owner) return;
        (*stored)["heartbeatMs"] = now_ms;
        renewed = txn.update(*entity_, *stored);
    });
    return renewed;
}

bool CascadeIntentStore::take_over(const CascadeIntent& seen, std::string_view owner, int64_t now_ms) {
    bool taken = false;
    try {
        driver_->write(kRecordWrites, [&](WriteTxn& txn) {
            taken = false;
            // The update lands on the version read or not at all (WriteConflict).
            txn.keep_versions_read();
            auto stored = txn.get(*entity_, seen.key);
            if (!stored) return;
            const CascadeIntent now = intent_of(*stored);
            if (now.owner != seen.owner || now.heartbeat_ms != seen.heartbeat_ms) return;
            (*stored)["owner"] = std::string(owner);
            (*stored)["heartbeatMs"] = now_ms;
            taken = txn.update(*entity_, *stored);
        });
    } catch (const WriteConflict&) {
        return false;   // another process wrote the record first
    }
    return taken;
}

std::vector<CascadeIntent> CascadeIntentStore::all(int64_t limit) {
    ListQuery q;
    q.sort.push_back(SortKey{entity_->find_field("sinceMs"), false});
    q.sort.push_back(SortKey{&entity_->id_field(), false});
    q.limit = limit;
    q.with_total = false;
    std::vector<CascadeIntent> out;
    for (const Document& d : driver_->list(*entity_, q).docs) out.push_back(intent_of(d));
    return out;
}

}  // namespace events
