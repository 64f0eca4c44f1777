// Elasticsearch-compatible servers in the e2e suite: one index prefix (db_name) per test
// on the node named by an environment variable:
//   "OpenSearch"    EVENTS_TEST_ES_URI   (scripts/test-server.sh start opensearch)
//   "Elasticsearch" EVENTS_TEST_ES8_URI  (a real Elasticsearch 8 node, when one is at hand)
// The behind-the-back operations are plain HTTP requests to the node's REST API.
#include "backends/test_backend.h"

#include "http_client.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace events::e2e {

namespace {

namespace json = boost::json;

class ElasticsearchTestBackend : public TestBackend {
public:
    ElasticsearchTestBackend(std::string label, std::string env, std::string how)
        : label_(std::move(label)), env_(std::move(env)), how_(std::move(how)) {}

    std::string label() const override { return label_; }
    std::string database() const override { return "elasticsearch"; }
    std::string unavailable_reason() const override {
        if (!uri().empty()) return {};
        return env_ + " is not set (" + how_ + ")";
    }

    void configure(json::object& config, const std::string& db_name, const std::string&) const override {
        config["db_uri"] = uri();
        config["db_name"] = db_name;
    }

    std::optional<std::string> uri_with_password(const json::object& config, const std::string& password) const override {
        std::string u(config.at("db_uri").as_string());
        const size_t scheme = u.find("://");
        if (scheme == std::string::npos || u.find('@') != std::string::npos) return std::nullopt;
        u.insert(scheme + 3, "events:" + password + "@");   // a node without security ignores it
        return u;
    }

    ::testing::AssertionResult set_raw_field(const json::object& config, const std::string& entity,
                                             const std::string& id, const std::string& field,
                                             const std::string& value) const override {
        const std::string doc = "/" + index(config, entity) + "/_doc/" + url_encode(id);
        HttpResponse r = client().get(doc);
        if (r.status != 200 || !r.json_ok) return failure("GET " + doc, r);
        json::object source = r.json.at("_source").as_object();
        source[field] = value;
        r = client().request("PUT", doc + "?refresh=true", json::serialize(source),
                             {{"Content-Type", "application/json"}});
        if (r.status != 200 && r.status != 201) return failure("PUT " + doc, r);
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult raw_field_starts_with(const json::object& config, const std::string& entity,
                                                     const std::string& id, const std::string& field,
                                                     const std::string& prefix) const override {
        const std::string doc = "/" + index(config, entity) + "/_doc/" + url_encode(id);
        HttpResponse r = client().get(doc);
        if (r.status != 200 || !r.json_ok) return failure("GET " + doc, r);
        const json::value* v = r.json.at("_source").as_object().if_contains(field);
        if (!v || !v->is_string()) return failure(field + " is not stored as text", r);
        if (std::string(v->get_string()).rfind(prefix, 0) != 0) return failure(field + " is stored as it was sent", r);
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult delete_raw(const json::object& config, const std::string& entity,
                                          const std::string& id) const override {
        const std::string doc = "/" + index(config, entity) + "/_doc/" + url_encode(id) + "?refresh=true";
        HttpResponse r = client().del(doc);
        if (r.status != 200) return failure("DELETE " + doc, r);
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult create_foreign_data(const json::object& config) const override {
        const std::string idx = "/" + index(config, "other_app_data");
        HttpResponse r = client().request("PUT", idx, R"({"mappings": {"properties": {"note": {"type": "keyword"}}}})",
                                          {{"Content-Type", "application/json"}});
        if (r.status != 200) return failure("PUT " + idx, r);
        const std::string doc = idx + "/_doc/1?refresh=true";
        r = client().request("PUT", doc, R"({"note": "not ours"})", {{"Content-Type", "application/json"}});
        if (r.status != 200 && r.status != 201) return failure("PUT " + doc, r);
        return ::testing::AssertionSuccess();
    }

    std::vector<std::string> list_storage(const json::object& config) const override {
        const std::string prefix = index(config, "");
        HttpResponse r = client().get("/_cat/indices/" + url_encode(prefix) + "*?format=json&h=index");
        if (r.status != 200 || !r.json.is_array()) return {"(error) GET _cat/indices answered " + std::to_string(r.status)};
        std::vector<std::string> out;
        for (const json::value& row : r.json.as_array())
            if (const json::value* name = row.as_object().if_contains("index"); name && name->is_string())
                out.push_back("index " + std::string(name->as_string()));
        std::sort(out.begin(), out.end());
        return out;
    }

    ::testing::AssertionResult foreign_data_intact(const json::object& config) const override {
        const std::string count = "/" + index(config, "other_app_data") + "/_count";
        HttpResponse r = client().get(count);
        if (r.status != 200 || !r.json_ok) return failure("GET " + count, r);
        if (r.json.at("count").to_number<int64_t>() != 1) return failure("count of other_app_data is not 1", r);
        return ::testing::AssertionSuccess();
    }

    void drop_database(const json::object& config) const override {
        const std::string prefix = index(config, "");
        HttpResponse r = client().get("/_cat/indices/" + url_encode(prefix) + "*?format=json&h=index");
        if (r.status != 200 || !r.json.is_array()) return;
        for (const json::value& row : r.json.as_array())
            if (const json::value* name = row.as_object().if_contains("index"); name && name->is_string())
                client().del("/" + std::string(name->as_string()));
    }

private:
    std::string uri() const {
        const char* v = std::getenv(env_.c_str());
        return v ? v : "";
    }

    // The node's port, from http://127.0.0.1:PORT.
    HttpClient client() const {
        const std::string u = uri();
        const size_t colon = u.rfind(':');
        HttpClient c(std::atoi(u.c_str() + colon + 1));
        c.set_timeout(30);
        return c;
    }

    static std::string index(const json::object& config, const std::string& entity) {
        std::string name = std::string(config.at("db_name").as_string()) + "_" + entity;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        return name;
    }

    static ::testing::AssertionResult failure(const std::string& what, const HttpResponse& r) {
        return ::testing::AssertionFailure() << what << " answered " << r.status << ": " << r.body.substr(0, 500)
                                             << r.error;
    }

    std::string label_, env_, how_;
};

}  // namespace

std::unique_ptr<TestBackend> make_opensearch_test_backend() {
    return std::make_unique<ElasticsearchTestBackend>(
        "OpenSearch", "EVENTS_TEST_ES_URI", "start one with: eval \"$(scripts/test-server.sh start opensearch)\"");
}

std::unique_ptr<TestBackend> make_elasticsearch8_test_backend() {
    return std::make_unique<ElasticsearchTestBackend>(
        "Elasticsearch", "EVENTS_TEST_ES8_URI",
        "point it at an Elasticsearch 8 node without security, e.g. http://127.0.0.1:9200; no package of it exists here");
}

}  // namespace events::e2e
