// HTTP/1.1 server on Boost.Beast/Asio: keep-alive, a pool of worker threads,
// a body limit (413 in the envelope), a header limit (431), read/idle timeouts, CORS
// (docs/API.md "Routes"), HEAD on every route as GET without the body (docs/DECISIONS.md §2.26) and
// graceful shutdown on SIGINT/SIGTERM (in-flight requests finish first).
#pragma once

#include "http/message.h"

#include <cstdint>
#include <stdexcept>
#include <memory>
#include <string>
#include <vector>

namespace events {

struct ServerOptions {
    std::string host = "127.0.0.1";  // loopback only unless configured (docs/DECISIONS.md §2.26)
    int port = 5500;                 // 0: pick a free port (see bound_port())
    int threads = 4;                 // io threads: read, parse, answer reads, write
    int write_threads = 64;          // run the requests that change data (see server.cpp)
    int64_t body_limit = 1 << 20;
    int read_timeout_s = 30;
    int idle_timeout_s = 60;
    std::vector<std::string> cors_origins;   // exact Origin values allowed, with credentials
    // Every other origin too, as `Access-Control-Allow-Origin: *` without credentials: the
    // Fetch standard forbids credentials with `*`, so a page elsewhere can read the API
    // but not with the browser's cookies or HTTP authentication (config `cors_origins: "*"`).
    bool cors_any_origin = false;
};

// Thrown by HttpServer::start() when another socket holds the address: the caller, which
// knows how the port was chosen, names the fix (README "Configuration").
struct AddressInUseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class HttpServer {
public:
    HttpServer(ServerOptions options, RequestHandler handler);
    ~HttpServer();

    // Binds and listens; throws AddressInUseError when another socket holds host:port, and
    // std::runtime_error ("cannot listen on <host>:<port>: <reason>") for any other failure.
    void start();
    int bound_port() const;
    // Serves until SIGINT/SIGTERM or stop(); returns after in-flight requests finished.
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace events
