#include "tools/json_parse.h"

#include <boost/json/stream_parser.hpp>

namespace events {

std::string JsonSyntaxError::describe() const {
    return reason + " at line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::optional<boost::json::value> parse_json(std::string_view text, JsonSyntaxError& error) {
    boost::json::stream_parser parser;
    boost::system::error_code ec;
    // write_some stops at the first byte it cannot accept and says how many it took;
    // finish() reports a text that ends too early (its position is then the end).
    size_t consumed = parser.write_some(text.data(), text.size(), ec);
    if (!ec && consumed < text.size()) ec = boost::json::error::extra_data;
    if (!ec) {
        parser.finish(ec);
        consumed = text.size();
    }
    if (!ec) return parser.release();

    error = JsonSyntaxError{};
    error.reason = ec.message();
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
