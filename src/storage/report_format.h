// The shape of /api/db/report's `collections` that every driver fills the same way
// (docs/API.md "Routes"): per entity its document count and index names, and their total.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <utility>

namespace events {

// {"doc_count": doc_count, "index_count": n, "indexes": [names...]} for one entity.
inline boost::json::object report_entity(int64_t doc_count, boost::json::array index_names) {
    boost::json::object table;
    table["doc_count"] = doc_count;
    table["index_count"] = static_cast<int64_t>(index_names.size());
    table["indexes"] = std::move(index_names);
    return table;
}

// {"total": number of entities, "details": {entity: report_entity(...)}}.
inline boost::json::object report_collections(boost::json::object details) {
    boost::json::object collections;
    collections["total"] = static_cast<int64_t>(details.size());
    collections["details"] = std::move(details);
    return collections;
}

}  // namespace events
