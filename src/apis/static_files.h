// The files of one directory, read into memory once at start-up, served by name: the
// Swagger UI of GET /docs (npm swagger-ui-dist, installed into the build directory by
// scripts/install-swagger-ui.sh) and the admin UI of GET /admin/ (scripts/build-ui.sh).
// Only files read at start-up are served, looked up by exact name, so a client name can
// never reach outside the directory.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace events {

class StaticFiles {
public:
    struct File {
        std::string content_type;   // from the extension: text/css, text/javascript, ...
        std::string body;
    };

    StaticFiles() = default;
    // Reads the regular files `names` of `dir` (those that exist). A missing or
    // unreadable directory gives an empty set (GET /docs then says what to install);
    // `dir` is kept for that message.
    static StaticFiles load(const std::string& dir, const std::vector<std::string>& names);
    // Reads every regular file under `dir`, recursively (symbolic links are not followed),
    // named by its path relative to `dir` with '/' separators ("assets/index-3f2a.js").
    // A missing or unreadable directory gives an empty set.
    static StaticFiles load_tree(const std::string& dir);

    const File* find(const std::string& name) const;
    // File names, sorted.
    std::vector<std::string> names() const;
    bool empty() const { return files_.empty(); }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
    std::map<std::string, File> files_;
};

// "text/css; charset=utf-8" for "x.css", ... (.js .mjs .html .json .map .svg .png .ico
// .webp .woff2 .txt); "application/octet-stream" when unknown.
std::string content_type_for(const std::string& file_name);

}  // namespace events
