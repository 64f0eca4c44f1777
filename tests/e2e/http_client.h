// A small blocking HTTP/1.1 client over POSIX sockets for the end-to-end tests: one
// connection per request (Connection: close), so every request is independent.
#pragma once

#include "tools/url_encode.h"

#include <boost/json/value.hpp>

#include <map>
#include <memory>
#include <string>

namespace events::e2e {

struct HttpResponse {
    int status = 0;                               // 0: no answer (connection failed/closed)
    std::map<std::string, std::string> headers;   // names lower-cased
    std::string body;
    boost::json::value json;                      // null when the body is not JSON
    bool json_ok = false;
    std::string error;                            // transport error, if any

    std::string header(const std::string& lower_name) const;
};

class HttpClient {
public:
    explicit HttpClient(int port, std::string host = "127.0.0.1") : port_(port), host_(std::move(host)) {}

    HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {}) const;
    HttpResponse get(const std::string& target) const { return request("GET", target); }
    HttpResponse del(const std::string& target) const { return request("DELETE", target); }
    HttpResponse post(const std::string& target, const boost::json::value& body) const;
    HttpResponse put(const std::string& target, const boost::json::value& body) const;
    HttpResponse patch(const std::string& target, const boost::json::value& body) const;

    // Sends `bytes` verbatim (a whole request, possibly malformed) and reads the answer.
    HttpResponse raw(const std::string& bytes) const;

    int port() const { return port_; }
    // How long a request may wait for each read/write before it fails with status 0.
    void set_timeout(int seconds) { timeout_s_ = seconds; }

private:
    int port_;
    std::string host_;
    int timeout_s_ = 60;
};

// One keep-alive connection: raw requests are sent as given and the answers read one by
// one, in order, so a test can check that the connection stays usable.
class HttpConnection {
public:
    explicit HttpConnection(int port, std::string host = "127.0.0.1", int timeout_s = 60);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    bool connected() const { return connected_; }
    const std::string& error() const { return error_; }
    // Sends `bytes` verbatim (one or several requests); false on a transport error.
    bool send(const std::string& bytes);
    // The next answer; with head_request its body is not read (RFC 9110: a HEAD answer
    // has none, whatever Content-Length says). status 0 when none came.
    HttpResponse read(bool head_request = false);
    // True when the server has closed the connection and sent nothing more (waits up to
    // the timeout for either).
    bool closed_by_server();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool connected_ = false;
    std::string error_;
};


}  // namespace events::e2e
