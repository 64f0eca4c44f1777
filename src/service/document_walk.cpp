#include "service/document_walk.h"

#include <string>

namespace events {

void walk_documents(StorageDriver& driver, const Entity& e, int64_t page_size,
                    const std::function<void(std::vector<Document>&)>& page) {
    std::string after;   // ids are non-empty: "" precedes them all
    for (;;) {
        ListQuery q;
        if (!after.empty()) q.filters.push_back({&e.id_field(), FilterOp::Gt, boost::json::value(after)});
        q.sort.push_back({&e.id_field(), false});
        q.limit = page_size;
        q.with_total = false;
        ListPage p = driver.list(e, q);
        if (p.docs.empty()) return;
        const boost::json::value& last = p.docs.back().at("id");
        after = last.is_string() ? std::string(last.get_string()) : std::string();
        const bool more = static_cast<int64_t>(p.docs.size()) == page_size;
        page(p.docs);
        if (!more || after.empty()) return;
    }
}

}  // namespace events
