// The HTTP client of the Elasticsearch driver: JSON requests over a pool of HTTP/1.1
// keep-alive connections to one node (`db_uri`). The only translation unit of the
// driver that includes Boost.Beast (it is expensive to compile).
#pragma once

#include "storage/pool_stats.h"

#include <memory>
#include <string>
#include <string_view>

namespace events {

// Where and how to connect, parsed from `db_uri`:
//   http://host:9200, https://host:9200 (certificate and host name checked against the
//   system's trusted roots), with optional `user:password@` (HTTP basic auth) and an
//   optional path prefix (a node behind a reverse proxy). Throws std::invalid_argument
//   for any other form.
struct EsEndpoint {
    bool tls = false;
    std::string host;
    std::string port;
    std::string path_prefix;   // "" or "/prefix" (no trailing slash)
    std::string authorization; // "" or "Basic <base64(user:password)>"

    static EsEndpoint parse(std::string_view uri);
};

struct EsResponse {
    int status = 0;      // HTTP status of the node's answer
    std::string body;    // its JSON text
};

class EsClient {
public:
    // `pool_size`: the number of idle connections kept for reuse (more may be open
    // while many requests run at once). `timeout_s`: connect + one request/answer.
    EsClient(EsEndpoint endpoint, int pool_size, int timeout_s = 60);
    ~EsClient();
    EsClient(const EsClient&) = delete;
    EsClient& operator=(const EsClient&) = delete;

    // Sends `method target` (target relative to the endpoint, e.g. "/idx/_doc/1?refresh=wait_for")
    // with `body` as application/json when non-empty; returns the answer whatever its status.
    // A request on a reused connection that the node had closed is sent once more on a
    // new one. Throws StorageUnavailable (storage/driver.h) when the node cannot be
    // reached, the connection breaks, or the answer takes longer than the timeout.
    EsResponse request(std::string_view method, std::string_view target, std::string_view body = {});

    // Closes every idle connection.
    void close();

    // in_use: connections a request holds right now (or is opening); open: those plus
    // the idle ones kept for reuse. Read under the pool's lock.
    PoolStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace events
