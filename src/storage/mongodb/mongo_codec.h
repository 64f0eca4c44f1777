// Documents of the canonical value form (core/value_format.h) to BSON and back, typed by
// the schema (docs/MONGODB.md, docs/DECISIONS.md §2.7):
//   String, ObjectId, id -> string          Integer  -> int64
//   Number               -> double          Currency -> decimal128 from the canonical
//                                              number text (787.56 stays 787.56), or
//                                              double on a server without decimal128
//   Boolean -> bool      Date, Datetime -> BSON date (UTC milliseconds)
//   JSON -> embedded document, the keys and integers BSON cannot hold encoded
//           (storage/document/json_field_encoding.h, docs/DECISIONS.md §4.6)
//   Array[String] -> array of strings
//   null -> null (stored explicitly)
// Reading accepts what the Python framework wrote too (docs/MONGODB.md "Adopting a database of the Python framework"): any numeric
// BSON type for numbers, dates as BSON dates or text, missing fields as null.
#pragma once

#include "core/schema.h"
#include "storage/mongodb/mongo_handles.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace events::mongo {

struct CodecOptions {
    bool case_sensitive = false;   // config `case_sensitive`: the comparison form's rule
    bool decimal128 = true;        // the server stores decimal128 (FerretDB 1.x does not)
};

// Appends `value` (canonical form of field `f`) under `key`, typed as above. Also used
// for filter values, so that a filter compares in the stored type.
void append_value(bson_t* out, const std::string& key, const Field& f, const boost::json::value& value,
                  const CodecOptions& o);

// The stored form of `doc` (canonical, `id` included): _id, every field, the shadow
// fields of mongo_layout.h and the layout signature.
void encode(const Entity& e, const boost::json::object& doc, const CodecOptions& o, bson_t* out);

// The shadow fields and signature of `doc` alone: appended to `set`; the unique keys
// that are absent (a null field) are listed in `unset` (for an update of existing data).
void encode_shadows(const Entity& e, const boost::json::object& doc, const CodecOptions& o, bson_t* set,
                    std::vector<std::string>& unset);

// The canonical document of a stored one: `id` first, then the fields in schema order
// (response form); shadow and unknown fields are ignored. A stored value of the wrong
// type is passed on as the closest canonical value (read validation reports it).
boost::json::object decode(const Entity& e, const bson_t* stored);

// BSON value <-> JSON for JSON fields (documents, arrays, numbers, strings, ...).
boost::json::value to_json(const bson_iter_t* it);
void append_json(bson_t* out, const std::string& key, const boost::json::value& v);

}  // namespace events::mongo
