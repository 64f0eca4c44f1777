#include "app/install_paths.h"

#include <filesystem>
#include <system_error>

namespace events {

namespace fs = std::filesystem;

std::string installed_data_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty()) return "";
    return (exe.parent_path().parent_path() / "share" / "events").lexically_normal().string();
}

std::string installed_swagger_ui_dir() {
    const std::string data = installed_data_dir();
    if (data.empty()) return "";
    const fs::path dir = fs::path(data) / "swagger-ui";
    std::error_code ec;
    return fs::is_regular_file(dir / "swagger-ui-bundle.js", ec) ? dir.string() : "";
}

std::string installed_admin_ui_dir() {
    const std::string data = installed_data_dir();
    if (data.empty()) return "";
    const fs::path dir = fs::path(data) / "admin-ui";
    std::error_code ec;
    return fs::is_regular_file(dir / "index.html", ec) ? dir.string() : "";
}

}  // namespace events
