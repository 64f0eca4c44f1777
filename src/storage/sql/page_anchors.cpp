#include "storage/sql/page_anchors.h"

namespace events {

std::optional<PageAnchors::Anchor> PageAnchors::find(int64_t version, const std::string& shape, int64_t offset) const {
    if (!has_version_ || version != version_) return std::nullopt;
    auto s = shapes_.find(shape);
    if (s == shapes_.end()) return std::nullopt;
    auto it = s->second.upper_bound(offset);   // first anchor after `offset`
    if (it == s->second.begin()) return std::nullopt;
    --it;
    return Anchor{it->first, it->second};
}

void PageAnchors::remember(int64_t version, const std::string& shape, int64_t offset, std::string id) {
    if (!has_version_ || version != version_ || count_ >= kMaxAnchors) {
        shapes_.clear();
        count_ = 0;
        version_ = version;
        has_version_ = true;
    }
    auto [it, added] = shapes_[shape].insert_or_assign(offset, std::move(id));
    if (added) ++count_;
}

}  // namespace events
