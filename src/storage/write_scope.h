// What one write request tells the storage driver beyond the documents themselves, for
// backends without transactions (Elasticsearch; usable by any driver).
//
// DocumentService opens a WriteScope on its own thread around each POST/PUT/PATCH/DELETE;
// StorageDriver::write() runs on that same thread, so a driver reads
// WriteScope::current() there. Outside a write request current() is null.
#pragma once

#include <cstdint>
#include <string>

namespace events {

class WriteScope {
public:
    // `no_consistency`: the request's `no_consistency=true` (REFERENCE §5.7): the client
    // does not need to read its write back at once, so the driver need not wait for it
    // to become searchable.
    explicit WriteScope(bool no_consistency) : no_consistency_(no_consistency), outer_(innermost_) { innermost_ = this; }
    ~WriteScope() { innermost_ = outer_; }
    WriteScope(const WriteScope&) = delete;
    WriteScope& operator=(const WriteScope&) = delete;

    // The innermost scope open on this thread, or null.
    static WriteScope* current() { return innermost_; }

    bool no_consistency() const { return no_consistency_; }

    // The version of the first document the request read (a PATCH reads the stored
    // document, merges and writes it back): a driver records `key` (its own name of the
    // document) and `version` (its own opaque token) on the first read; when the stored
    // version has changed by the time of the write, the driver knows the request's
    // document was based on an older one (the Elasticsearch driver then re-applies the
    // request's changes onto the newer version, so no concurrent update is lost).
    // read_version() returns the recorded version of `key`, or "" when none was recorded.
    void record_read(const std::string& key, const std::string& version) {
        if (!read_key_.empty()) return;   // the first read is what the request's write is based on
        read_key_ = key;
        read_version_ = version;
    }
    std::string read_version(const std::string& key) const { return key == read_key_ ? read_version_ : ""; }

private:
    bool no_consistency_;
    std::string read_key_, read_version_;
    WriteScope* outer_;
    // Header-only (an inline variable) so that core/ can open scopes without linking storage/.
    static inline thread_local WriteScope* innermost_ = nullptr;
};

}  // namespace events
