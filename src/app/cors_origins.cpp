#include "app/cors_origins.h"

#include <algorithm>
#include <string_view>

namespace events {

namespace {

std::string_view trim(std::string_view s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The trimmed, non-empty items of a comma-separated list.
std::vector<std::string> items_of(std::string_view list) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string_view::npos) comma = list.size();
        if (std::string_view item = trim(list.substr(start, comma - start)); !item.empty()) items.emplace_back(item);
        start = comma + 1;
    }
    return items;
}

}  // namespace

std::vector<std::string> cors_origins_of(const Config& config) {
    std::vector<std::string> origins;
    if (config.ui_port > 0) origins.push_back("http://localhost:" + std::to_string(config.ui_port));
    origins.push_back("http://localhost:" + std::to_string(config.server_port));
    for (std::string& origin : items_of(config.cors_origins))
        if (origin != "*" && std::find(origins.begin(), origins.end(), origin) == origins.end())
            origins.push_back(std::move(origin));
    return origins;
}

bool cors_any_origin(const Config& config) {
    const std::vector<std::string> items = items_of(config.cors_origins);
    return std::find(items.begin(), items.end(), "*") != items.end();
}

}  // namespace events
