#include "http_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace events::e2e {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

class Socket {
public:
    Socket() = default;
    ~Socket() { if (fd_ >= 0) ::close(fd_); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    bool connect_to(const std::string& host, int port, int timeout_s, std::string& error) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) { error = std::strerror(errno); return false; }
        timeval tv{timeout_s, 0};   // a hung server fails the test instead of hanging it
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            error = std::string("connect: ") + std::strerror(errno);
            return false;
        }
        return true;
    }

    bool send_all(const std::string& data, std::string& error) {
        size_t sent = 0;
        while (sent < data.size()) {
            ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                error = std::string("send: ") + std::strerror(errno);
                return false;
            }
            sent += static_cast<size_t>(n);
        }
        return true;
    }

    // Appends what arrives to `buf`; false on EOF or error.
    bool receive(std::string& buf) {
        char chunk[16384];
        for (;;) {
            ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            buf.append(chunk, static_cast<size_t>(n));
            return true;
        }
    }

private:
    int fd_ = -1;
};

// Reads one response from `sock`; handles Content-Length, chunked and read-to-EOF bodies.
// `buf` holds bytes already received on the connection; what follows the response stays
// in it (the next response on a keep-alive connection).
HttpResponse read_response(Socket& sock, bool head_request, std::string& buf) {
    HttpResponse r;
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (!sock.receive(buf)) {
            r.error = buf.empty() ? "connection closed without a response" : "incomplete response head";
            return r;
        }
    }
    const std::string head = buf.substr(0, header_end);
    std::string rest = buf.substr(header_end + 4);
    buf.clear();

    size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
        r.error = "bad status line: " + status_line;
        return r;
    }
    r.status = std::atoi(status_line.c_str() + 9);
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        const std::string line = head.substr(pos, end - pos);
        const size_t colon = line.find(':');
        if (colon != std::string::npos) r.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
        pos = end + 2;
    }

    if (head_request || r.status == 204 || r.status == 304) {
        buf = std::move(rest);
        return r;
    }
    if (lower(r.header("transfer-encoding")).find("chunked") != std::string::npos) {
        std::string body;
        for (;;) {
            size_t le;
            while ((le = rest.find("\r\n")) == std::string::npos)
                if (!sock.receive(rest)) { r.error = "truncated chunked body"; return r; }
            const size_t size = std::stoul(rest.substr(0, le), nullptr, 16);
            rest.erase(0, le + 2);
            while (rest.size() < size + 2)
                if (!sock.receive(rest)) { r.error = "truncated chunk"; return r; }
            body.append(rest, 0, size);
            rest.erase(0, size + 2);
            if (size == 0) break;
        }
        r.body = std::move(body);
        buf = std::move(rest);
    } else if (!r.header("content-length").empty()) {
        const size_t length = std::stoul(r.header("content-length"));
        while (rest.size() < length)
            if (!sock.receive(rest)) { r.error = "truncated body"; break; }
        r.body = rest.substr(0, length);
        if (rest.size() > length) buf = rest.substr(length);
    } else {
        while (sock.receive(rest)) {}
        r.body = std::move(rest);
    }

    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    if (!ec) {
        r.json = std::move(v);
        r.json_ok = true;
    }
    return r;
}

HttpResponse read_response(Socket& sock, bool head_request) {
    std::string buf;
    return read_response(sock, head_request, buf);
}

}  // namespace

struct HttpConnection::Impl {
    Socket sock;
    std::string buf;
};

HttpConnection::HttpConnection(int port, std::string host, int timeout_s) : impl_(std::make_unique<Impl>()) {
    connected_ = impl_->sock.connect_to(host, port, timeout_s, error_);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::send(const std::string& bytes) { return connected_ && impl_->sock.send_all(bytes, error_); }

HttpResponse HttpConnection::read(bool head_request) {
    if (!connected_) {
        HttpResponse r;
        r.error = error_;
        return r;
    }
    return read_response(impl_->sock, head_request, impl_->buf);
}

bool HttpConnection::closed_by_server() {
    if (!connected_) return false;
    if (!impl_->buf.empty()) return false;
    return !impl_->sock.receive(impl_->buf) && impl_->buf.empty();
}

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) const {
    std::string req = method + " " + target + " HTTP/1.1\r\n";
    req += "Host: " + host_ + ":" + std::to_string(port_) + "\r\n";
    req += "Connection: close\r\n";
    bool has_type = false;
    for (const auto& [name, value] : headers) {
        if (lower(name) == "content-type") has_type = true;
        req += name + ": " + value + "\r\n";
    }
    if (!body.empty() && !has_type) req += "Content-Type: application/json\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    req += body;

    Socket sock;
    HttpResponse r;
    if (!sock.connect_to(host_, port_, timeout_s_, r.error)) return r;
    if (!sock.send_all(req, r.error)) {
        // The server may answer (413) and close before reading everything we sent.
        HttpResponse early = read_response(sock, false);
        return early.status ? early : r;
    }
    return read_response(sock, method == "HEAD");
}

HttpResponse HttpClient::post(const std::string& target, const boost::json::value& body) const {
    return request("POST", target, boost::json::serialize(body));
}
HttpResponse HttpClient::put(const std::string& target, const boost::json::value& body) const {
    return request("PUT", target, boost::json::serialize(body));
}
HttpResponse HttpClient::patch(const std::string& target, const boost::json::value& body) const {
    return request("PATCH", target, boost::json::serialize(body));
}

HttpResponse HttpClient::raw(const std::string& bytes) const {
    Socket sock;
    HttpResponse r;
    if (!sock.connect_to(host_, port_, timeout_s_, r.error)) return r;
    if (!sock.send_all(bytes, r.error)) {
        HttpResponse early = read_response(sock, false);
        return early.status ? early : r;
    }
    return read_response(sock, false);
}


}  // namespace events::e2e
