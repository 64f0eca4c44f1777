#include "tools/json_parse.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <charconv>
#include <cstdint>

namespace events {

namespace {

// Boost.JSON 1.81 reads decimals with a fast method that can miss by one unit in the last
// place (`1.0E30` becomes 9.999999999999999e+29), so a double sent or stored would not
// read back as itself (docs/DECISIONS.md §4.6). This builds values like Boost's own parser
// does, but reads each double from its text with std::from_chars, which is exact.
struct ExactHandler {
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();
    using string_view = boost::json::string_view;
    using error_code = boost::system::error_code;

    boost::json::value_stack st;
    std::string number;   // the parts of a number split across writes

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        st.push_key(s);
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(string_view s, error_code&) {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        number.clear();
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) {
        number.clear();
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, string_view s, error_code&) {
        number.append(s.data(), s.size());
        double exact = 0;
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), exact);
        // Out of range (`1e400`): keep Boost's infinity or zero, which callers check for.
        st.push_double(ec == std::errc() && end == number.data() + number.size() ? exact : d);
        number.clear();
        return true;
    }
    bool on_bool(bool b, error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace

std::string JsonSyntaxError::describe() const {
    return reason + " at line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::optional<boost::json::value> parse_json(std::string_view text, JsonSyntaxError& error, size_t max_depth) {
    boost::json::parse_options options;
    options.max_depth = max_depth;
    boost::json::basic_parser<ExactHandler> parser(options);
    parser.handler().st.reset();
    boost::system::error_code ec;
    // write_some stops at the end of the value and says how many bytes it took; the
    // final call (more = false) reports a text that ends too early (its position is
    // then the end).
    size_t consumed = parser.write_some(true, text.data(), text.size(), ec);
    if (!ec && consumed < text.size()) ec = boost::json::error::extra_data;
    if (!ec) {
        parser.write_some(false, nullptr, 0, ec);
        consumed = text.size();
    }
    if (!ec) return parser.handler().st.release();

    error = JsonSyntaxError{};
    error.reason = ec == boost::json::error::too_deep ? "nesting deeper than " + std::to_string(max_depth) + " levels"
                                                      : ec.message();
    for (size_t i = 0; i < consumed && i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++error.line;
            error.column = 1;
        } else if ((c & 0xC0) != 0x80) {   // a continuation byte is part of the character before it
            ++error.column;
        }
    }
    return std::nullopt;
}

}  // namespace events
