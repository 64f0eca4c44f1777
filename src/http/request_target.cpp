#include "http/request_target.h"

namespace events {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
    std::string out;
    out.reserve(text.size());
    size_t run = 0;   // start of the pending run of characters copied as they are, in one append
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            int hi = hex_value(text[i + 1]);
            int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.append(text, run, i - run);
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
            run = i + 1;
        } else if (c == '+' && plus_as_space) {
            out.append(text, run, i - run);
            out.push_back(' ');
            run = i + 1;
        }
    }
    out.append(text, run, text.size() - run);
    return out;
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
    RequestTarget result;
    std::string_view path = target;
    std::string_view query;
    if (size_t q = target.find('?'); q != std::string_view::npos) {
        path = target.substr(0, q);
        query = target.substr(q + 1);
    }
    auto decoded_path = percent_decode(path, false);
    if (!decoded_path) return std::nullopt;
    result.path = std::move(*decoded_path);
    // Segments are split before decoding, so that an encoded '/' (%2F) stays data.
    for (size_t i = 0; i < path.size();) {
        size_t slash = path.find('/', i);
        if (slash == std::string_view::npos) slash = path.size();
        if (slash > i) result.segments.push_back(*percent_decode(path.substr(i, slash - i), false));
        i = slash + 1;
    }

    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (item.empty()) continue;
        size_t eq = item.find('=');
        auto key = percent_decode(item.substr(0, eq), true);
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1), true);
        if (!key || !value) return std::nullopt;
        result.query.emplace_back(std::move(*key), std::move(*value));
    }
    return result;
}

}  // namespace events
