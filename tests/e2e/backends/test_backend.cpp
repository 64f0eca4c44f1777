#include "backends/test_backend.h"

#include <stdexcept>

namespace events::e2e {

const std::vector<std::unique_ptr<TestBackend>>& test_backends() {
    static const std::vector<std::unique_ptr<TestBackend>> all = [] {
        std::vector<std::unique_ptr<TestBackend>> v;
        v.push_back(make_sqlite_test_backend());
        v.push_back(make_postgres_test_backend());
        v.push_back(make_ferretdb_test_backend());
        v.push_back(make_jongodb_test_backend());
        v.push_back(make_mongodb_test_backend());
        v.push_back(make_sqlserver_test_backend());
        v.push_back(make_opensearch_test_backend());
        v.push_back(make_elasticsearch8_test_backend());
        return v;
    }();
    return all;
}

std::vector<std::string> test_backend_labels() {
    std::vector<std::string> labels;
    for (const auto& b : test_backends()) labels.push_back(b->label());
    return labels;
}

const TestBackend& test_backend(const std::string& label) {
    for (const auto& b : test_backends())
        if (b->label() == label) return *b;
    throw std::out_of_range("unknown e2e backend " + label);
}

}  // namespace events::e2e
