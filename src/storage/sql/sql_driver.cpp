#include "storage/sql/sql_driver.h"

#include "storage/report_format.h"

#include "storage/sql/comparison_columns.h"
#include "storage/sql/sql_reconcile.h"
#include "storage/sql/meta_table.h"
#include "storage/sql/sql_write_txn.h"
#include "tools/json_text.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <set>

namespace events {

namespace {

constexpr size_t kIdsPerQuery = 500;      // keeps IN (...) lists far below parameter limits
// From this offset on, id-ordered pages are located through page anchors when the
// backend can tell data versions apart (page_anchors.h); shallower pages are cheap.
constexpr int64_t kAnchoredOffset = 500;

// `q` from the anchor on: rows with id at or past it, fewer skipped.
ListQuery from_anchor(const Entity& e, const ListQuery& q, const PageAnchors::Anchor& anchor) {
    ListQuery from = q;
    const bool descending = !q.sort.empty() && q.sort.front().descending;
    from.filters.push_back({&e.id_field(), descending ? FilterOp::Lte : FilterOp::Gte, boost::json::value(anchor.id)});
    from.offset = q.offset - anchor.offset;
    return from;
}

}  // namespace

SqlDriver::SqlDriver(const Schema& schema, const DriverOptions& options, std::unique_ptr<SqlDialect> dialect,
                     std::unique_ptr<SqlPool> pool)
    : schema_(schema),
      options_(options),
      dialect_(std::move(dialect)),
      pool_(std::move(pool)),
      builder_(*dialect_, options.case_sensitive, options.cascade_delete) {
    for (const auto& e : schema_.entities()) {
        EntityReads& r = reads_[e.get()];
        r.select_by_id_sql = builder_.select_by_id(*e, "").sql;
        for (const Field& f : e->fields) {
            if (f.is_id()) continue;
            std::string key = ",";
            append_json_string(key, f.name);
            key += ':';
            r.json_keys.push_back(std::move(key));
        }
    }
}

SqlDriver::~SqlDriver() {
    try {
        close();
    } catch (...) {
    }
}

Capabilities SqlDriver::capabilities() const {
    Capabilities c;
    c.native_uniques = true;
    c.native_cascades = true;
    c.native_foreign_keys = !foreign_key_undeclared_;
    c.converts_field_types = true;
    return c;
}

// ---- errors ---------------------------------------------------------------------

std::vector<std::string> SqlDriver::unique_fields_of(const Entity& e, const SqlFailure& f) const {
    if (f.primary_key) return {"id"};
    if (!f.index_name.empty()) {
        for (const IndexSpec& ix : builder_.indexes(e)) {
            if (ix.kind != IndexSpec::Kind::Unique || ix.name != f.index_name) continue;
            std::vector<std::string> names;
            for (const Field* x : ix.fields) names.push_back(x->name);
            return names;
        }
    }
    std::vector<std::string> cols = f.columns;
    if (cols.size() == 1 && cols[0] == "id") return cols;
    // A unique index keys on form columns: name their fields.
    for (std::string& col : cols)
        if (const Field* owner = field_of_form_column(e, col, dialect_->max_identifier_length())) col = owner->name;
    // Match the reported column set against the declared constraints.
    const std::set<std::string> reported(cols.begin(), cols.end());
    for (const auto& u : e.uniques) {
        std::set<std::string> names;
        for (const Field* x : u) names.insert(x->name);
        if (names == reported) {
            std::vector<std::string> declared;
            for (const Field* x : u) declared.push_back(x->name);
            return declared;
        }
    }
    return cols;
}

void SqlDriver::raise(const SqlError& err, const Entity* e) const {
    const SqlFailure f = dialect_->classify(err);
    switch (f.kind) {
        case SqlFailure::Kind::Unique:
            throw UniqueViolation(e, e ? unique_fields_of(*e, f) : f.columns);
        case SqlFailure::Kind::ForeignKey:
            throw ForeignKeyViolation(err.what());
        case SqlFailure::Kind::ConnectionLost:
        case SqlFailure::Kind::Busy:
            throw StorageUnavailable(err.what());
        case SqlFailure::Kind::ValueTooLarge:
            // The last line of defence behind core/input_limits.h: the engine's text stays in the log.
            throw InvalidValue("", "A value is too long for the database to index");
        default:
            throw err;
    }
}

// ---- reads ----------------------------------------------------------------------

Document SqlDriver::decode_row(const Entity& e, const SqlRow& row) const {
    Document doc;
    doc.reserve(e.fields.size());
    doc["id"] = row.is_null(0) ? boost::json::value() : boost::json::value(row.get_text(0));
    int col = 1;
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        doc[f.name] = dialect_->decode(f, row, col++);
    }
    return doc;
}

void SqlDriver::select_by_id(SqlConnection& c, const Entity& e, std::string_view id,
                             const SqlRowCallback& on_row) const {
    if (const auto it = reads_.find(&e); it != reads_.end()) {
        c.query(it->second.select_by_id_sql, {SqlParam(std::string(id))}, on_row);
        return;
    }
    const SqlStatement st = builder_.select_by_id(e, id);   // an entity of another schema (tests)
    c.query(st.sql, st.params, on_row);
}

std::optional<Document> SqlDriver::fetch_one(SqlConnection& c, const Entity& e, std::string_view id) const {
    std::optional<Document> out;
    select_by_id(c, e, id, [&](const SqlRow& row) { out = decode_row(e, row); });
    return out;
}

template <class Work>
void SqlDriver::with_read(const Entity* e, Work&& work) {
    // One retry on a fresh connection when the backend dropped the old one.
    for (int attempt = 0;; ++attempt) {
        try {
            ConnectionLease lease = pool_->lease_read();
            work(*lease);
            return;
        } catch (const SqlError& err) {
            if (attempt == 0 && dialect_->classify(err).kind == SqlFailure::Kind::ConnectionLost) continue;
            raise(err, e);
        }
    }
}

std::optional<Document> SqlDriver::get(const Entity& e, std::string_view id) {
    std::optional<Document> out;
    with_read(&e, [&](SqlConnection& c) { out = fetch_one(c, e, id); });
    return out;
}

std::vector<Document> SqlDriver::get_many(const Entity& e, const std::vector<std::string>& ids) {
    std::vector<Document> out;
    if (ids.empty()) return out;
    with_read(&e, [&](SqlConnection& c) {
        out.clear();
        for (size_t start = 0; start < ids.size(); start += kIdsPerQuery) {
            const size_t end = std::min(ids.size(), start + kIdsPerQuery);
            const std::vector<std::string> chunk(ids.begin() + start, ids.begin() + end);
            const SqlStatement st = builder_.select_by_ids(e, chunk);
            c.query(st.sql, st.params, [&](const SqlRow& row) { out.push_back(decode_row(e, row)); });
        }
    });
    return out;
}

ListPage SqlDriver::list(const Entity& e, const ListQuery& q) {
    ListPage page;
    page.total = list_rows(
        e, q, [&] { page.docs.clear(); }, [&](const SqlRow& row) { page.docs.push_back(decode_row(e, row)); });
    return page;
}

ListPageJson SqlDriver::list_json(const Entity& e, const ListQuery& q) {
    ListPageJson page;
    page.total = list_rows(
        e, q,
        [&] {
            page.docs = "[";
            page.count = 0;
        },
        [&](const SqlRow& row) {
            if (page.count++) page.docs += ',';
            append_row_json(e, row, page.docs);
        });
    page.docs += ']';
    return page;
}

std::optional<std::string> SqlDriver::get_json(const Entity& e, std::string_view id) {
    std::optional<std::string> out;
    with_read(&e, [&](SqlConnection& c) {
        out.reset();
        select_by_id(c, e, id, [&](const SqlRow& row) {
            out.emplace();
            out->reserve(1024);   // most documents fit: one allocation instead of a doubling series
            append_row_json(e, row, *out);
        });
    });
    return out;
}

void SqlDriver::append_row_json(const Entity& e, const SqlRow& row, std::string& out) const {
    // The same keys, order and values as decode_row(), printed as to_json_text() would.
    out += "{\"id\":";
    if (row.is_null(0)) out += "null";
    else append_json_string(out, row.get_text(0));
    const auto it = reads_.find(&e);
    const std::vector<std::string>* keys = it != reads_.end() ? &it->second.json_keys : nullptr;
    int col = 1;
    for (const Field& f : e.fields) {
        if (f.is_id()) continue;
        if (keys) {
            out += (*keys)[col - 1];
        } else {
            out += ',';
            append_json_string(out, f.name);
            out += ':';
        }
        dialect_->append_json(f, row, col++, out);
    }
    out += '}';
}

int64_t SqlDriver::list_rows(const Entity& e, const ListQuery& q, const std::function<void()>& restart,
                             const SqlRowCallback& on_row) {
    int64_t total = -1;
    with_read(&e, [&](SqlConnection& c) {
        restart();
        c.plan_once(builder_.plan_fits_any_values(q));
        if (q.offset >= kAnchoredOffset && SqlBuilder::id_ordered(q) && !dialect_->data_version_column().empty())
            total = list_page_versioned(c, e, q, restart, on_row);
        else if (q.offset >= kAnchoredOffset && SqlBuilder::id_ordered(q))
            c.read_snapshot([&](std::optional<int64_t> version) { total = list_page(c, e, q, version, on_row); });
        else
            total = list_page(c, e, q, std::nullopt, on_row);
    });
    return total;
}

int64_t SqlDriver::list_page(SqlConnection& c, const Entity& e, const ListQuery& q, std::optional<int64_t> version,
                             const SqlRowCallback& on_row) const {
    std::string shape;
    std::optional<PageAnchors::Anchor> anchor;
    if (version) {
        shape = builder_.list_shape(e, q);
        anchor = c.page_anchors().find(*version, shape, q.offset);
    }
    if (!version && q.with_total && dialect_->total_with_page()) return list_page_with_total(c, e, q, on_row);
    SqlStatement st;
    if (anchor) {
        st = builder_.list(e, from_anchor(e, q, *anchor));
    } else {
        st = builder_.list(e, q);
    }
    std::optional<std::string> first_id;
    c.query(st.sql, st.params, [&](const SqlRow& row) {
        if (!first_id && !row.is_null(0)) first_id.emplace(row.get_text(0));
        on_row(row);
    });
    if (version && first_id) c.page_anchors().remember(*version, shape, q.offset, std::move(*first_id));
    return list_total(c, e, q);
}

int64_t SqlDriver::list_page_with_total(SqlConnection& c, const Entity& e, const ListQuery& q,
                                       const SqlRowCallback& on_row) const {
    const SqlStatement st = builder_.list_with_total(e, q);
    bool any_row = false;
    int64_t total = -1;
    c.query(st.sql, st.params, [&](const SqlRow& row) {
        if (!any_row) {
            const int last = row.column_count() - 1;
            if (!row.is_null(last)) total = row.get_int64(last);
            any_row = true;
        }
        on_row(row);
    });
    if (!any_row) return list_total(c, e, q);   // an empty page carries no total
    if (total < 0) {                             // no kept count for this table (yet)
        const SqlStatement scan = builder_.count_scan(e, q);
        c.query(scan.sql, scan.params, [&](const SqlRow& row) { total = row.get_int64(0); });
    }
    return total;
}

int64_t SqlDriver::list_page_versioned(SqlConnection& c, const Entity& e, const ListQuery& q,
                                       const std::function<void()>& restart, const SqlRowCallback& on_row) const {
    const std::string version_column = dialect_->data_version_column();
    const std::string shape = builder_.list_shape(e, q);
    const std::optional<int64_t> kept = c.page_anchors().version();
    std::optional<PageAnchors::Anchor> anchor;
    if (kept) anchor = c.page_anchors().find(*kept, shape, q.offset);
    // Optimistic: the anchored page is valid only when its own snapshot has the version
    // the anchor was found in; the version comes with the rows (last column), so the
    // rows are passed on only after the first one proved it.
    if (anchor) {
        const SqlStatement st = builder_.list(e, from_anchor(e, q, *anchor), version_column);
        bool checked = false, valid = false;
        std::optional<std::string> first_id;
        c.query(st.sql, st.params, [&](const SqlRow& row) {
            if (!checked) {
                const int last = row.column_count() - 1;
                valid = !row.is_null(last) && row.get_int64(last) == *kept;
                checked = true;
                if (valid && !row.is_null(0)) first_id.emplace(row.get_text(0));
            }
            if (valid) on_row(row);
        });
        if (valid) {
            // A nearer anchor found on the way (the anchor was for a shallower offset): the
            // next request for this offset starts right at it.
            if (first_id && anchor->offset != q.offset)
                c.page_anchors().remember(*kept, shape, q.offset, std::move(*first_id));
            return list_total(c, e, q);
        }
        restart();   // written since (or an empty page that proves nothing): the plain page
    }
    const SqlStatement st = builder_.list(e, q, version_column);
    std::optional<int64_t> version;
    std::optional<std::string> first_id;
    c.query(st.sql, st.params, [&](const SqlRow& row) {
        if (!first_id) {
            const int last = row.column_count() - 1;
            if (!row.is_null(last)) version = row.get_int64(last);
            if (!row.is_null(0)) first_id.emplace(row.get_text(0));
        }
        on_row(row);
    });
    if (version && first_id) c.page_anchors().remember(*version, shape, q.offset, std::move(*first_id));
    return list_total(c, e, q);
}

int64_t SqlDriver::list_total(SqlConnection& c, const Entity& e, const ListQuery& q) const {
    if (!q.with_total) return -1;
    int64_t total = -1;
    const SqlStatement ct = builder_.count(e, q);
    c.query(ct.sql, ct.params, [&](const SqlRow& row) { total = row.get_int64(0); });
    if (total < 0) {   // no kept count for this table (yet): count the rows
        const SqlStatement scan = builder_.count_scan(e, q);
        c.query(scan.sql, scan.params, [&](const SqlRow& row) { total = row.get_int64(0); });
    }
    return total;
}

int64_t SqlDriver::count_all(SqlConnection& c, const Entity& e) const {
    const SqlStatement st = builder_.count_all(e);
    int64_t n = 0;
    c.query(st.sql, st.params, [&](const SqlRow& row) { n = row.get_int64(0); });
    return n;
}

boost::json::object SqlDriver::entity_counts() {
    boost::json::object out;
    with_read(nullptr, [&](SqlConnection& c) {
        out.clear();
        for (const auto& e : schema_.entities()) out[e->name] = count_all(c, *e);
    });
    return out;
}

boost::json::object SqlDriver::report_details() {
    boost::json::object details;
    with_read(nullptr, [&](SqlConnection& c) {
        details.clear();
        for (const auto& e : schema_.entities()) {
            const int64_t n = count_all(c, *e);
            boost::json::array indexes;
            for (const std::string& name : query_names(c, dialect_->list_indexes_sql(), e->name))
                indexes.emplace_back(name);
            details[e->name] = report_entity(n, std::move(indexes));
        }
    });
    boost::json::object out;
    out["db_info"] = pool_->db_info();
    out["collections"] = report_collections(std::move(details));
    return out;
}

bool SqlDriver::ping() {
    try {
        // Through with_read: a pooled session that died since its last use is
        // replaced, so health reports the database, not one stale connection.
        bool answered = false;
        with_read(nullptr, [&](SqlConnection& c) { c.query("SELECT 1", {}, [&](const SqlRow&) { answered = true; }); });
        return answered;
    } catch (...) {
        return false;
    }
}

// ---- writes ---------------------------------------------------------------------

namespace {
constexpr size_t kMaxGroupedWrites = 64;   // works per group-commit transaction
}  // namespace

// A write waiting in the group-commit queue; lives on its caller's stack.
struct SqlDriver::PendingWrite {
    const std::function<void(WriteTxn&)>* work;
    std::exception_ptr error;   // the work's own failure, or the batch's commit failure
    bool done = false;
    std::condition_variable cv;
};

// SQL backends are always consistent: WriteOptions::no_consistency changes nothing here.
void SqlDriver::write(const WriteOptions&, const std::function<void(WriteTxn&)>& work) {
    if (pool_->single_writer())
        write_grouped(work);
    else
        write_alone(work);
}

void SqlDriver::insert_alone(const WriteOptions& options, const Entity& e, const Document& doc) {
    if (pool_->single_writer()) return StorageDriver::insert_alone(options, e, doc);
    const SqlStatement st = builder_.insert(e, doc);
    try {
        ConnectionLease lease = pool_->lease_write();
        lease->execute(st.sql, st.params);
        return;
    } catch (const SqlError& err) {
        if (dialect_->classify(err).kind != SqlFailure::Kind::ConnectionLost) raise(err, &e);
    }
    // The session died under the statement (a terminated backend, a restart that the pool
    // had not seen yet). The INSERT, its own transaction, may have committed before the
    // loss: its id tells (a server-made ULID, or the client's own id). Found: done. Not
    // found: it did not commit, and it runs again as write() does (BEGIN retried once on a
    // fresh connection); a server still down is a 503 there.
    const boost::json::value* id = doc.if_contains("id");
    if (id && id->is_string() && get(e, id->get_string())) return;
    write(options, [&](WriteTxn& txn) { txn.insert(e, doc); });
}

ConnectionLease SqlDriver::begin_write() {
    ConnectionLease lease = pool_->lease_write();
    // A pooled connection may have died while idle (server restart, terminated
    // session). Nothing has run yet when BEGIN fails, so that is retried once on
    // a fresh connection; a loss later in the transaction is not (503).
    for (int attempt = 0;; ++attempt) {
        try {
            lease->exec(dialect_->begin_write_sql());
            return lease;
        } catch (const SqlError& err) {
            if (attempt == 0 && dialect_->classify(err).kind == SqlFailure::Kind::ConnectionLost) {
                lease.reset();
                lease = pool_->lease_write();
                continue;
            }
            raise(err, nullptr);
        }
    }
}

void SqlDriver::write_alone(const std::function<void(WriteTxn&)>& work) {
    with_write_transaction([&](SqlConnection& c) {
        SqlWriteTxn txn(*this, c);
        work(txn);
    });
}

// LevelDB-style group commit. Writers queue up; the one at the front (the
// leader) runs the works queued behind it, each inside its own SAVEPOINT, in ONE
// transaction with one COMMIT, then hands each follower its own outcome. With a
// single write connection this turns N commits (and N lock hand-overs) into one,
// while every work stays atomic on its own: a failing work is rolled back to its
// savepoint and only its caller sees the exception.
void SqlDriver::write_grouped(const std::function<void(WriteTxn&)>& work) {
    PendingWrite self;
    self.work = &work;
    std::unique_lock lock(writers_mutex_);
    writers_.push_back(&self);
    while (!self.done && writers_.front() != &self) self.cv.wait(lock);
    if (self.done) {
        if (self.error) std::rethrow_exception(self.error);
        return;
    }
    std::vector<PendingWrite*> batch;
    for (PendingWrite* w : writers_) {
        if (batch.size() == kMaxGroupedWrites) break;
        batch.push_back(w);
    }
    lock.unlock();
    run_batch(batch);
    lock.lock();
    for (PendingWrite* w : batch) {
        writers_.pop_front();   // the batch is the front of the queue: only the leader pops
        if (w != &self) {
            w->done = true;
            w->cv.notify_one();
        }
    }
    if (!writers_.empty()) writers_.front()->cv.notify_one();   // the next leader
    lock.unlock();
    if (self.error) std::rethrow_exception(self.error);
}

void SqlDriver::run_batch(const std::vector<PendingWrite*>& batch) {
    ConnectionLease lease;
    try {
        lease = begin_write();
    } catch (...) {
        for (PendingWrite* w : batch) w->error = std::current_exception();
        return;
    }
    SqlConnection& c = *lease;
    SqlWriteTxn txn(*this, c);
    const bool alone = batch.size() == 1;
    try {
        for (PendingWrite* w : batch) {
            if (alone) {   // no savepoint needed: the transaction is the work's own
                try {
                    (*w->work)(txn);
                } catch (...) {
                    w->error = std::current_exception();
                }
                continue;
            }
            c.execute("SAVEPOINT grouped_write", {});
            try {
                (*w->work)(txn);
            } catch (...) {
                w->error = std::current_exception();
            }
            // Outside the work's try: a savepoint that cannot be rolled back or released
            // (the backend ended the transaction) fails the whole batch below.
            if (w->error) c.execute("ROLLBACK TO grouped_write", {});
            c.execute("RELEASE grouped_write", {});
        }
        if (alone && batch.front()->error) {
            c.exec("ROLLBACK");
            return;
        }
        c.exec("COMMIT");
    } catch (...) {
        std::exception_ptr failure = std::current_exception();
        try {
            std::rethrow_exception(failure);
        } catch (const SqlError& err) {
            try {
                raise(err, nullptr);
            } catch (...) {
                failure = std::current_exception();
            }
        } catch (...) {
        }
        rollback_quietly(c);
        // Nothing of the batch was committed: the works that had succeeded fail too.
        for (PendingWrite* w : batch)
            if (!w->error) w->error = failure;
    }
}

void SqlDriver::open() {
    pool_->open();
    ConnectionLease lease = pool_->lease_write();
    reconcile(*lease);
    open_ = true;
}

void SqlDriver::open_read_only() { pool_->open(); }

namespace {
constexpr const char* kSchemaKeyPrefix = "schema_";
}  // namespace

StoredSchemaState SqlDriver::stored_schema_state() {
    StoredSchemaState state;
    ConnectionLease lease = pool_->lease_read();
    SqlConnection& c = *lease;
    try {
        std::vector<std::string> tables;
        c.query(dialect_->list_tables_sql(), {}, [&](const SqlRow& row) { tables.emplace_back(row.get_text(0)); });
        for (const std::string& t : tables) {
            // Internal tables start with '_' (entity names start with a letter); SQLite's own with "sqlite_".
            if (t.empty() || t[0] == '_' || t.rfind("sqlite_", 0) == 0) continue;
            if (const Entity* e = schema_.find(t); e && e->name == t) state.present.push_back(t);
            else state.others.push_back(t);
        }
        const std::map<std::string, std::string> rows = read_meta_prefixed(c, *dialect_, kSchemaKeyPrefix);
        if (auto fp = rows.find("schema_fingerprint"); fp != rows.end()) {
            SchemaRecord r;
            r.fingerprint = fp->second;
            auto value = [&](const char* key) {
                auto it = rows.find(key);
                return it == rows.end() ? std::string() : it->second;
            };
            r.source = value("schema_source");
            r.text = value("schema_text");
            r.recorded_at = value("schema_recorded_at");
            r.kept = value("schema_kept");
            state.record = std::move(r);
        }
    } catch (const SqlError& err) {
        raise(err, nullptr);
    }
    return state;
}

void SqlDriver::record_schema(const SchemaRecord& record) {
    with_write_transaction([&](SqlConnection& c) {
        ensure_meta_table(c, *dialect_);
        write_meta(c, *dialect_, "schema_fingerprint", record.fingerprint);
        write_meta(c, *dialect_, "schema_source", record.source);
        write_meta(c, *dialect_, "schema_text", record.text);
        write_meta(c, *dialect_, "schema_recorded_at", record.recorded_at);
        write_meta(c, *dialect_, "schema_kept", record.kept);
    });
}

void SqlDriver::rename_field(const Entity& e, const std::string& from, const std::string& to) {
    with_write_transaction([&](SqlConnection& c) {
        bool has_from = false, has_to = false;
        c.query(dialect_->list_columns_sql(), {SqlParam(e.name)}, [&](const SqlRow& row) {
            const std::string_view name = row.get_text(0);
            has_from = has_from || name == from;
            has_to = has_to || name == to;
        });
        if (!has_from || has_to) return;
        c.exec(dialect_->rename_column_sql(e.name, from, to));
        spdlog::info("{}: {}.{} renamed to {} (values kept)", dialect_->name(), e.name, from, to);
    });
}

void SqlDriver::close() {
    if (!open_) return;
    open_ = false;
    pool_->close();
}

void SqlDriver::with_write_transaction(const std::function<void(SqlConnection&)>& work) {
    ConnectionLease lease = begin_write();
    SqlConnection& c = *lease;
    try {
        try {
            work(c);
            c.exec("COMMIT");
        } catch (...) {
            rollback_quietly(c);
            throw;
        }
    } catch (const SqlError& err) {
        raise(err, nullptr);
    }
}

void SqlDriver::with_write_connection(const std::function<void(SqlConnection&)>& work) {
    ConnectionLease lease = pool_->lease_write();
    try {
        work(*lease);
    } catch (const SqlError& err) {
        raise(err, nullptr);
    }
}

void SqlDriver::wipe() {
    with_write_transaction([&](SqlConnection& c) {
        std::vector<const Entity*> order = schema_.parents_first();
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            drop_extras(c, **it);
            c.exec(dialect_->drop_table_sql((*it)->name));
        }
        create_schema_objects(c, builder_, schema_);
        std::vector<std::string> problems;   // empty tables cannot hold duplicates
        for (const Entity* e : order) reconcile_indexes(c, builder_, *e, true, problems);
        for (const Entity* e : order) reconcile_extras(c, *e);
    });
}

}  // namespace events
