// The WriteTxn of the MongoDB driver: every operation on one pooled client, inside the
// client session's multi-document transaction when the server has transactions (then
// all of a work commits or none), as single-document atomic steps otherwise.
#pragma once

#include "storage/driver.h"
#include "storage/mongodb/mongo_handles.h"

namespace events {

class MongoDriver;

class MongoWriteTxn : public WriteTxn {
public:
    // `session` may be null (no transaction).
    MongoWriteTxn(const MongoDriver& driver, mongoc_client_t* client, mongoc_client_session_t* session)
        : driver_(driver), client_(client), session_(session) {}

    std::optional<Document> get(const Entity& e, std::string_view id) override;
    bool exists(const Entity& e, std::string_view id) override;
    void insert(const Entity& e, const Document& doc) override;
    void insert_many(const Entity& e, const std::vector<Document>& docs) override;
    bool update(const Entity& e, const Document& doc) override;
    bool remove(const Entity& e, std::string_view id) override;
    std::vector<std::string> ids_where(const Entity& e, const Field& field, std::string_view value,
                                       int64_t limit) override;
    int64_t count_where(const Entity& e, const Field& field, std::string_view value) override;
    void clear_where(const Entity& e, const Field& field, std::string_view value) override;

private:
    // Options of one operation: the session, when there is one.
    void append_session(bson_t* opts) const;
    // Throws UniqueViolation for a write refused over a unique key, else as mongo::raise.
    [[noreturn]] void raise_write(const bson_error_t& err, const Entity& e, const Document* doc, bool is_insert,
                                  const std::string& what) const;

    const MongoDriver& driver_;
    mongoc_client_t* client_;
    mongoc_client_session_t* session_;
};

}  // namespace events
