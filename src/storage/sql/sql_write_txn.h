// WriteTxn over one SQL connection that is inside a transaction.
#pragma once

#include "storage/driver.h"
#include "storage/sql/sql_connection.h"

namespace events {

class SqlDriver;

class SqlWriteTxn : public WriteTxn {
public:
    SqlWriteTxn(const SqlDriver& driver, SqlConnection& conn) : driver_(driver), conn_(conn) {}

    std::optional<Document> get(const Entity& e, std::string_view id) override;
    bool exists(const Entity& e, std::string_view id) override;
    void insert(const Entity& e, const Document& doc) override;
    // Multi-row INSERTs, each as large as the dialect's parameter limit allows.
    void insert_many(const Entity& e, const std::vector<Document>& docs) override;
    bool update(const Entity& e, const Document& doc) override;
    bool remove(const Entity& e, std::string_view id) override;
    std::vector<std::string> ids_where(const Entity& e, const Field& field, std::string_view value,
                                       int64_t limit) override;
    int64_t count_where(const Entity& e, const Field& field, std::string_view value) override;
    void clear_where(const Entity& e, const Field& field, std::string_view value) override;

private:
    const SqlDriver& driver_;
    SqlConnection& conn_;
};

}  // namespace events
