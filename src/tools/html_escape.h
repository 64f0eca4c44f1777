// Text placed inside HTML (the /docs page and the admin UI's not-built page).
#pragma once

#include <string>
#include <string_view>

namespace events {

// `s` with the HTML-special characters < > & " replaced by their entities, safe inside
// element text and double-quoted attribute values. Any other byte is passed through.
std::string html_escape(std::string_view s);

}  // namespace events
