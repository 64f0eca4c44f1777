// A small blocking HTTP/1.1 client over POSIX sockets for the end-to-end tests: one
// connection per request (Connection: close), so every request is independent.
#pragma once

#include <boost/json/value.hpp>

#include <map>
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

// Percent-encodes everything but unreserved characters (for query values).
std::string url_encode(const std::string& s);

}  // namespace events::e2e
