// Where an installed server finds its data files (app/install_paths.h, docs/INSTALL.md).
#include "app/install_paths.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace events {
namespace {

namespace fs = std::filesystem;

// This test binary stands where the server would: <prefix>/<bin dir>/unit_tests.
TEST(InstallPaths, DataDirIsShareEventsBesideTheBinDirectory) {
    const fs::path exe = fs::read_symlink("/proc/self/exe");
    EXPECT_EQ(installed_data_dir(), (exe.parent_path().parent_path() / "share/events").lexically_normal().string());
}

// No Swagger UI is installed beside a build tree's binary, so the build's copy is used.
TEST(InstallPaths, NoSwaggerUiBesideABuildTree) {
    EXPECT_EQ(installed_swagger_ui_dir(), "");
}

// Nor an admin UI: <build>/../share/events/admin-ui does not exist.
TEST(InstallPaths, NoAdminUiBesideABuildTree) {
    EXPECT_EQ(installed_admin_ui_dir(), "");
}

}  // namespace
}  // namespace events
