#include "storage/elasticsearch/es_client.h"

#include "storage/driver.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

namespace events {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string base64(std::string_view in) {
    std::string out(beast::detail::base64::encoded_size(in.size()), '\0');
    out.resize(beast::detail::base64::encode(out.data(), in.data(), in.size()));
    return out;
}

// %XX escapes of a user-info part (a password may contain '@' or ':' escaped so).
std::string percent_decode(std::string_view s) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

EsEndpoint EsEndpoint::parse(std::string_view uri) {
    EsEndpoint ep;
    std::string_view rest;
    if (uri.starts_with("http://")) {
        rest = uri.substr(7);
    } else if (uri.starts_with("https://")) {
        ep.tls = true;
        rest = uri.substr(8);
    } else {
        throw std::invalid_argument("db_uri must start with http:// or https:// for elasticsearch");
    }
    const size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        std::string_view path = rest.substr(slash);
        while (!path.empty() && path.back() == '/') path.remove_suffix(1);
        ep.path_prefix = std::string(path);
    }
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const size_t colon = userinfo.find(':');
        const std::string user = percent_decode(userinfo.substr(0, colon));
        const std::string pass = colon == std::string_view::npos ? "" : percent_decode(userinfo.substr(colon + 1));
        ep.authorization = "Basic " + base64(user + ":" + pass);
    }
    if (authority.starts_with('[')) {   // [IPv6]:port
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("db_uri has a malformed IPv6 host");
        ep.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        ep.port = after.starts_with(':') ? std::string(after.substr(1)) : "";
    } else {
        const size_t colon = authority.rfind(':');
        ep.host = std::string(authority.substr(0, colon));
        ep.port = colon == std::string_view::npos ? "" : std::string(authority.substr(colon + 1));
    }
    if (ep.host.empty()) throw std::invalid_argument("db_uri names no host");
    if (ep.port.empty()) ep.port = ep.tls ? "443" : "9200";
    return ep;
}

// One open connection: plain TCP or TLS over TCP.
struct Connection {
    asio::io_context ioc;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;

    beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

struct EsClient::Impl {
    EsEndpoint ep;
    size_t pool_size;
    std::chrono::seconds timeout;
    std::optional<asio::ssl::context> tls;
    mutable std::mutex mutex;   // guards idle and in_use
    std::vector<std::unique_ptr<Connection>> idle;
    int64_t in_use = 0;         // connections held by a request, including those being opened

    // Ends one request's hold on a connection (counted in `in_use`) unless it was
    // given back to `idle` already; also when the request throws.
    struct Hold {
        Impl& impl;
        bool given_back = false;
        ~Hold() {
            if (given_back) return;
            std::lock_guard lock(impl.mutex);
            --impl.in_use;
        }
    };

    std::unique_ptr<Connection> connect() {
        auto c = std::make_unique<Connection>();
        tcp::resolver resolver(c->ioc);
        beast::error_code ec;
        auto endpoints = resolver.resolve(ep.host, ep.port, ec);
        if (ec) throw StorageUnavailable("elasticsearch: cannot resolve " + ep.host + ": " + ec.message());
        if (tls) {
            c->secure.emplace(c->ioc, *tls);
            // SNI and host-name verification against the certificate.
            if (!SSL_set_tlsext_host_name(c->secure->native_handle(), ep.host.c_str()))
                throw StorageUnavailable("elasticsearch: cannot set TLS server name");
            c->secure->set_verify_callback(asio::ssl::host_name_verification(ep.host));
        } else {
            c->plain.emplace(c->ioc);
        }
        c->tcp().expires_after(timeout);
        c->tcp().connect(endpoints, ec);
        if (ec) throw StorageUnavailable("elasticsearch: cannot connect to " + ep.host + ":" + ep.port + ": " + ec.message());
        if (c->secure) {
            c->tcp().expires_after(timeout);
            c->secure->handshake(asio::ssl::stream_base::client, ec);
            if (ec) throw StorageUnavailable("elasticsearch: TLS handshake with " + ep.host + " failed: " + ec.message());
        }
        return c;
    }

    // One exchange on `c`; false (with `error`) when the connection failed.
    bool exchange(Connection& c, const http::request<http::string_body>& req, EsResponse& out, std::string& error) {
        beast::error_code ec;
        http::response<http::string_body> res;
        http::response_parser<http::string_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        // A HEAD answer announces a Content-Length but has no body.
        if (req.method() == http::verb::head) parser.skip(true);
        c.tcp().expires_after(timeout);
        if (c.secure) http::write(*c.secure, req, ec);
        else http::write(*c.plain, req, ec);
        if (!ec) {
            if (c.secure) http::read(*c.secure, c.buffer, parser, ec);
            else http::read(*c.plain, c.buffer, parser, ec);
        }
        if (ec) {
            error = ec.message();
            return false;
        }
        res = parser.release();
        out.status = static_cast<int>(res.result_int());
        out.body = std::move(res.body());
        return res.keep_alive();
    }
};

EsClient::EsClient(EsEndpoint endpoint, int pool_size, int timeout_s) : impl_(std::make_unique<Impl>()) {
    impl_->ep = std::move(endpoint);
    impl_->pool_size = static_cast<size_t>(pool_size > 0 ? pool_size : 8);
    impl_->timeout = std::chrono::seconds(timeout_s);
    if (impl_->ep.tls) {
        impl_->tls.emplace(asio::ssl::context::tls_client);
        impl_->tls->set_default_verify_paths();
        impl_->tls->set_verify_mode(asio::ssl::verify_peer);
    }
}

EsClient::~EsClient() = default;

void EsClient::close() {
    std::lock_guard lock(impl_->mutex);
    impl_->idle.clear();
}

PoolStats EsClient::stats() const {
    std::lock_guard lock(impl_->mutex);
    return PoolStats{impl_->in_use, impl_->in_use + static_cast<int64_t>(impl_->idle.size())};
}

EsResponse EsClient::request(std::string_view method, std::string_view target, std::string_view body) {
    http::request<http::string_body> req;
    req.method(http::string_to_verb(method));
    req.target(impl_->ep.path_prefix + std::string(target));
    req.version(11);
    req.set(http::field::host, impl_->ep.host + ":" + impl_->ep.port);
    req.set(http::field::accept, "application/json");
    if (!impl_->ep.authorization.empty()) req.set(http::field::authorization, impl_->ep.authorization);
    if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = std::string(body);
    }
    req.keep_alive(true);
    req.prepare_payload();

    for (int attempt = 0;; ++attempt) {
        std::unique_ptr<Connection> c;
        bool reused = false;
        {
            std::lock_guard lock(impl_->mutex);
            ++impl_->in_use;
            if (!impl_->idle.empty()) {
                c = std::move(impl_->idle.back());
                impl_->idle.pop_back();
                reused = true;
            }
        }
        Impl::Hold hold{*impl_};   // ends this attempt's count, also when it throws
        if (!c) c = impl_->connect();
        EsResponse out;
        std::string error;
        const bool keep = impl_->exchange(*c, req, out, error);
        if (out.status == 0) {
            // A pooled connection may have been closed by the node (idle timeout, restart):
            // one more try on a fresh connection before calling the node unavailable.
            if (reused && attempt == 0) {
                close();   // the others were opened before the same break
                continue;
            }
            throw StorageUnavailable("elasticsearch: request failed: " + error);
        }
        if (keep) {
            std::lock_guard lock(impl_->mutex);
            if (impl_->idle.size() < impl_->pool_size) {
                impl_->idle.push_back(std::move(c));
                --impl_->in_use;
                hold.given_back = true;
            }
        }
        return out;
    }
}

}  // namespace events
