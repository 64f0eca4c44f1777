// Percent-encoding for URL paths and query values (RFC 3986 §2.1): every byte but the
// unreserved characters (§2.3: ALPHA DIGIT - . _ ~) becomes %XX, upper-case hex.
// Used for Elasticsearch document ids and index names in paths, and by the e2e client.
#pragma once

#include <string>
#include <string_view>

namespace events {

// `s` as bytes (UTF-8 is encoded byte by byte); never throws beyond std::bad_alloc.
std::string url_encode(std::string_view s);

}  // namespace events
