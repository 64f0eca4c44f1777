// HttpServer when it runs out of file descriptors: a failed accept (EMFILE) must not
// turn into a busy loop, the connections already open must still be served, and new
// connections must be accepted again once descriptors are free.
//
// The server runs in a forked child with a low RLIMIT_NOFILE, so that only the child
// runs out of descriptors; the test process is the client, with its own limit intact.
#include "http/server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace events {
namespace {

using namespace std::chrono_literals;

// Descriptors the child server may open once it listens.
constexpr int kSpareDescriptors = 12;
// Connections the client opens: far more than the child can accept.
constexpr int kConnections = 40;

// The descriptor limit that leaves this process exactly `spare` descriptors to open:
// new descriptors take the lowest free numbers, and must stay below the limit.
rlim_t limit_leaving(int spare) {
    std::set<int> open;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        open.insert(std::stoi(entry.path().filename().string()));
    int limit = 0;
    for (int free = 0; free < spare; ++limit)
        if (!open.count(limit)) ++free;
    return static_cast<rlim_t>(limit);
}

// In the child: listens on an ephemeral port, lowers its descriptor limit, writes the
// port to `port_pipe`, then serves "ok" until killed. Never returns.
[[noreturn]] void serve_with_few_descriptors(int port_pipe) {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.write_threads = 1;
    options.idle_timeout_s = 600;   // the open connections stay open for the whole test
    HttpServer server(options, [](const HttpRequest&) {
        HttpResponse res;
        res.content_type = "text/plain";
        res.body = "ok";
        return res;
    });
    server.start();
    const rlim_t limit = limit_leaving(kSpareDescriptors);
    const rlimit low{limit, limit};
    if (::setrlimit(RLIMIT_NOFILE, &low) != 0) ::_exit(3);
    // Only now: the client must not connect before the limit holds.
    const int port = server.bound_port();
    if (::write(port_pipe, &port, sizeof port) != sizeof port) ::_exit(2);
    ::close(port_pipe);
    server.run();
    ::_exit(0);
}

// The child server process; killed and reaped on destruction.
class ChildServer {
public:
    ChildServer() {
        int fds[2];
        if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::close(fds[0]);
            serve_with_few_descriptors(fds[1]);
        }
        ::close(fds[1]);
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, 20'000) != 1 || ::read(fds[0], &port_, sizeof port_) != sizeof port_) port_ = 0;
        ::close(fds[0]);
    }
    ~ChildServer() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    int port() const { return port_; }
    // CPU time (user + system, all threads) the child has used so far.
    std::chrono::nanoseconds cpu_time() const {
        clockid_t clock;
        timespec ts{};
        if (::clock_getcpuclockid(pid_, &clock) != 0 || ::clock_gettime(clock, &ts) != 0) return {};
        return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
    }

private:
    pid_t pid_ = -1;
    int port_ = 0;
};

std::chrono::milliseconds time_left(std::chrono::steady_clock::time_point deadline) {
    return std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
}

// A blocking client socket; connect() completes in the kernel's backlog whether or not
// the server has accepted the connection yet.
class Connection {
public:
    explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~Connection() { close(); }
    Connection(Connection&& other) noexcept : fd_(std::exchange(other.fd_, -1)), connected_(other.connected_) {}
    Connection(const Connection&) = delete;

    bool connected() const { return connected_; }
    bool send_get() {
        static const std::string request = "GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n";
        return ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size());
    }
    // True when a complete "ok" response arrives within `wait`.
    bool answered_within(std::chrono::milliseconds wait) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        for (;;) {
            if (received_.find("\r\n\r\nok") != std::string::npos) {
                received_.clear();
                return true;
            }
            const auto left = time_left(deadline);
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) != 1) return false;
            char buf[1024];
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return false;
            received_.append(buf, static_cast<size_t>(n));
        }
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    bool connected_ = false;
    std::string received_;
};

TEST(HttpServerAcceptBackoff, OutOfDescriptorsTheServerWaitsServesAndRecovers) {
    ChildServer server;
    ASSERT_GT(server.port(), 0) << "the child server did not start";

    // More connections than the child has descriptors for; each sends a request.
    std::vector<Connection> conns;
    for (int i = 0; i < kConnections; ++i) {
        conns.emplace_back(server.port());
        ASSERT_TRUE(conns.back().connected()) << "connection " << i;
        ASSERT_TRUE(conns.back().send_get()) << "connection " << i;
    }
    // Within 5 s every connection the server could accept is answered; the others stay
    // in the listen backlog.
    std::vector<Connection*> served, waiting;
    const auto first_deadline = std::chrono::steady_clock::now() + 5s;
    for (Connection& c : conns) (c.answered_within(time_left(first_deadline)) ? served : waiting).push_back(&c);
    ASSERT_FALSE(served.empty()) << "the server answered no connection at all";
    ASSERT_FALSE(waiting.empty()) << "every connection was accepted: the descriptor limit did not bite";

    // Accept keeps failing now. A server that re-arms at once spins a core; one that
    // backs off (at most one attempt a second) uses almost nothing. Generous margin for
    // a loaded machine: a spinning server gets far more than a tenth of a core.
    const auto cpu_before = server.cpu_time();
    const auto wall_before = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(2s);
    const auto cpu_used = server.cpu_time() - cpu_before;
    const auto wall = std::chrono::steady_clock::now() - wall_before;
    EXPECT_LT(cpu_used, wall / 10) << "CPU time " << std::chrono::duration_cast<std::chrono::milliseconds>(cpu_used).count()
                                   << " ms in " << std::chrono::duration_cast<std::chrono::milliseconds>(wall).count()
                                   << " ms while accepting failed";

    // The connections already open are still served.
    for (Connection* c : served) {
        ASSERT_TRUE(c->send_get());
        EXPECT_TRUE(c->answered_within(10s)) << "an open connection was not served while accept failed";
    }

    // Descriptors freed: the waiting connections are accepted (the back-off is at most
    // a second) and answered.
    // Each closed connection frees one descriptor of the server; the listen backlog is
    // first in, first out.
    for (Connection* c : served) c->close();
    const size_t expected = std::min(served.size(), waiting.size());
    size_t answered_later = 0;
    const auto last_deadline = std::chrono::steady_clock::now() + 15s;
    for (Connection* c : waiting) {
        if (answered_later == expected) break;
        if (c->answered_within(time_left(last_deadline))) ++answered_later;
    }
    EXPECT_EQ(answered_later, expected)
        << "after descriptors were freed, only " << answered_later << " waiting connection(s) were answered";
}

}  // namespace
}  // namespace events
