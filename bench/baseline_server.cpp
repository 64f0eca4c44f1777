// The benchmark's ceiling: a minimal Boost.Beast HTTP/1.1 keep-alive server that answers
// every request with the same small JSON body. Measured with the same wrk settings as the
// real server, its requests/s is what "100%" means in the report: the cost of the loopback,
// the HTTP parsing and wrk itself on this machine, with no application work at all.
//
//   baseline_server <port> [threads=2]
//
// Header-only Beast; built by bench/run.sh with one g++ line.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// About the size of a small envelope of the real server.
constexpr std::string_view kBody =
    R"({"data":{"id":"01hk153x00q460rfmz6kwfrgzn","name":"baseline"},"notifications":{},"status":"success"})";

class Session : public std::enable_shared_from_this<Session> {
public:
    explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}

    void start() { read(); }

private:
    void read() {
        request_ = {};
        http::async_read(stream_, buffer_, request_,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return close();
        response_ = {};
        response_.version(request_.version());
        response_.result(http::status::ok);
        response_.set(http::field::content_type, "application/json");
        response_.keep_alive(request_.keep_alive());
        response_.body() = kBody;
        response_.prepare_payload();
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return close();
        if (!response_.keep_alive()) return close();
        read();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    http::response<http::string_body> response_;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(asio::io_context& ioc, tcp::endpoint endpoint) : ioc_(ioc), acceptor_(ioc) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }

    void accept() {
        acceptor_.async_accept(asio::make_strand(ioc_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            socket.set_option(tcp::no_delay(true));
            std::make_shared<Session>(std::move(socket))->start();
        }
        accept();
    }

    asio::io_context& ioc_;
    tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: baseline_server <port> [threads]\n");
        return 2;
    }
    const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
    const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
    try {
        asio::io_context ioc(threads);
        std::make_shared<Listener>(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port))->accept();
        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
        std::vector<std::thread> pool;
        for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
        ioc.run();
        for (auto& t : pool) t.join();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "baseline_server: %s\n", e.what());
        return 1;
    }
    return 0;
}
