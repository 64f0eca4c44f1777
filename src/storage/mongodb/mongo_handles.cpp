#include "storage/mongodb/mongo_handles.h"

#include "storage/driver.h"

#include <stdexcept>

namespace events::mongo {

bool is_unreachable(const bson_error_t& err) {
    switch (err.domain) {
        case MONGOC_ERROR_STREAM:
        case MONGOC_ERROR_SERVER_SELECTION:
        case MONGOC_ERROR_STREAM_NAME_RESOLUTION:
            return true;
        case MONGOC_ERROR_CLIENT:
            // A pooled client whose server went away reports "in exhaust"/"not connected".
            return err.code == MONGOC_ERROR_CLIENT_NOT_READY || err.code == MONGOC_ERROR_CLIENT_IN_EXHAUST;
        default:
            return false;
    }
}

bool is_duplicate_key(const bson_error_t& err) {
    return err.code == 11000 || err.code == 11001 || err.code == 12582;
}

void raise(const bson_error_t& err, const std::string& what) {
    std::string message = what + ": " + err.message;
    if (is_unreachable(err)) throw StorageUnavailable(message);
    throw std::runtime_error(message);
}

}  // namespace events::mongo
