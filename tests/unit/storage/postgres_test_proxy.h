// A TCP forwarder that stands between the driver and the PostgreSQL server, so a
// test can take "the server" away (listener closed, every connection cut) and
// bring it back on the same port without touching the real server, which other
// tests may be using.
#pragma once

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace events::pgtest {

class TcpProxy {
public:
    TcpProxy(std::string target_host, std::string target_port)
        : host_(std::move(target_host)), service_(std::move(target_port)) {}
    ~TcpProxy() { stop(); }
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    // Listens on 127.0.0.1 (an ephemeral port the first time, the same port afterwards).
    void start() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port_));
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
            throw std::runtime_error("proxy cannot listen");
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        if (::pipe(wake_) != 0) throw std::runtime_error("proxy cannot create a pipe");
        running_ = true;
        acceptor_ = std::thread([this] { accept_loop(); });
    }

    // Closes the listener and cuts every forwarded connection (both ends see EOF).
    void stop() {
        if (!running_.exchange(false)) return;
        const char b = 0;
        (void)!::write(wake_[1], &b, 1);
        acceptor_.join();
        ::close(listen_fd_);
        ::close(wake_[0]);
        ::close(wake_[1]);
        std::vector<std::thread> pumps;
        std::vector<int> fds;
        {
            std::lock_guard lock(mutex_);
            pumps.swap(pumps_);
            fds.swap(fds_);
        }
        for (int fd : fds) ::shutdown(fd, SHUT_RDWR);
        for (auto& t : pumps) t.join();
        for (int fd : fds) ::close(fd);
    }

    int port() const { return port_; }

private:
    int connect_target() const {
        addrinfo hints{}, *res = nullptr;
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        if (::getaddrinfo(host_.c_str(), service_.c_str(), &hints, &res) != 0) return -1;
        int fd = -1;
        for (addrinfo* a = res; a && fd < 0; a = a->ai_next) {
            fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
            if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
                ::close(fd);
                fd = -1;
            }
        }
        ::freeaddrinfo(res);
        return fd;
    }

    void accept_loop() {
        while (running_) {
            pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
            if (::poll(p, 2, -1) < 0 || (p[1].revents & POLLIN)) return;
            const int client = ::accept(listen_fd_, nullptr, nullptr);
            if (client < 0) continue;
            const int server = connect_target();
            if (server < 0) {
                ::close(client);
                continue;
            }
            std::lock_guard lock(mutex_);
            fds_.push_back(client);
            fds_.push_back(server);
            pumps_.emplace_back([client, server] { pump(client, server); });
        }
    }

    static void pump(int a, int b) {
        char buf[16384];
        for (;;) {
            pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
            if (::poll(p, 2, -1) < 0) break;
            bool done = false;
            for (int i = 0; i < 2 && !done; ++i) {
                if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                const ssize_t n = ::read(p[i].fd, buf, sizeof buf);
                if (n <= 0) {
                    done = true;
                    break;
                }
                const int to = i == 0 ? b : a;
                for (ssize_t off = 0; off < n;) {
                    const ssize_t w = ::send(to, buf + off, static_cast<size_t>(n - off), MSG_NOSIGNAL);
                    if (w <= 0) {
                        done = true;
                        break;
                    }
                    off += w;
                }
            }
            if (done) break;
        }
        ::shutdown(a, SHUT_RDWR);
        ::shutdown(b, SHUT_RDWR);
    }

    const std::string host_, service_;
    int port_ = 0;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::atomic<bool> running_{false};
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<int> fds_;
    std::vector<std::thread> pumps_;
};

}  // namespace events::pgtest
