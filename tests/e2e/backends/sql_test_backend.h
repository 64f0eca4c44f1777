// The SQL backends of the e2e suite: the behind-the-back operations are SQL statements
// run by the backend's own command-line client.
#pragma once

#include "backends/test_backend.h"

#include <optional>
#include <string>
#include <vector>

namespace events::e2e {

class SqlTestBackend : public TestBackend {
public:
    // Runs `sql` on the database `config` points at, with FK checks and triggers off.
    virtual ::testing::AssertionResult run_sql(const boost::json::object& config, const std::string& sql) const = 0;

    ::testing::AssertionResult set_raw_field(const boost::json::object& config, const std::string& entity,
                                             const std::string& id, const std::string& field,
                                             const std::string& value) const override;
    ::testing::AssertionResult raw_field_starts_with(const boost::json::object& config, const std::string& entity,
                                                     const std::string& id, const std::string& field,
                                                     const std::string& prefix) const override;
    // A statement that fails unless `condition` holds (the default divides by zero).
    virtual std::string assert_sql(const std::string& condition) const {
        return "SELECT 1/(CASE WHEN " + condition + " THEN 1 ELSE 0 END);";
    }
    ::testing::AssertionResult delete_raw(const boost::json::object& config, const std::string& entity,
                                          const std::string& id) const override;
    ::testing::AssertionResult create_foreign_data(const boost::json::object& config) const override;

protected:
    // Runs the shell line `command` and returns its standard output split into lines,
    // sorted; nullopt when it fails.
    static std::optional<std::vector<std::string>> output_lines(const std::string& command);
    // Runs `command` (a shell line writing its output to `out_path`); fails with that output.
    static ::testing::AssertionResult run_command(const std::string& command, const std::string& out_path);
};

}  // namespace events::e2e
