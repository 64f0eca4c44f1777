// The MongoDB-compatible backends of the e2e suite (database "mongodb"): FerretDB 1.24 and
// jongodb 0.1.6, started by scripts/test-server.sh, and a real MongoDB when
// EVENTS_TEST_MONGO_URI names one. One database per test; the behind-the-back operations
// use the C driver directly (the only file of the suite that links libmongoc).
#include "backends/mongo_test_backend.h"
#include "backends/test_backend.h"

#include <mongoc/mongoc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace events::e2e {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

struct ClientDeleter {
    void operator()(mongoc_client_t* c) const { mongoc_client_destroy(c); }
};
struct CollectionDeleter {
    void operator()(mongoc_collection_t* c) const { mongoc_collection_destroy(c); }
};
using Client = std::unique_ptr<mongoc_client_t, ClientDeleter>;
using Collection = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;

class Bson {
public:
    Bson() { bson_init(&b_); }
    ~Bson() { bson_destroy(&b_); }
    Bson(const Bson&) = delete;
    Bson& operator=(const Bson&) = delete;
    operator bson_t*() { return &b_; }

private:
    bson_t b_;
};

constexpr const char* kForeignCollection = "other_app_data";

std::string name_of(const boost::json::object& config) { return std::string(config.at("db_name").as_string()); }

Client connect(const boost::json::object& config) {
    static std::once_flag once;
    std::call_once(once, [] {
        mongoc_init();
        // jongodb has no endSessions; libmongoc would warn about it on every close.
        mongoc_log_set_handler(
            [](mongoc_log_level_t level, const char* domain, const char* message, void* data) {
                if (std::strstr(message, "endSessions") == nullptr)
                    mongoc_log_default_handler(level, domain, message, data);
            },
            nullptr);
    });
    bson_error_t err;
    mongoc_uri_t* uri = mongoc_uri_new_with_error(std::string(config.at("db_uri").as_string()).c_str(), &err);
    if (!uri) return nullptr;
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000);
    Client client(mongoc_client_new_from_uri(uri));
    mongoc_uri_destroy(uri);
    if (client) mongoc_client_set_error_api(client.get(), MONGOC_ERROR_API_VERSION_2);
    return client;
}

Collection collection(mongoc_client_t* client, const boost::json::object& config, const std::string& name) {
    return Collection(mongoc_client_get_collection(client, name_of(config).c_str(), name.c_str()));
}

class MongoTestBackend : public TestBackend {
public:
    MongoTestBackend(std::string label, std::string env_var, std::string server)
        : label_(std::move(label)), env_var_(std::move(env_var)), server_(std::move(server)) {}

    std::string label() const override { return label_; }
    std::string database() const override { return "mongodb"; }
    std::string unavailable_reason() const override {
        if (!env(env_var_.c_str()).empty()) return {};
        if (server_.empty()) return env_var_ + " is not set (point it at a MongoDB 7 or 8 server to run these tests)";
        return env_var_ + " is not set (start one with: eval \"$(scripts/test-server.sh start " + server_ + ")\")";
    }

    std::string skip_reason(const std::string& test) const override {
        if (label_ == "Jongodb" && test == "Lifecycle.DeclaredIndexesAreReportedAndReconciled")
            return "jongodb 0.1.6 has no dropIndexes command: an index the schema no longer declares cannot be "
                   "dropped (the driver logs a warning and keeps it)";
        return {};
    }

    void configure(boost::json::object& config, const std::string& db_name, const std::string&) const override {
        config["db_uri"] = env(env_var_.c_str());
        config["db_name"] = db_name;
    }

    ::testing::AssertionResult set_raw_field(const boost::json::object& config, const std::string& entity,
                                             const std::string& id, const std::string& field,
                                             const std::string& value) const override {
        Client client = connect(config);
        if (!client) return ::testing::AssertionFailure() << "cannot connect";
        Collection coll = collection(client.get(), config, entity);
        Bson filter, update, reply;
        BSON_APPEND_UTF8(filter, "_id", id.c_str());
        bson_t set;
        bson_append_document_begin(update, "$set", -1, &set);
        bson_append_utf8(&set, field.c_str(), -1, value.c_str(), -1);
        bson_append_document_end(update, &set);
        bson_error_t err;
        if (!mongoc_collection_update_one(coll.get(), filter, update, nullptr, reply, &err))
            return ::testing::AssertionFailure() << "update failed: " << err.message;
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult raw_field_starts_with(const boost::json::object& config, const std::string& entity,
                                                     const std::string& id, const std::string& field,
                                                     const std::string& prefix) const override {
        Client client = connect(config);
        if (!client) return ::testing::AssertionFailure() << "cannot connect";
        Collection coll = collection(client.get(), config, entity);
        Bson filter;
        BSON_APPEND_UTF8(filter, "_id", id.c_str());
        mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll.get(), filter, nullptr, nullptr);
        const bson_t* doc = nullptr;
        std::string value;
        bool found = false;
        if (mongoc_cursor_next(cursor, &doc)) {
            bson_iter_t it;
            if (bson_iter_init_find(&it, doc, field.c_str()) && BSON_ITER_HOLDS_UTF8(&it)) {
                value = bson_iter_utf8(&it, nullptr);
                found = true;
            }
        }
        mongoc_cursor_destroy(cursor);
        if (!found) return ::testing::AssertionFailure() << entity << "/" << id << " has no text " << field;
        if (value.rfind(prefix, 0) != 0) return ::testing::AssertionFailure() << field << " is stored as " << value;
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult delete_raw(const boost::json::object& config, const std::string& entity,
                                          const std::string& id) const override {
        Client client = connect(config);
        if (!client) return ::testing::AssertionFailure() << "cannot connect";
        Collection coll = collection(client.get(), config, entity);
        Bson filter, reply;
        BSON_APPEND_UTF8(filter, "_id", id.c_str());
        bson_error_t err;
        if (!mongoc_collection_delete_one(coll.get(), filter, nullptr, reply, &err))
            return ::testing::AssertionFailure() << "delete failed: " << err.message;
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult create_foreign_data(const boost::json::object& config) const override {
        Client client = connect(config);
        if (!client) return ::testing::AssertionFailure() << "cannot connect";
        Collection coll = collection(client.get(), config, kForeignCollection);
        Bson doc, reply;
        BSON_APPEND_UTF8(doc, "_id", "kept");
        BSON_APPEND_UTF8(doc, "owner", "another application");
        bson_error_t err;
        if (!mongoc_collection_insert_one(coll.get(), doc, nullptr, reply, &err))
            return ::testing::AssertionFailure() << "insert failed: " << err.message;
        return ::testing::AssertionSuccess();
    }

    std::vector<std::string> list_storage(const boost::json::object& config) const override {
        Client client = connect(config);
        if (!client) return {"(error) cannot connect"};
        mongoc_database_t* db = mongoc_client_get_database(client.get(), name_of(config).c_str());
        bson_error_t err;
        char** names = mongoc_database_get_collection_names_with_opts(db, nullptr, &err);
        mongoc_database_destroy(db);
        std::vector<std::string> out;
        if (!names) {
            // jongodb 0.1.6 has no listCollections: the documents of the collections the
            // suite's schemas name (and the server's meta collection) stand in for the list.
            for (const char* name : {"_events_meta", "Member", "Book", "Account", "User", "Profile", "TagAffinity",
                                     "Event", "UserEvent", "Url", "Crawl"}) {
                Collection coll = collection(client.get(), config, name);
                Bson filter, reply;
                const int64_t n = mongoc_collection_count_documents(coll.get(), filter, nullptr, nullptr, reply, &err);
                if (n < 0) return {std::string("(error) ") + err.message};
                if (n > 0) out.push_back(std::string("collection ") + name + " (" + std::to_string(n) + " documents)");
            }
            return out;
        }
        for (char** n = names; *n; ++n) {
            out.push_back(std::string("collection ") + *n);
            Collection coll = collection(client.get(), config, *n);
            mongoc_cursor_t* cursor = mongoc_collection_find_indexes_with_opts(coll.get(), nullptr);
            const bson_t* ix;
            while (mongoc_cursor_next(cursor, &ix)) {
                bson_iter_t it;
                if (bson_iter_init_find(&it, ix, "name") && BSON_ITER_HOLDS_UTF8(&it))
                    out.push_back(std::string("index ") + *n + "." + bson_iter_utf8(&it, nullptr));
            }
            mongoc_cursor_destroy(cursor);
        }
        bson_strfreev(names);
        std::sort(out.begin(), out.end());
        return out;
    }

    ::testing::AssertionResult foreign_data_intact(const boost::json::object& config) const override {
        Client client = connect(config);
        if (!client) return ::testing::AssertionFailure() << "cannot connect";
        Collection coll = collection(client.get(), config, kForeignCollection);
        Bson filter, reply;
        BSON_APPEND_UTF8(filter, "_id", "kept");
        BSON_APPEND_UTF8(filter, "owner", "another application");
        bson_error_t err;
        const int64_t n = mongoc_collection_count_documents(coll.get(), filter, nullptr, nullptr, reply, &err);
        if (n != 1) return ::testing::AssertionFailure() << "foreign collection has " << n << " matching documents";
        return ::testing::AssertionSuccess();
    }

    void drop_database(const boost::json::object& config) const override {
        Client client = connect(config);
        if (!client) return;
        mongoc_database_t* db = mongoc_client_get_database(client.get(), name_of(config).c_str());
        bson_error_t err;
        mongoc_database_drop_with_opts(db, nullptr, &err);   // jongodb has none: its data goes with the process
        mongoc_database_destroy(db);
    }

private:
    std::string label_;
    std::string env_var_;
    std::string server_;   // the scripts/test-server.sh name that starts one ("" for none)
};

}  // namespace

::testing::AssertionResult lay_out_python_database(const boost::json::object& config) {
    Client client = connect(config);
    if (!client) return ::testing::AssertionFailure() << "cannot connect";
    bson_error_t err;
    auto insert = [&](const char* entity, bson_t* doc) -> bool {
        Collection coll = collection(client.get(), config, entity);
        const bool ok = mongoc_collection_insert_one(coll.get(), doc, nullptr, nullptr, &err);
        bson_destroy(doc);
        return ok;
    };
    // Milliseconds since the epoch of the dates used below.
    constexpr int64_t k20200102 = 1577934245678;   // 2020-01-02T03:04:05.678Z
    constexpr int64_t k20310203 = 1927843200000;   // 2031-02-03
    constexpr int64_t k20210607 = 1623024000000;   // 2021-06-07T00:00:00Z
    constexpr int64_t k19900517 = 642902400000;    // 1990-05-17
    if (!insert("Account", BCON_NEW("_id", BCON_UTF8("py_acc1"), "name", BCON_UTF8("Python Account One"), "credit",
                                    BCON_DOUBLE(1234.5), "expireDate", BCON_DATE_TIME(k20310203), "enabled",
                                    BCON_BOOL(true), "createdAt", BCON_DATE_TIME(k20200102), "updatedAt", BCON_NULL)))
        return ::testing::AssertionFailure() << "insert Account: " << err.message;
    if (!insert("Account", BCON_NEW("_id", BCON_UTF8("py_acc2"), "name", BCON_UTF8("Second Account"), "credit",
                                    BCON_INT32(100), "expireDate", BCON_NULL, "enabled", BCON_BOOL(false), "createdAt",
                                    BCON_DATE_TIME(k20210607), "updatedAt", BCON_NULL)))
        return ::testing::AssertionFailure() << "insert Account: " << err.message;
    if (!insert("User", BCON_NEW("_id", BCON_UTF8("py_usr1"), "username", BCON_UTF8("Zo\xc3\xab"), "email",
                                 BCON_UTF8("zoe@example.com"), "password", BCON_UTF8("secret123"), "firstName",
                                 BCON_UTF8("Zoe"), "lastName", BCON_UTF8("Python"), "gender", BCON_UTF8("female"),
                                 "dob", BCON_DATE_TIME(k19900517), "address", BCON_NULL, "city", BCON_NULL, "state",
                                 BCON_NULL, "zip", BCON_NULL, "netWorth", BCON_INT32(50000), "accountId",
                                 BCON_UTF8("py_acc1"), "isAccountOwner", BCON_BOOL(true), "createdAt",
                                 BCON_DATE_TIME(k20200102), "updatedAt", BCON_NULL)))
        return ::testing::AssertionFailure() << "insert User: " << err.message;
    // The Python framework's own unique index (default name), which is not ours.
    Collection users = collection(client.get(), config, "User");
    bson_t* cmd = BCON_NEW("createIndexes", BCON_UTF8("User"), "indexes", "[", "{", "key", "{", "username", BCON_INT32(1),
                           "}", "name", BCON_UTF8("username_1"), "unique", BCON_BOOL(true), "}", "]");
    const bool ok = mongoc_collection_write_command_with_opts(users.get(), cmd, nullptr, nullptr, &err);
    bson_destroy(cmd);
    if (!ok) return ::testing::AssertionFailure() << "createIndexes: " << err.message;
    return ::testing::AssertionSuccess();
}

std::unique_ptr<TestBackend> make_ferretdb_test_backend() {
    return std::make_unique<MongoTestBackend>("FerretDB", "EVENTS_TEST_FERRETDB_URI", "ferretdb");
}
std::unique_ptr<TestBackend> make_jongodb_test_backend() {
    return std::make_unique<MongoTestBackend>("Jongodb", "EVENTS_TEST_JONGODB_URI", "jongodb");
}
std::unique_ptr<TestBackend> make_mongodb_test_backend() {
    return std::make_unique<MongoTestBackend>("MongoDB", "EVENTS_TEST_MONGO_URI", "");
}

}  // namespace events::e2e
