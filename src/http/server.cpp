// Modelled on Beast's advanced async server example: one io_context run by a pool of
// threads, a strand per connection, one Session object per connection.
//
// Session states: idle (waiting for the first byte of the next request) -> reading
// (header, then body) -> handling -> writing -> idle again, or closed. A request
// that only reads runs its synchronous RequestHandler on the io thread; one that
// changes data (POST, PUT, PATCH, DELETE) runs on the separate write pool and the
// session resumes on its strand when it is done. Writes wait for the database's
// single writer (and, on SQLite, for a group commit); parking them on the write
// pool keeps the io threads free for reads, and lets many writes queue up at once
// so that one commit serves them all. The split between idle and reading is
// what lets two timeouts apply (idle_timeout_s vs read_timeout_s) and lets a graceful
// shutdown close idle keep-alive connections while in-flight requests finish.
#include "http/server.h"

#include "http/request_target.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace events {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

using Response = http::response<http::string_body>;

// The envelope of an error the HTTP layer answers itself. Messages are fixed texts
// (no client input), so no JSON escaping is needed.
std::string error_envelope(const char* type, const std::string& message) {
    return std::string(R"({"data":null,"notifications":{"general":{"errors":[{"type":")") + type +
           R"(","message":")" + message + R"("}],"warnings":[]}},"status":"error"})";
}

// How long to keep reading (and discarding) after an error response that closes the
// connection, so that the client's unread request bytes do not turn our close into a
// reset that destroys the response before the client reads it.
constexpr auto kLingerTime = std::chrono::seconds(2);

// The most bytes the request line and header fields of one request may take; more
// gets 431 (docs/DECISIONS.md §2.26). Browsers and proxies keep well under it (nginx's default
// for one line is 8 KiB); a long `filter` in the URL still fits.
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

// After a failed accept the acceptor waits before trying again: kAcceptRetryFirst,
// doubling up to kAcceptRetryMost, back to none after an accept succeeds. Why: the
// errors that reach us are shortages (EMFILE/ENFILE out of file descriptors,
// ENOBUFS/ENOMEM), and the pending connection keeps the listening socket readable,
// so an accept tried again at once fails again at once: a busy loop that takes a core
// from the connections still being served, and that Beast's async server example
// avoids by not re-arming after an error. We wait instead of giving up, so the server
// accepts again by itself once descriptors are free (a second at the most later).
constexpr auto kAcceptRetryFirst = std::chrono::milliseconds(10);
constexpr auto kAcceptRetryMost = std::chrono::milliseconds(1000);

class Session;

// Server state shared by the acceptor and every session.
struct ServerCore {
    ServerCore(ServerOptions o, RequestHandler h)
        : options(std::move(o)),
          handler(std::move(h)),
          ioc(std::max(1, options.threads)),
          acceptor(net::make_strand(ioc)),
          signals(acceptor.get_executor()),
          accept_retry(acceptor.get_executor()),
          write_pool(static_cast<std::size_t>(std::max(1, options.write_threads))) {}

    void accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    // Runs on the acceptor's strand after a failed accept: accept() again after the
    // back-off delay (kAcceptRetryFirst..kAcceptRetryMost). Logs the first failure of
    // an episode only; on_accept() logs its end.
    void accept_later(const beast::error_code& ec);
    // Runs on the acceptor's strand: stop accepting, stop listening for signals and
    // close every idle connection. Busy connections close after their response.
    void shut_down();

    void add(const std::shared_ptr<Session>& s);
    void remove(Session* s);

    bool cors_allowed(std::string_view origin) const {
        return !origin.empty() &&
               std::find(options.cors_origins.begin(), options.cors_origins.end(), origin) !=
                   options.cors_origins.end();
    }

    ServerOptions options;
    RequestHandler handler;
    // Before the io_context: handlers it destroys may still end sessions, which
    // unregister themselves here.
    std::mutex sessions_mutex;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    std::atomic<bool> stopping{false};
    bool started = false;
    int port = 0;

    net::io_context ioc;
    tcp::acceptor acceptor;
    net::signal_set signals;
    // The back-off after failed accepts (accept_later()); used on the acceptor's strand only.
    net::steady_timer accept_retry;
    std::chrono::milliseconds accept_delay{0};   // 0: the last accept succeeded
    std::uint64_t accept_failures = 0;           // in the current episode
    // Declared last, so destroyed (joined) first: its tasks hold sessions, which
    // hold sockets of the io_context.
    net::thread_pool write_pool;
};

bool changes_data(http::verb method) {
    return method == http::verb::post || method == http::verb::put || method == http::verb::patch ||
           method == http::verb::delete_;
}

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, ServerCore& server) : stream_(std::move(socket)), server_(server) {}
    ~Session() { server_.remove(this); }

    void start() {
        net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::wait_for_request, shared_from_this()));
    }

    // Called by a shutdown: an idle connection is closed now,
    // a busy one when its response has been written.
    void post_close_if_idle() {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->idle_) self->stream_.cancel();
        });
    }

private:
    void wait_for_request() {
        if (server_.stopping) return close();
        if (buffer_.size() > 0) return read_header();   // a pipelined request is already here
        idle_ = true;
        stream_.expires_after(std::chrono::seconds(first_request_ ? server_.options.read_timeout_s
                                                                  : server_.options.idle_timeout_s));
        stream_.async_read_some(buffer_.prepare(4096),
                                beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
    }

    void on_first_bytes(beast::error_code ec, std::size_t n) {
        idle_ = false;
        if (ec || server_.stopping) return close();   // timeout, EOF, shutdown
        buffer_.commit(n);
        read_header();
    }

    void read_header() {
        first_request_ = false;
        parser_.emplace();
        parser_->body_limit(static_cast<std::uint64_t>(std::max<int64_t>(0, server_.options.body_limit)));
        parser_->header_limit(kHeaderLimit);
        stream_.expires_after(std::chrono::seconds(server_.options.read_timeout_s));
        // A whole header is usually in the buffer already (the first bytes, or a pipelined
        // request): parse it here, as async_read_header() would, without its composed
        // operation and the trip through the strand (a tenth of a GET by id, counted by
        // bench/profile.sh). Only a header still incomplete goes to async_read_header().
        beast::error_code ec;
        while (!parser_->is_header_done() && buffer_.size() > 0) {
            const std::size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more) break;
            if (ec) return on_read_error(ec);
            if (used == 0) break;
        }
        if (parser_->is_header_done()) return on_header({}, 0);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    void on_header(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        if (parser_->is_done()) return handle();
        // Expect: 100-continue – the client waits for our go-ahead before sending the body.
        if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                           parser_->get().version());
            http::async_write(stream_, *cont,
                              [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                                  if (ec) return self->close();
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_body, shared_from_this()));
    }

    void on_body(beast::error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        handle();
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::body_limit) {
            return send_error(http::status::payload_too_large, "payload_too_large",
                              "Request body exceeds the limit of " + std::to_string(server_.options.body_limit) +
                                  " bytes");
        }
        if (ec == http::error::header_limit) {
            return send_error(http::status::request_header_fields_too_large, "header_too_large",
                              "Request header fields exceed the limit of " + std::to_string(kHeaderLimit) + " bytes");
        }
        // A connection that dropped or timed out gets no answer; anything else is a request
        // the parser cannot read.
        if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == beast::error::timeout ||
            ec == net::error::operation_aborted || ec == net::error::connection_reset || ec == net::error::eof) {
            return close();
        }
        send_error(http::status::bad_request, "bad_request", "Malformed HTTP request");
    }

    // Answers an error the HTTP layer detected itself and closes the connection.
    void send_error(http::status status, const char* type, const std::string& message) {
        unsigned version = 11;
        std::string origin;
        if (parser_ && parser_->is_header_done()) {
            version = parser_->get().version();
            origin = std::string(parser_->get()[http::field::origin]);
        }
        Response res{status, version};
        res.set(http::field::content_type, "application/json");
        res.body() = error_envelope(type, message);
        res.prepare_payload();
        add_cors(res, origin);
        send(std::move(res), /*close=*/true, /*linger=*/true);
    }

    void handle() {
        const auto& req = parser_->get();
        std::string origin(req[http::field::origin]);
        bool keep_alive = req.keep_alive();

        if (req.method() == http::verb::options) {
            Response res{http::status::no_content, req.version()};
            add_cors(res, origin);
            res.set(http::field::access_control_allow_methods, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            auto requested = req[http::field::access_control_request_headers];
            res.set(http::field::access_control_allow_headers, requested.empty() ? "*" : requested);
            res.set(http::field::access_control_max_age, "3600");
            return send(std::move(res), !keep_alive, false);
        }

        auto target = parse_request_target(req.target());
        const char* target_error = !target ? "Malformed percent-encoding in request target"
                                   // docs/DECISIONS.md §2.24; the query's values are checked where they are parsed,
                                   // so that the error names the parameter.
                                   : target->path.find('\0') != std::string::npos
                                       ? "The request path must not contain the NUL character (U+0000)"
                                       : nullptr;
        if (target_error) {
            Response res{http::status::bad_request, req.version()};
            res.set(http::field::content_type, "application/json");
            res.body() = error_envelope("bad_request", target_error);
            res.prepare_payload();
            add_cors(res, origin);
            return send(std::move(res), !keep_alive, false);
        }

        HttpRequest request;
        // HEAD is GET without the body (docs/DECISIONS.md §2.26): the handler answers the GET, and
        // respond() sends its status and headers, Content-Length included, but no body. So
        // every GET route answers HEAD and the handler knows nothing about it.
        request.head = req.method() == http::verb::head;
        request.method = request.head ? std::string("GET") : std::string(req.method_string());
        std::transform(request.method.begin(), request.method.end(), request.method.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        request.path = std::move(target->path);
        request.segments = std::move(target->segments);
        request.query = std::move(target->query);
        request.authorization = std::string(req[http::field::authorization]);
        request.request_id = std::string(req["X-Request-Id"]);   // access logs and metrics
        request.accept = std::string(req[http::field::accept]);
        request.cookie = std::string(req[http::field::cookie]);
        {
            beast::error_code ignored;
            const auto peer = stream_.socket().remote_endpoint(ignored);
            if (!ignored) request.client_address = peer.address().to_string();
        }
        if (auto it = req.find(http::field::if_match); it != req.end()) request.if_match = std::string(it->value());
        request.body = std::move(parser_->get().body());

        if (!changes_data(req.method())) return respond(call_handler(request));
        // The work guard keeps the io_context running while the write is away.
        net::post(server_.write_pool, [self = shared_from_this(), request = std::move(request),
                                       work = net::make_work_guard(stream_.get_executor())]() mutable {
            HttpResponse out = self->call_handler(request);
            net::post(work.get_executor(), [self, out = std::move(out)]() mutable { self->respond(std::move(out)); });
        });
    }

    HttpResponse call_handler(const HttpRequest& request) const {
        try {
            return server_.handler(request);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "events: request handler failed on %s %s: %s\n", request.method.c_str(),
                         request.path.c_str(), e.what());
        } catch (...) {
        }
        return HttpResponse{500, "application/json", error_envelope("internal_error", "Internal server error"), {}};
    }

    // Frames the handler's answer for the request still held by the parser.
    void respond(HttpResponse&& out) {
        const auto& req = parser_->get();
        std::string origin(req[http::field::origin]);
        const bool keep_alive = req.keep_alive();
        Response res{static_cast<http::status>(out.status), req.version()};
        if (!out.content_type.empty()) res.set(http::field::content_type, out.content_type);
        for (auto& [name, value] : out.headers) res.insert(name, value);
        add_cors(res, origin);
        int status_class = out.status / 100;
        if (status_class == 1 || out.status == 204 || out.status == 304) {
            // These statuses carry no body (RFC 9110); Beast refuses to frame one.
            res.prepare_payload();
        } else if (req.method() == http::verb::head) {
            res.content_length(out.body.size());
        } else {
            res.body() = std::move(out.body);
            res.prepare_payload();
        }
        send(std::move(res), !keep_alive, false);
    }

    // A listed origin is echoed with credentials; any other, when every origin is
    // allowed, gets `*` and no credentials (ServerOptions::cors_any_origin).
    void add_cors(Response& res, const std::string& origin) const {
        if (origin.empty()) return;
        if (server_.cors_allowed(origin)) {
            res.set(http::field::access_control_allow_origin, origin);
            res.set(http::field::access_control_allow_credentials, "true");
            res.set(http::field::vary, "Origin");
        } else if (server_.options.cors_any_origin) {
            res.set(http::field::access_control_allow_origin, "*");
        }
    }

    void send(Response&& res, bool close, bool linger) {
        close = close || server_.stopping;
        res.set(http::field::server, "events");
        res.keep_alive(!close);
        response_ = std::move(res);
        stream_.expires_after(std::chrono::seconds(server_.options.read_timeout_s));
        http::async_write(stream_, response_,
                          [self = shared_from_this(), close, linger](beast::error_code ec, std::size_t) {
                              self->on_write(ec, close, linger);
                          });
    }

    void on_write(beast::error_code ec, bool close, bool linger) {
        response_ = {};
        if (ec) return this->close();
        if (linger) return drain();
        if (close || server_.stopping) return this->close();
        parser_.reset();
        wait_for_request();
    }

    // Half-close, then read and discard what the client still sends until it closes too
    // (or kLingerTime passes), so our response survives the close.
    void drain() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        idle_ = true;
        stream_.expires_after(kLingerTime);
        discard();
    }

    void discard() {
        stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->discard();
        });
    }

    void close() {
        idle_ = false;
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    ServerCore& server_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Response response_;
    bool idle_ = false;
    bool first_request_ = true;
    std::array<char, 4096> scratch_{};
};

void ServerCore::accept() {
    acceptor.async_accept(net::make_strand(ioc), beast::bind_front_handler(&ServerCore::on_accept, this));
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor.is_open()) return;
    if (ec) return accept_later(ec);
    if (accept_delay.count() != 0) {
        std::fprintf(stderr, "events: accepting connections again (after %llu failed attempts)\n",
                     static_cast<unsigned long long>(accept_failures));
        accept_delay = std::chrono::milliseconds(0);
        accept_failures = 0;
    }
    auto session = std::make_shared<Session>(std::move(socket), *this);
    add(session);
    session->start();
    accept();
}

void ServerCore::accept_later(const beast::error_code& ec) {
    ++accept_failures;
    if (accept_delay.count() == 0) {
        // Once per episode: a failure a second for hours must not flood the log.
        std::fprintf(stderr,
                     "events: cannot accept connections: %s; retrying every %lld ms at the most, the open "
                     "connections are still served\n",
                     ec.message().c_str(), static_cast<long long>(kAcceptRetryMost.count()));
        accept_delay = kAcceptRetryFirst;
    } else {
        accept_delay = std::min(accept_delay * 2, kAcceptRetryMost);
    }
    accept_retry.expires_after(accept_delay);
    accept_retry.async_wait([this](beast::error_code wait_ec) {
        if (wait_ec || stopping || !acceptor.is_open()) return;   // cancelled by shut_down()
        accept();
    });
}

void ServerCore::shut_down() {
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    accept_retry.cancel();   // a pending retry would keep the io_context running
    std::vector<std::shared_ptr<Session>> live;
    {
        std::lock_guard lock(sessions_mutex);
        for (auto& [_, weak] : sessions)
            if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->post_close_if_idle();
}

void ServerCore::add(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(sessions_mutex);
    sessions.emplace(s.get(), s);
}

void ServerCore::remove(Session* s) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
}

}  // namespace

struct HttpServer::Impl : ServerCore {
    using ServerCore::ServerCore;
};

HttpServer::HttpServer(ServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
    if (impl_->started) return;
    const auto& o = impl_->options;
    try {
        tcp::resolver resolver(impl_->ioc);
        auto results = resolver.resolve(o.host, std::to_string(o.port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service);
        tcp::endpoint endpoint = results.begin()->endpoint();
        auto& acceptor = impl_->acceptor;
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
        impl_->port = acceptor.local_endpoint().port();
    } catch (const boost::system::system_error& e) {
        beast::error_code ignored;
        impl_->acceptor.close(ignored);
        const std::string what = "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + e.code().message();
        if (e.code() == net::error::address_in_use) throw AddressInUseError(what);
        throw std::runtime_error(what);
    }
    impl_->started = true;
}

int HttpServer::bound_port() const { return impl_->port; }

void HttpServer::run() {
    start();
    auto& impl = *impl_;
    impl.signals.add(SIGINT);
    impl.signals.add(SIGTERM);
    impl.signals.async_wait([this](beast::error_code ec, int) {
        if (!ec) stop();
    });
    net::dispatch(impl.acceptor.get_executor(), [&impl] {
        if (!impl.stopping) impl.accept();
    });

    // The io_context runs out of work (and every run() returns) once the acceptor and
    // the signal set are closed and the last connection is gone.
    auto work = [&impl] {
        for (;;) {
            try {
                impl.ioc.run();
                return;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "events: unexpected error in the HTTP server: %s\n", e.what());
            }
        }
    };
    std::vector<std::thread> pool;
    for (int i = 1; i < std::max(1, impl.options.threads); ++i) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
}

void HttpServer::stop() {
    if (impl_->stopping.exchange(true)) return;
    net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->shut_down(); });
}

}  // namespace events
