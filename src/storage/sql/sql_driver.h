// A StorageDriver for any SQL backend: the generic half of the SQLite and
// PostgreSQL drivers. Backend differences come from the SqlDialect; connections
// from the SqlPool. See sql_dialect.h for what a new backend has to provide.
#pragma once

#include "storage/driver.h"
#include "storage/pool_stats.h"
#include "storage/sql/sql_builder.h"
#include "storage/sql/sql_connection.h"
#include "storage/sql/sql_dialect.h"

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace events {

class SqlDriver : public StorageDriver {
public:
    SqlDriver(const Schema& schema, const DriverOptions& options, std::unique_ptr<SqlDialect> dialect,
              std::unique_ptr<SqlPool> pool);
    ~SqlDriver() override;

    std::string_view backend_name() const override { return dialect_->name(); }
    Capabilities capabilities() const override;   // converts_field_types: yes
    bool cascades_natively(const Field& fk) const override { return dialect_->cascades_natively(fk); }

    void open() override;
    void open_read_only() override;
    StoredSchemaState stored_schema_state() override;
    void record_schema(const SchemaRecord& record) override;
    // ALTER TABLE ... RENAME COLUMN (the dialect's spelling) when the table still has
    // `from` and not yet `to`.
    void rename_field(const Entity& e, const std::string& from, const std::string& to) override;
    // In one transaction through a staged column of the new type (sql_field_conversion.cpp).
    void convert_field(const Entity& e, const Field& field, const FieldConversion& conversion) override;
    // ALTER TABLE ... DROP COLUMN (with the form column) / DROP TABLE (sql_schema_drops.cpp).
    // ALTER TABLE ... RENAME TO, after the backend's objects named after the old table
    // (SQLite: substring index, triggers) are dropped for open() to make anew.
    void rename_entity(const Entity& recorded, const Entity& renamed, int64_t batch) override;
    void drop_field(const Entity& e, const std::string& field) override;
    void drop_entity(const std::string& name) override;
    void close() override;

    std::optional<Document> get(const Entity& e, std::string_view id) override;
    std::vector<Document> get_many(const Entity& e, const std::vector<std::string>& ids) override;
    ListPage list(const Entity& e, const ListQuery& q) override;
    std::optional<std::string> get_json(const Entity& e, std::string_view id) override;
    ListPageJson list_json(const Entity& e, const ListQuery& q) override;
    void write(const WriteOptions& options, const std::function<void(WriteTxn&)>& work) override;
    // One autocommit INSERT on a pool with concurrent writers; through write() on a
    // single-writer pool, whose writes share grouped commits (write_grouped()). A session
    // lost under the INSERT: done when the id is then found, else inserted again.
    void insert_alone(const WriteOptions& options, const Entity& e, const Document& doc) override;
    void wipe() override;
    boost::json::object entity_counts() override;
    boost::json::object report_details() override;
    bool ping() override;
    // The SqlPool's counts (SqlPool::stats()).
    std::optional<PoolStats> pool_stats() const override { return pool_->stats(); }

    // ---- used by the write transaction and by backend-specific subclasses ------
    const SqlBuilder& builder() const { return builder_; }
    const SqlDialect& dialect() const { return *dialect_; }
    Document decode_row(const Entity& e, const SqlRow& row) const;
    // Appends to_json_text(decode_row(e, row)) without building the Document.
    void append_row_json(const Entity& e, const SqlRow& row, std::string& out) const;
    std::optional<Document> fetch_one(SqlConnection& c, const Entity& e, std::string_view id) const;
    // Runs the by-id SELECT of `e` (at most one row).
    void select_by_id(SqlConnection& c, const Entity& e, std::string_view id, const SqlRowCallback& on_row) const;
    // Throws the driver-contract exception for a failed statement on entity `e`
    // (UniqueViolation, ForeignKeyViolation, StorageUnavailable; others as is).
    [[noreturn]] void raise(const SqlError& err, const Entity* e) const;

protected:
    // Called inside reconciliation for tables whose FK ON DELETE actions differ
    // from the configuration. The default logs a warning; a backend that can
    // change them (by ALTER or by rebuilding the table) overrides this. Runs
    // outside any transaction on the write connection.
    virtual void repair_foreign_keys(SqlConnection& c, const std::vector<const Entity*>& entities);

    // Backend-specific objects kept beside a table (search indexes, row counters):
    // called for every entity inside the reconciliation and wipe transactions, after
    // the table's indexes. The default has none.
    virtual void reconcile_extras(SqlConnection& c, const Entity& e);
    // Called by wipe() before it drops the table of `e`.
    virtual void drop_extras(SqlConnection& c, const Entity& e);
    // Drops `column` of the table of `e` inside the caller's transaction, with what
    // depends on it (indexes; SQLite: the table's triggers, which open() makes again).
    // The default runs SqlDialect::drop_column_sql().
    virtual void drop_column(SqlConnection& c, const Entity& e, const std::string& column);

    int64_t count_all(SqlConnection& c, const Entity& e) const;
    // Runs `work` in one transaction on the write connection (DDL of subclasses, e.g.
    // bulk-load hooks); SqlError becomes the driver-contract exception (raise()).
    void with_write_transaction(const std::function<void(SqlConnection&)>& work);
    // Runs `work` on the write connection outside any transaction (statements that
    // refuse to run in one, such as VACUUM); SqlError as in with_write_transaction().
    void with_write_connection(const std::function<void(SqlConnection&)>& work);

    const Schema& schema_;
    DriverOptions options_;

private:
    struct PendingWrite;
    // One transaction for one work (backends with concurrent writers).
    void write_alone(const std::function<void(WriteTxn&)>& work);
    // Group commit for a single-writer pool: see write().
    void write_grouped(const std::function<void(WriteTxn&)>& work);
    void run_batch(const std::vector<PendingWrite*>& batch);
    ConnectionLease begin_write();

    template <class Work>
    void with_read(const Entity* e, Work&& work);
    // Calls `on_row` for each row of the page of `q` and returns the total (-1 without
    // with_total); `restart` runs before every attempt (a retry starts over).
    int64_t list_rows(const Entity& e, const ListQuery& q, const std::function<void()>& restart,
                      const SqlRowCallback& on_row);
    // One attempt of list_rows() on `c`; with a data version, through page anchors.
    int64_t list_page(SqlConnection& c, const Entity& e, const ListQuery& q, std::optional<int64_t> version,
                      const SqlRowCallback& on_row) const;
    // list_page() without page anchors on a dialect with total_with_page(): the page and
    // its total in one statement (a second one only for an empty page or an unkept count).
    int64_t list_page_with_total(SqlConnection& c, const Entity& e, const ListQuery& q,
                                 const SqlRowCallback& on_row) const;
    // One attempt of list_rows() for a deep id-ordered page on a backend that reports
    // the data version as a column (SqlDialect::data_version_column()).
    int64_t list_page_versioned(SqlConnection& c, const Entity& e, const ListQuery& q,
                                const std::function<void()>& restart, const SqlRowCallback& on_row) const;
    // The total of the list (-1 without q.with_total).
    int64_t list_total(SqlConnection& c, const Entity& e, const ListQuery& q) const;
    // Start-up reconciliation (sql_reconcile.h) in one transaction on `c`, the write
    // connection. Throws ReconcileError, or StorageUnavailable when the backend is lost.
    void reconcile(SqlConnection& c);
    std::vector<std::string> unique_fields_of(const Entity& e, const SqlFailure& f) const;

    std::unique_ptr<SqlDialect> dialect_;
    std::unique_ptr<SqlPool> pool_;
    SqlBuilder builder_;
    // What a read by id of one entity of schema_ needs, made once at construction rather
    // than on every request: the by-id SELECT (its one parameter left out) and, for each
    // column after the id, the `,"name":` that append_row_json() prints before its value.
    struct EntityReads {
        std::string select_by_id_sql;
        std::vector<std::string> json_keys;
    };
    std::unordered_map<const Entity*, EntityReads> reads_;
    bool open_ = false;
    // Some FK column has no FOREIGN KEY constraint (found at open()): the service checks
    // parents itself (Capabilities::native_foreign_keys false).
    bool foreign_key_undeclared_ = false;

    std::mutex writers_mutex_;                 // guards writers_
    std::deque<PendingWrite*> writers_;        // front = the leader running a batch

};

}  // namespace events
