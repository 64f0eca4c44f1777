// The fields a schema keeps secret (docs/DECISIONS.md §6.4): the authn password and every
// field marked `secret: true`. Stored as Argon2id hashes (service/password_hash.h), never
// returned by a read; filters, sorts and views on them are refused by core/query_parser.h.
#pragma once

#include "core/schema.h"
#include "storage/driver.h"

namespace events {

// Whether `e` has a secret field (its reads cannot pass stored JSON on unchanged).
bool has_secret_fields(const Entity& e);

// Removes the secret fields from a document on its way out (responses, lists, views).
void drop_secret_fields(const Entity& e, Document& doc);

// Replaces each secret field's text value that is not a hash yet by its hash: what a bulk
// load (`events import`) stores, so that an export (which keeps the hashes) loads back
// unchanged and an adopted plaintext is hashed on the way in. Null values stay null.
void hash_plain_secret_fields(const Entity& e, Document& doc);

}  // namespace events
