#include "apis/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace events {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string content_type_for(const std::string& name) {
    if (ends_with(name, ".css")) return "text/css; charset=utf-8";
    if (ends_with(name, ".js") || ends_with(name, ".mjs")) return "text/javascript; charset=utf-8";
    if (ends_with(name, ".html")) return "text/html; charset=utf-8";
    if (ends_with(name, ".json") || ends_with(name, ".map")) return "application/json";
    if (ends_with(name, ".png")) return "image/png";
    if (ends_with(name, ".svg")) return "image/svg+xml";
    if (ends_with(name, ".ico")) return "image/x-icon";
    if (ends_with(name, ".webp")) return "image/webp";
    if (ends_with(name, ".woff2")) return "font/woff2";
    if (ends_with(name, ".txt")) return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

StaticFiles StaticFiles::load(const std::string& dir, const std::vector<std::string>& names) {
    StaticFiles out;
    out.dir_ = dir;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) return out;
    for (const auto& name : names) {
        const fs::path path = fs::path(dir) / name;
        if (!fs::is_regular_file(path, ec)) continue;
        std::ifstream in(path, std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        if (in.bad()) continue;
        out.files_[name] = File{content_type_for(name), body.str()};
    }
    return out;
}

StaticFiles StaticFiles::load_tree(const std::string& dir) {
    StaticFiles out;
    out.dir_ = dir;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) return out;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        const std::string name = it->path().lexically_relative(dir).generic_string();
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        if (in.bad()) continue;
        out.files_[name] = File{content_type_for(name), body.str()};
    }
    return out;
}

const StaticFiles::File* StaticFiles::find(const std::string& name) const {
    auto it = files_.find(name);
    return it == files_.end() ? nullptr : &it->second;
}

std::vector<std::string> StaticFiles::names() const {
    std::vector<std::string> out;
    for (const auto& [name, _] : files_) out.push_back(name);
    return out;
}

}  // namespace events
