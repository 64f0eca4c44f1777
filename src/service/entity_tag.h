// Entity tags of stored documents and the If-Match precondition (docs/DECISIONS.md §4.2,
// docs/API.md "Optimistic concurrency"; RFC 9110 §8.8.3 and §13.1.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace events {

// The strong entity tag of a document: `"` + the first 32 hex digits of the SHA-256 of
// `canonical_json` (the document in response form as to_json_text() prints it, which is
// the same text on every backend) + `"`. Equal documents get equal tags everywhere.
std::string entity_tag(std::string_view canonical_json);

// The entity tags of an If-Match header value as sent, quotes kept (`"abc"`, `W/"abc"`),
// or {"*"}. Commas inside quotes do not split; empty members are skipped.
std::vector<std::string> parse_if_match(std::string_view header);

// Whether `current` (entity_tag() of the stored document, nullopt when there is none)
// satisfies If-Match `tags`: `*` matches any stored document; otherwise one tag must equal
// `current` by the strong comparison (a weak tag `W/"..."` never matches).
bool if_match_holds(const std::vector<std::string>& tags, const std::optional<std::string>& current);

}  // namespace events
