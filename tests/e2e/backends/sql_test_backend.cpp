#include "backends/sql_test_backend.h"

#include <algorithm>
#include <cstdio>

#include "test_server.h"

#include <cstdlib>

namespace events::e2e {

namespace {
// Test values are literals of the tests themselves; quotes are doubled all the same.
std::string sql_literal(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}
}  // namespace

::testing::AssertionResult SqlTestBackend::set_raw_field(const boost::json::object& config, const std::string& entity,
                                                         const std::string& id, const std::string& field,
                                                         const std::string& value) const {
    return run_sql(config, "UPDATE \"" + entity + "\" SET \"" + field + "\" = " + sql_literal(value) +
                               " WHERE id = " + sql_literal(id) + ";");
}

::testing::AssertionResult SqlTestBackend::raw_field_starts_with(const boost::json::object& config,
                                                                 const std::string& entity, const std::string& id,
                                                                 const std::string& field,
                                                                 const std::string& prefix) const {
    const std::string value = "(SELECT \"" + field + "\" FROM \"" + entity + "\" WHERE id = " + sql_literal(id) + ")";
    return run_sql(config, assert_sql("substring(" + value + ", 1, " + std::to_string(prefix.size()) + ") = " +
                                      sql_literal(prefix)));
}

::testing::AssertionResult SqlTestBackend::delete_raw(const boost::json::object& config, const std::string& entity,
                                                      const std::string& id) const {
    return run_sql(config, "DELETE FROM \"" + entity + "\" WHERE id = " + sql_literal(id) + ";");
}

::testing::AssertionResult SqlTestBackend::create_foreign_data(const boost::json::object& config) const {
    return run_sql(config, "CREATE TABLE other_app_data (x TEXT); INSERT INTO other_app_data VALUES ('keep me');");
}

::testing::AssertionResult SqlTestBackend::run_command(const std::string& command, const std::string& out_path) {
    const int rc = std::system(command.c_str());
    if (rc != 0)
        return ::testing::AssertionFailure() << "external SQL failed (" << command << "): " << read_file(out_path);
    return ::testing::AssertionSuccess();
}

std::optional<std::vector<std::string>> SqlTestBackend::output_lines(const std::string& command) {
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return std::nullopt;
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
    if (::pclose(pipe) != 0) return std::nullopt;
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

}  // namespace events::e2e
