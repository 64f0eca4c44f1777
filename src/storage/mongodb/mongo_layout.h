// How one document of an entity is laid out in its MongoDB collection (docs/MONGODB.md).
//
//   _id          the document's id (string)
//   <field>      every schema field, typed by the schema (mongo_codec.h); null stored as null
//   _cf_<field>  text fields (Field::is_text): the comparison form of the value
//                (core/comparison_form.h, docs/DECISIONS.md §2.21/§2.23), or null; filters and
//                sorts on text use it, so no collation is ever involved.
//                Currency fields: the value as a double (the canonical form, so no
//                value is lost), or null: filters and sorts on Currency use it, because
//                jongodb orders decimal128 values wrongly (100.5 before 100 before 50)
//   _nl_<field>  every non-id field: true when the value is null. Sorts put it first,
//                ascending, so NULLs come last in both directions (docs/DECISIONS.md §2.13)
//   _uq_<f1>_<f2>  one per unique constraint: its key (storage/document/unique_key.h),
//                absent when a field of the constraint is null; a sparse unique index
//                on it enforces the constraint
//   _ev          the layout signature of the entity when the shadow fields were written;
//                start-up reconciliation recomputes the shadow fields of documents whose
//                signature differs (schema changes, databases of the Python framework)
//   _rv          the revision: a random number every insert and update writes anew. An
//                update of a document read inside the write replaces it only while its
//                revision is still the one read (compare-and-set, docs/DECISIONS.md §4.1);
//                absent on documents written before it existed
//
// The shadow fields are never returned to clients.
#pragma once

#include "core/schema.h"

#include <string>
#include <vector>

namespace events::mongo {

inline constexpr const char* kSignatureField = "_ev";
inline constexpr const char* kRevisionField = "_rv";

// True for the fields that have a comparison-form shadow (text and Currency).
bool has_form_field(const Field& f);
// "_cf_<name>", "_nl_<name>".
std::string form_field(const Field& f);
std::string null_field(const Field& f);
// "_uq_<f1>_<f2>..." for one unique constraint.
std::string unique_field(const std::vector<const Field*>& constraint);
// The stored field a filter or sort on `f` reads: "_id" for id, the comparison form for
// text fields, the field itself otherwise.
std::string key_field(const Field& f);
// Index names this driver owns start with this prefix; others are left alone.
inline constexpr const char* kIndexPrefix = "ev_";

// A short text that changes whenever the shadow fields of `e` would be laid out
// differently (field names, types, unique constraints, matching rule).
std::string layout_signature(const Entity& e, bool case_sensitive);

}  // namespace events::mongo
