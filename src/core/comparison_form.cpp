#include "core/comparison_form.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace events {

namespace {

bool is_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

}  // namespace

std::string comparison_form(std::string_view utf8, bool case_sensitive) {
    if (is_ascii(utf8)) {
        // ASCII is already NFC, and its full case folding is plain lower-casing.
        std::string out(utf8);
        if (!case_sensitive)
            for (char& c : out)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        return out;
    }
    int options = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    if (!case_sensitive) options |= UTF8PROC_CASEFOLD;
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                            static_cast<utf8proc_ssize_t>(utf8.size()), &mapped,
                                            static_cast<utf8proc_option_t>(options));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
    if (n < 0) throw InvalidUtf8(utf8proc_errmsg(n));
    return std::string(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
}

std::string comparison_form_id(bool case_sensitive) {
    return std::string(case_sensitive ? "nfc" : "casefold+nfc") + " unicode " + utf8proc_unicode_version();
}

bool is_valid_utf8(std::string_view utf8) {
    if (is_ascii(utf8)) return true;
    auto* p = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data());
    utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(utf8.size());
    while (left > 0) {
        utf8proc_int32_t cp;
        const utf8proc_ssize_t used = utf8proc_iterate(p, left, &cp);
        if (used < 0) return false;
        p += used;
        left -= used;
    }
    return true;
}

}  // namespace events
