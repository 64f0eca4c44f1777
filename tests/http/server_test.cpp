// HttpServer over real loopback sockets.
#include "http/server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace events {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Response = http::response<http::string_body>;

// One client connection. Every call runs async operations under a 20 s deadline
// (tcp_stream timeouts apply to async operations only), so a server bug fails the
// test instead of hanging it.
class Client {
public:
    explicit Client(int port) : stream_(ioc_) {
        beast::error_code ec;
        stream_.expires_after(kDeadline);
        stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
                              [&](beast::error_code e) { ec = e; });
        run();
        if (ec) throw beast::system_error(ec);
    }

    void send_raw(const std::string& bytes) {
        beast::error_code ec;
        stream_.expires_after(kDeadline);
        net::async_write(stream_, net::buffer(bytes), [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) throw beast::system_error(ec);
    }

    Response read() {
        beast::error_code ec;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 << 20);
        stream_.expires_after(kDeadline);
        http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) throw beast::system_error(ec);
        return parser.release();
    }

    // Reads the answer to a HEAD request: the header only, the body left empty
    // whatever Content-Length says (RFC 9110 §9.3.2).
    Response read_head() {
        beast::error_code ec;
        http::response_parser<http::string_body> parser;
        parser.skip(true);
        stream_.expires_after(kDeadline);
        http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        if (ec) throw beast::system_error(ec);
        return parser.release();
    }

    Response request(const std::string& raw) {
        send_raw(raw);
        return read();
    }

    // True when the server closed the connection (EOF) rather than sending more.
    bool closed_by_server() {
        if (buffer_.size() > 0) return false;
        beast::error_code ec;
        char byte;
        stream_.expires_after(kDeadline);
        stream_.async_read_some(net::buffer(&byte, 1), [&](beast::error_code e, std::size_t) { ec = e; });
        run();
        return ec == net::error::eof || ec == net::error::connection_reset;
    }

private:
    static constexpr auto kDeadline = std::chrono::seconds(20);
    void run() {
        ioc_.restart();
        ioc_.run();
    }

    net::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
};

std::string get(const std::string& target, const std::string& extra_headers = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers + "\r\n";
}

// A server on an ephemeral loopback port, run() on its own thread.
class RunningServer {
public:
    RunningServer(ServerOptions options, RequestHandler handler) {
        options.host = "127.0.0.1";
        options.port = 0;
        server_ = std::make_unique<HttpServer>(std::move(options), std::move(handler));
        server_->start();
        runner_ = std::thread([this] { server_->run(); });
    }
    ~RunningServer() { shut_down(); }

    int port() const { return server_->bound_port(); }
    HttpServer& server() { return *server_; }
    void shut_down() {
        if (!runner_.joinable()) return;
        server_->stop();
        runner_.join();
    }

private:
    std::unique_ptr<HttpServer> server_;
    std::thread runner_;
};

ServerOptions test_options() {
    ServerOptions o;
    o.threads = 2;
    o.cors_origins = {"http://localhost:4200", "http://localhost:5500"};
    return o;
}

// Echoes the request back as text so tests can see what the handler received.
HttpResponse echo(const HttpRequest& req) {
    HttpResponse res;
    res.content_type = "text/plain";
    res.body = req.method + " " + req.path + "\n";
    for (auto& [k, v] : req.query) res.body += "[" + k + "]=[" + v + "]\n";
    res.body += "auth=" + req.authorization + "\nbody=" + req.body;
    return res;
}

TEST(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
    std::atomic<int> calls{0};
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        ++calls;
        return echo(req);
    });
    Client c(s.port());
    auto first = c.request(get("/one"));
    EXPECT_EQ(first.result_int(), 200);
    EXPECT_EQ(first.body().substr(0, 8), "GET /one");
    EXPECT_TRUE(first.keep_alive());
    EXPECT_EQ(first[http::field::server], "events");
    EXPECT_EQ(first[http::field::content_type], "text/plain");
    EXPECT_EQ(first[http::field::content_length], std::to_string(first.body().size()));
    auto second = c.request(get("/two"));
    EXPECT_EQ(second.result_int(), 200);
    EXPECT_EQ(second.body().substr(0, 8), "GET /two");
    EXPECT_EQ(calls.load(), 2);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    c.send_raw(get("/a") + get("/b"));
    EXPECT_EQ(c.read().body().substr(0, 6), "GET /a");
    EXPECT_EQ(c.read().body().substr(0, 6), "GET /b");
}

TEST(HttpServer, ConnectionCloseAndHttp10CloseAfterTheResponse) {
    RunningServer s(test_options(), echo);
    {
        Client c(s.port());
        auto res = c.request(get("/x", "Connection: close\r\n"));
        EXPECT_EQ(res.result_int(), 200);
        EXPECT_FALSE(res.keep_alive());
        EXPECT_TRUE(c.closed_by_server());
    }
    {
        Client c(s.port());
        auto res = c.request("GET /y HTTP/1.0\r\n\r\n");
        EXPECT_EQ(res.result_int(), 200);
        EXPECT_EQ(res.body().substr(0, 6), "GET /y");
        EXPECT_TRUE(c.closed_by_server());
    }
    {
        Client c(s.port());
        auto res = c.request("GET /z HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        EXPECT_TRUE(res.keep_alive());
        EXPECT_EQ(c.request("GET /w HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").body().substr(0, 6), "GET /w");
    }
}

TEST(HttpServer, OversizedContentLengthGets413EnvelopeAndClose) {
    auto options = test_options();
    options.body_limit = 1024;
    std::atomic<int> calls{0};
    RunningServer s(options, [&](const HttpRequest& req) {
        ++calls;
        return echo(req);
    });
    Client c(s.port());
    std::string body(4096, 'x');
    auto res = c.request("POST /api/user HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_EQ(res.body(),
              R"({"data":null,"notifications":{"general":{"errors":[{"type":"payload_too_large","message":"Request body exceeds the limit of 1024 bytes"}],"warnings":[]}},"status":"error"})");
    EXPECT_EQ(res[http::field::content_length], std::to_string(res.body().size()));
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServer, DefaultLimitIsOneMebibyteAndTheWholeBodyMayBeSentFirst) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    std::string body((2 << 20), 'x');
    // The client writes its whole 2 MiB before reading: the server must read and discard
    // it after answering, or its close would reset the connection and lose the 413.
    auto res = c.request("PUT /api/user/1 HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\n\r\n" + body);
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_NE(res.body().find("exceeds the limit of 1048576 bytes"), std::string::npos);
}

TEST(HttpServer, OversizedChunkedBodyGets413) {
    auto options = test_options();
    options.body_limit = 100;
    RunningServer s(options, echo);
    Client c(s.port());
    std::string chunk(80, 'y');
    auto res = c.request("POST /api/user HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" + chunk +
                         "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(res.result_int(), 413);
    auto json = boost::json::parse(res.body());
    EXPECT_EQ(json.at("notifications").at("general").at("errors").at(0).at("message"),
              "Request body exceeds the limit of 100 bytes");
}

TEST(HttpServer, BodyAtTheLimitIsAccepted) {
    auto options = test_options();
    options.body_limit = 100;
    RunningServer s(options, echo);
    Client c(s.port());
    std::string body(100, 'z');
    auto res = c.request("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" + body);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_NE(res.body().find("body=" + body), std::string::npos);
}

TEST(HttpServer, ExpectContinueGetsTheGoAhead) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    c.send_raw("POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    auto interim = c.read();
    EXPECT_EQ(interim.result_int(), 100);
    c.send_raw("hello");
    auto res = c.read();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_NE(res.body().find("body=hello"), std::string::npos);
}

TEST(HttpServer, QueryIsDecodedAndPassedInOrder) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    auto res = c.request(get("/api/us%65r?filter=name%3Abob+smith&sort=name%2Cid&full_match",
                             "Authorization: Bearer t0k\r\n"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(),
              "GET /api/user\n[filter]=[name:bob smith]\n[sort]=[name,id]\n[full_match]=[]\nauth=Bearer t0k\nbody=");
}

TEST(HttpServer, MalformedPercentEscapeIs400) {
    std::atomic<int> calls{0};
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        ++calls;
        return echo(req);
    });
    Client c(s.port());
    auto res = c.request(get("/api/user?filter=%zz"));
    EXPECT_EQ(res.result_int(), 400);
    auto json = boost::json::parse(res.body());
    EXPECT_EQ(json.at("status"), "error");
    EXPECT_EQ(json.at("notifications").at("general").at("errors").at(0).at("type"), "bad_request");
    EXPECT_EQ(calls.load(), 0);
    // The request itself was well-formed HTTP: the connection stays usable.
    EXPECT_EQ(c.request(get("/ok")).result_int(), 200);
    EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServer, UnparsableRequestIs400AndClose) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    auto res = c.request("THIS IS NOT HTTP\r\n\r\n");
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(res.body(),
              R"({"data":null,"notifications":{"general":{"errors":[{"type":"bad_request","message":"Malformed HTTP request"}],"warnings":[]}},"status":"error"})");
    EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, PreflightAnswers204WithoutCallingTheHandler) {
    std::atomic<int> calls{0};
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        ++calls;
        return echo(req);
    });
    Client c(s.port());
    auto res = c.request(
        "OPTIONS /api/user/123 HTTP/1.1\r\nHost: h\r\nOrigin: http://localhost:4200\r\n"
        "Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type, authorization\r\n\r\n");
    EXPECT_EQ(res.result_int(), 204);
    EXPECT_EQ(res[http::field::access_control_allow_origin], "http://localhost:4200");
    EXPECT_EQ(res[http::field::access_control_allow_credentials], "true");
    EXPECT_EQ(res[http::field::access_control_allow_methods], "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    EXPECT_EQ(res[http::field::access_control_allow_headers], "content-type, authorization");
    EXPECT_EQ(res[http::field::access_control_max_age], "3600");
    EXPECT_EQ(res[http::field::vary], "Origin");
    EXPECT_TRUE(res.body().empty());

    auto no_headers = c.request("OPTIONS /anything HTTP/1.1\r\nHost: h\r\nOrigin: http://localhost:5500\r\n\r\n");
    EXPECT_EQ(no_headers.result_int(), 204);
    EXPECT_EQ(no_headers[http::field::access_control_allow_headers], "*");

    auto denied = c.request("OPTIONS /api/user HTTP/1.1\r\nHost: h\r\nOrigin: http://evil.example\r\n\r\n");
    EXPECT_EQ(denied.result_int(), 204);
    EXPECT_EQ(denied.count(http::field::access_control_allow_origin), 0u);
    EXPECT_EQ(denied.count(http::field::access_control_allow_credentials), 0u);
    EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServer, CorsHeadersOnlyForAllowedOrigins) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    auto allowed = c.request(get("/api/user", "Origin: http://localhost:5500\r\n"));
    EXPECT_EQ(allowed[http::field::access_control_allow_origin], "http://localhost:5500");
    EXPECT_EQ(allowed[http::field::access_control_allow_credentials], "true");
    EXPECT_EQ(allowed[http::field::vary], "Origin");

    auto denied = c.request(get("/api/user", "Origin: http://localhost:4201\r\n"));
    EXPECT_EQ(denied.result_int(), 200);
    EXPECT_EQ(denied.count(http::field::access_control_allow_origin), 0u);

    auto none = c.request(get("/api/user"));
    EXPECT_EQ(none.count(http::field::access_control_allow_origin), 0u);
}

// `cors_origins: "*"`: any origin may read, without credentials (the Fetch standard
// refuses `*` with credentials); a listed origin keeps its credentials.
TEST(HttpServer, CorsAnyOriginAnswersStarWithoutCredentials) {
    ServerOptions o = test_options();
    o.cors_any_origin = true;
    RunningServer s(o, echo);
    Client c(s.port());
    auto other = c.request(get("/api/user", "Origin: https://elsewhere.example\r\n"));
    EXPECT_EQ(other[http::field::access_control_allow_origin], "*");
    EXPECT_EQ(other.count(http::field::access_control_allow_credentials), 0u);

    auto preflight = c.request("OPTIONS /api/user HTTP/1.1\r\nHost: h\r\nOrigin: https://elsewhere.example\r\n"
                               "Access-Control-Request-Method: POST\r\n\r\n");
    EXPECT_EQ(preflight.result_int(), 204);
    EXPECT_EQ(preflight[http::field::access_control_allow_origin], "*");
    EXPECT_EQ(preflight.count(http::field::access_control_allow_credentials), 0u);

    auto listed = c.request(get("/api/user", "Origin: http://localhost:5500\r\n"));
    EXPECT_EQ(listed[http::field::access_control_allow_origin], "http://localhost:5500");
    EXPECT_EQ(listed[http::field::access_control_allow_credentials], "true");

    auto none = c.request(get("/api/user"));
    EXPECT_EQ(none.count(http::field::access_control_allow_origin), 0u);
}

TEST(HttpServer, BodyOnGetAndDeleteIsPassedThrough) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    auto res = c.request("GET /api/user HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nnull");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_NE(res.body().find("body=null"), std::string::npos);
    auto del = c.request("DELETE /api/user/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(del.body().substr(0, 18), "DELETE /api/user/1");
    EXPECT_NE(del.body().find("body={}"), std::string::npos);
}

TEST(HttpServer, HandlerStatusContentTypeAndHeadersAreSent) {
    RunningServer s(test_options(), [](const HttpRequest&) {
        return HttpResponse{201, "application/json", R"({"ok":true})", {{"X-Extra", "1"}, {"Set-Cookie", "a=b"}}};
    });
    Client c(s.port());
    auto res = c.request("POST /api/user HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(res.result_int(), 201);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_EQ(res["X-Extra"], "1");
    EXPECT_EQ(res[http::field::set_cookie], "a=b");
    EXPECT_EQ(res.body(), R"({"ok":true})");
}

TEST(HttpServer, HandlerExceptionBecomes500Envelope) {
    RunningServer s(test_options(), [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    Client c(s.port());
    auto res = c.request(get("/api/user"));
    EXPECT_EQ(res.result_int(), 500);
    auto json = boost::json::parse(res.body());
    EXPECT_EQ(json.at("data"), nullptr);
    EXPECT_EQ(json.at("status"), "error");
    EXPECT_EQ(json.at("notifications").at("general").at("errors").at(0).at("type"), "internal_error");
    // The connection survives a handler failure.
    EXPECT_EQ(c.request(get("/again")).result_int(), 500);
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
    auto options = test_options();
    options.idle_timeout_s = 1;
    RunningServer s(options, echo);
    Client c(s.port());
    EXPECT_EQ(c.request(get("/x")).result_int(), 200);
    EXPECT_TRUE(c.closed_by_server());
}

// The session parses a header that is already buffered itself and reads the rest of one
// that is not: a request whose header arrives in two parts, then a pipelined pair whose
// second header is cut, are all answered, in order.
TEST(HttpServer, HeaderArrivingInPartsIsAnswered) {
    RunningServer s(test_options(), echo);
    Client c(s.port());
    c.send_raw("GET /split HTTP/1.1\r\nHo");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c.send_raw("st: h\r\n\r\n");
    EXPECT_EQ(c.read().body().substr(0, 10), "GET /split");
    c.send_raw(get("/first") + "GET /second HTTP/1.1\r\n");
    EXPECT_EQ(c.read().body().substr(0, 10), "GET /first");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    c.send_raw("Host: h\r\n\r\n");
    EXPECT_EQ(c.read().body().substr(0, 11), "GET /second");
}

TEST(HttpServer, IncompleteRequestIsDroppedAfterTheReadTimeout) {
    auto options = test_options();
    options.read_timeout_s = 1;
    RunningServer s(options, echo);
    Client c(s.port());
    c.send_raw("GET /x HTTP/1.1\r\nHost: h\r\n");   // the header never ends
    EXPECT_TRUE(c.closed_by_server());
}

TEST(HttpServer, SecondServerOnTheSamePortFailsToStart) {
    RunningServer s(test_options(), echo);
    ServerOptions o = test_options();
    o.host = "127.0.0.1";
    o.port = s.port();
    HttpServer second(o, echo);
    EXPECT_THROW(second.start(), std::runtime_error);
}

TEST(HttpServer, StopLetsTheInFlightRequestFinishAndClosesIdleConnections) {
    std::promise<void> entered;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        if (req.path == "/slow") {
            entered.set_value();
            released.wait();
            HttpResponse res;
            res.body = "slow done";
            return res;
        }
        return echo(req);
    });

    Client idle(s.port());
    EXPECT_EQ(idle.request(get("/quick")).result_int(), 200);

    Client busy(s.port());
    busy.send_raw(get("/slow"));
    entered.get_future().wait();

    std::thread stopper([&] { s.shut_down(); });   // stop() + wait for run() to return
    // The idle keep-alive connection is closed while the slow request is still running.
    EXPECT_TRUE(idle.closed_by_server());
    release.set_value();

    auto res = busy.read();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "slow done");
    EXPECT_FALSE(res.keep_alive());
    stopper.join();   // run() returned

    net::io_context ioc;
    tcp::socket probe(ioc);
    beast::error_code ec;
    probe.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(s.port())), ec);
    EXPECT_TRUE(ec) << "the listener must be closed after stop()";
}

std::string post(const std::string& target, const std::string& body) {
    return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

// Requests that change data run on the write pool: with ONE io thread, a write
// that is still waiting (for the database writer, say) must not hold up a read.
TEST(HttpServer, AWaitingWriteDoesNotHoldUpReads) {
    ServerOptions o = test_options();
    o.threads = 1;
    o.write_threads = 4;
    std::promise<void> entered;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    RunningServer s(o, [&](const HttpRequest& req) {
        if (req.method == "POST") {
            entered.set_value();
            released.wait();
        }
        return echo(req);
    });
    Client writer(s.port());
    writer.send_raw(post("/write", "{}"));
    entered.get_future().wait();

    Client reader(s.port());
    auto read = reader.request(get("/read"));   // answered while the write still waits
    EXPECT_EQ(read.result_int(), 200);
    EXPECT_EQ(read.body().substr(0, 9), "GET /read");

    release.set_value();
    auto written = writer.read();
    EXPECT_EQ(written.result_int(), 200);
    EXPECT_EQ(written.body().substr(0, 11), "POST /write");
    EXPECT_NE(written.body().find("body={}"), std::string::npos);
    // The connection goes on as usual after a write.
    EXPECT_EQ(writer.request(get("/after")).body().substr(0, 10), "GET /after");
}

TEST(HttpServer, StopLetsAnInFlightWriteFinish) {
    std::promise<void> entered;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        if (req.method == "DELETE") {
            entered.set_value();
            released.wait();
        }
        return echo(req);
    });
    Client busy(s.port());
    busy.send_raw("DELETE /thing HTTP/1.1\r\nHost: localhost\r\n\r\n");
    entered.get_future().wait();
    std::thread stopper([&] { s.shut_down(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));   // let stop() begin
    release.set_value();
    auto res = busy.read();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body().substr(0, 13), "DELETE /thing");
    EXPECT_FALSE(res.keep_alive());
    stopper.join();
}

TEST(HttpServer, StopBeforeRunMakesRunReturn) {
    ServerOptions o = test_options();
    o.host = "127.0.0.1";
    o.port = 0;
    std::atomic<int> calls{0};
    HttpServer server(o, [&](const HttpRequest& req) {
        ++calls;
        return echo(req);
    });
    server.start();
    const int port = server.bound_port();
    ASSERT_GT(port, 0);
    server.stop();
    // run() must return by itself (a hang fails here, not at the ctest timeout).
    auto ran = std::async(std::launch::async, [&] { server.run(); });
    ASSERT_EQ(ran.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "run() did not return after stop()";
    ran.get();
    // It served nothing and no longer listens.
    EXPECT_EQ(calls.load(), 0);
    net::io_context ioc;
    tcp::socket probe(ioc);
    beast::error_code ec;
    probe.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), ec);
    EXPECT_EQ(ec, net::error::connection_refused) << ec.message();
}

// docs/DECISIONS.md §2.26: HEAD answers like GET without the body, and the connection stays usable.
TEST(HttpServer, HeadIsAnsweredAsGetWithoutTheBody) {
    std::vector<std::string> methods;
    std::mutex m;
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        {
            std::lock_guard lock(m);
            methods.push_back(req.method);
        }
        HttpResponse res = echo(req);
        res.status = req.path == "/missing" ? 404 : 200;
        res.headers.emplace_back("X-Extra", "1");
        return res;
    });
    Client c(s.port());
    auto got = c.request(get("/thing?a=1"));
    c.send_raw("HEAD /thing?a=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    Response head = c.read_head();
    EXPECT_EQ(head.result_int(), 200);
    EXPECT_EQ(head[http::field::content_type], got[http::field::content_type]);
    EXPECT_EQ(head[http::field::content_length], got[http::field::content_length]);
    EXPECT_EQ(head["X-Extra"], "1");
    EXPECT_TRUE(head.body().empty());
    EXPECT_TRUE(head.keep_alive());
    c.send_raw("HEAD /missing HTTP/1.1\r\nHost: localhost\r\n\r\n");
    Response missing = c.read_head();
    EXPECT_EQ(missing.result_int(), 404);
    EXPECT_EQ(missing[http::field::content_length], std::to_string(echo(HttpRequest{"GET", "/missing", {}, "", ""}).body.size()));
    // The next request on the same connection is read from the right place.
    auto after = c.request(get("/after"));
    EXPECT_EQ(after.result_int(), 200);
    EXPECT_EQ(after.body().substr(0, 10), "GET /after");
    std::lock_guard lock(m);
    EXPECT_EQ(methods, (std::vector<std::string>{"GET", "GET", "GET", "GET"}));   // the handler only sees GET
}

// docs/DECISIONS.md §2.26: header fields over the limit get 431 in the envelope.
TEST(HttpServer, OversizedHeaderGets431EnvelopeAndClose) {
    std::atomic<int> calls{0};
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        ++calls;
        return echo(req);
    });
    Client c(s.port());
    auto res = c.request(get("/x", "X-Big: " + std::string(64 * 1024, 'a') + "\r\n"));
    EXPECT_EQ(res.result_int(), 431);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_EQ(res.body(),
              R"({"data":null,"notifications":{"general":{"errors":[{"type":"header_too_large","message":"Request header fields exceed the limit of 16384 bytes"}],"warnings":[]}},"status":"error"})");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_EQ(calls.load(), 0);
    // Headers under the limit are fine (a long query string included).
    Client ok(s.port());
    EXPECT_EQ(ok.request(get("/y?filter=" + std::string(8000, 'b'), "X-Mid: " + std::string(4000, 'c') + "\r\n"))
                  .result_int(),
              200);
}

TEST(HttpServer, ListensOnLoopbackUnlessAHostIsConfigured) {
    EXPECT_EQ(ServerOptions{}.host, "127.0.0.1");
}

TEST(HttpServer, NulInThePathIs400AndTheConnectionStaysUsable) {
    std::atomic<int> calls{0};
    RunningServer s(test_options(), [&](const HttpRequest& req) {
        ++calls;
        return echo(req);
    });
    Client c(s.port());
    auto res = c.request(get("/api/us%00er"));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(res.body(),
              R"J({"data":null,"notifications":{"general":{"errors":[{"type":"bad_request","message":"The request path must not contain the NUL character (U+0000)"}],"warnings":[]}},"status":"error"})J");
    EXPECT_EQ(calls.load(), 0);
    EXPECT_EQ(c.request(get("/ok?q=%00")).result_int(), 200);   // query values are the parser's to judge
    EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace events
