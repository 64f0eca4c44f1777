// Decorators of the driver contract (storage/driver.h) for unit tests: every call goes to
// an inner driver or write, so a test driver overrides only the calls it watches or
// changes (counting removals, cutting a cascade short, making each operation its own
// write) and stays right when the contract grows.
#pragma once

#include "storage/driver.h"

namespace events::testing_support {

// A WriteTxn passing every operation to `inner`, which must outlive it.
class ForwardingTxn : public WriteTxn {
public:
    explicit ForwardingTxn(WriteTxn& inner) : inner_(inner) {}
    std::optional<Document> get(const Entity& e, std::string_view id) override { return inner_.get(e, id); }
    void keep_versions_read() override { inner_.keep_versions_read(); }
    bool exists(const Entity& e, std::string_view id) override { return inner_.exists(e, id); }
    void insert(const Entity& e, const Document& doc) override { inner_.insert(e, doc); }
    void insert_many(const Entity& e, const std::vector<Document>& docs) override { inner_.insert_many(e, docs); }
    bool update(const Entity& e, const Document& doc) override { return inner_.update(e, doc); }
    bool remove(const Entity& e, std::string_view id) override { return inner_.remove(e, id); }
    std::vector<std::string> ids_where(const Entity& e, const Field& f, std::string_view v, int64_t limit) override {
        return inner_.ids_where(e, f, v, limit);
    }
    int64_t count_where(const Entity& e, const Field& f, std::string_view v) override {
        return inner_.count_where(e, f, v);
    }
    void clear_where(const Entity& e, const Field& f, std::string_view v) override { inner_.clear_where(e, f, v); }

private:
    WriteTxn& inner_;
};

// A StorageDriver passing every call to `inner`, which must outlive it.
class ForwardingDriver : public StorageDriver {
public:
    explicit ForwardingDriver(StorageDriver& inner) : inner_(inner) {}
    std::string_view backend_name() const override { return inner_.backend_name(); }
    Capabilities capabilities() const override { return inner_.capabilities(); }
    bool cascades_natively(const Field& fk) const override { return inner_.cascades_natively(fk); }
    void open() override { inner_.open(); }
    void open_read_only() override { inner_.open_read_only(); }
    StoredSchemaState stored_schema_state() override { return inner_.stored_schema_state(); }
    void record_schema(const SchemaRecord& record) override { inner_.record_schema(record); }
    void rename_field(const Entity& e, const std::string& from, const std::string& to) override {
        inner_.rename_field(e, from, to);
    }
    void rename_entity(const Entity& recorded, const Entity& renamed, int64_t batch) override {
        inner_.rename_entity(recorded, renamed, batch);
    }
    void convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) override {
        inner_.convert_field(e, field, conversion);
    }
    void drop_field(const Entity& e, const std::string& field) override { inner_.drop_field(e, field); }
    void drop_entity(const std::string& name) override { inner_.drop_entity(name); }
    int64_t backup_to(const std::string& path) override { return inner_.backup_to(path); }
    void close() override { inner_.close(); }
    std::optional<Document> get(const Entity& e, std::string_view id) override { return inner_.get(e, id); }
    std::vector<Document> get_many(const Entity& e, const std::vector<std::string>& ids) override {
        return inner_.get_many(e, ids);
    }
    ListPage list(const Entity& e, const ListQuery& q) override { return inner_.list(e, q); }
    std::optional<std::string> get_json(const Entity& e, std::string_view id) override {
        return inner_.get_json(e, id);
    }
    ListPageJson list_json(const Entity& e, const ListQuery& q) override { return inner_.list_json(e, q); }
    void write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) override {
        inner_.write(options, work);
    }
    void insert_alone(const WriteOptions& options, const Entity& e, const Document& doc) override {
        inner_.insert_alone(options, e, doc);
    }
    void begin_bulk_load() override { inner_.begin_bulk_load(); }
    void end_bulk_load() override { inner_.end_bulk_load(); }
    void wipe() override { inner_.wipe(); }
    boost::json::object entity_counts() override { return inner_.entity_counts(); }
    boost::json::object report_details() override { return inner_.report_details(); }
    bool ping() override { return inner_.ping(); }
    std::optional<PoolStats> pool_stats() const override { return inner_.pool_stats(); }

protected:
    StorageDriver& inner() { return inner_; }

private:
    StorageDriver& inner_;
};

}  // namespace events::testing_support
