// Where deep pages start, so that page 2000 need not step over 50 000 rows.
//
// OFFSET makes the database walk every skipped row. For a list ordered by id, the
// row at offset P can instead be found as "the first row with id >= X" once the id
// X at P is known. PageAnchors remembers such (offset -> id) pairs per list shape
// (entity, filters, direction), but only for one data version of one connection: a
// version is an identifier of the committed data a read snapshot sees (SQLite's
// PRAGMA data_version), so an anchor is used only when nothing at all was written
// since it was found - the page is then exactly what OFFSET would have returned.
// Each connection keeps its own anchors because versions are per connection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

namespace events {

class PageAnchors {
public:
    struct Anchor {
        int64_t offset;
        std::string id;
    };

    // The remembered anchor nearest at or before `offset` for `shape`, when it was
    // found in data version `version`.
    std::optional<Anchor> find(int64_t version, const std::string& shape, int64_t offset) const;
    // The data version of the remembered anchors, nullopt when there are none yet.
    std::optional<int64_t> version() const {
        return has_version_ ? std::optional<int64_t>(version_) : std::nullopt;
    }
    // Remembers that in data version `version` the row at `offset` of `shape` has
    // id `id`. Anchors of other versions are dropped.
    void remember(int64_t version, const std::string& shape, int64_t offset, std::string id);

private:
    static constexpr size_t kMaxAnchors = 4096;   // per connection; all dropped when full

    int64_t version_ = 0;
    bool has_version_ = false;
    size_t count_ = 0;
    std::unordered_map<std::string, std::map<int64_t, std::string>> shapes_;
};

}  // namespace events
