#include "test_server.h"

#include <boost/json/serialize.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace events::e2e {

namespace {

std::atomic<int> g_log_counter{0};

// Whether process `pid` holds a listening TCP socket on `port` (IPv4 or IPv6), read from
// /proc: the inodes of the listening sockets on the port (/proc/net/tcp{,6}, state 0A) against
// the sockets among the process's file descriptors. free_port() only finds a port that was
// free a moment ago: another test's server may take it before ours binds (ours binds after
// opening its database, seconds later on OpenSearch), and that server then answers our
// health check. Checking the listener's owner tells the two apart.
bool listens_on(pid_t pid, int port) {
    std::vector<std::string> inodes;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);   // the header
        while (std::getline(in, line)) {
            std::istringstream row(line);
            std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
            row >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
            const size_t colon = local.rfind(':');
            if (state != "0A" || colon == std::string::npos) continue;
            if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) inodes.push_back("socket:[" + inode + "]");
        }
    }
    if (inodes.empty()) return false;
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        std::error_code link_ec;
        const std::string target = std::filesystem::read_symlink(fd.path(), link_ec).string();
        for (const std::string& inode : inodes)
            if (!link_ec && target == inode) return true;
    }
    return false;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("free_port: cannot bind");
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string make_temp_dir() {
    std::string templ = (std::filesystem::temp_directory_path() / "events-e2e-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    return templ;
}

void remove_tree(const std::string& path) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

TestServer::TestServer(ServerSetup setup, std::string dir)
    : setup_(std::move(setup)),
      dir_(std::move(dir)),
      log_path_(dir_ + "/server-" + std::to_string(++g_log_counter) + ".log"),
      port_(free_port()),
      client_(port_) {}

TestServer::~TestServer() {
    if (pid_ > 0) stop();
}

std::string TestServer::output() const { return read_file(log_path_); }

bool TestServer::launch(std::string& error) {
    std::vector<std::string> args{EVENTS_BINARY, "serve"};
    if (setup_.config) {
        const std::string config_path = dir_ + "/config.json";
        write_file(config_path, boost::json::serialize(*setup_.config));
        args.insert(args.end(), {"--config", config_path});
    }
    if (!setup_.schema_path.empty()) args.insert(args.end(), {"--schema", setup_.schema_path});
    args.insert(args.end(), {"--port", std::to_string(port_)});
    args.insert(args.end(), setup_.extra_args.begin(), setup_.extra_args.end());

    // The environment: ours without EVENTS_* (the test runner's own settings must not leak
    // into the server), plus the setup's.
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "EVENTS_", 7) != 0) env.emplace_back(*e);
    for (const auto& [k, v] : setup_.env) env.push_back(k + "=" + v);

    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string cwd = setup_.work_dir.empty() ? dir_ : setup_.work_dir;

    const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) { error = "cannot open " + log_path_; return false; }
    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log_fd);
        error = std::string("fork: ") + std::strerror(errno);
        return false;
    }
    if (pid == 0) {
        // Never outlive the test runner.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, 0);
        if (::chdir(cwd.c_str()) != 0) ::_exit(126);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(log_fd);
    pid_ = pid;
    return true;
}

bool TestServer::start(std::string& error) {
    if (!launch(error)) return false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (int attempt = 1; std::chrono::steady_clock::now() < deadline;) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            // Another process took the port between free_port() and our bind: a new port.
            const std::string log = output();
            if (attempt < 3 && log.find("cannot listen on") != std::string::npos &&
                log.find("in use") != std::string::npos) {
                ++attempt;
                port_ = free_port();
                client_ = HttpClient(port_);
                if (!launch(error)) return false;
                continue;
            }
            error = "server exited with code " + std::to_string(decode_status(status)) + " before answering; output:\n" +
                    log;
            return false;
        }
        // The answer counts only once our own process listens on the port (listens_on()).
        if (listens_on(pid_, port_) && client_.get("/api/health").status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop();
    error = "server did not answer GET /api/health within 60 s; output:\n" + output();
    return false;
}

std::optional<int> TestServer::wait_exit(int timeout_s) {
    if (pid_ <= 0) return std::nullopt;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return decode_status(status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
}

int TestServer::stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    if (auto code = wait_exit(30)) return *code;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
}

int TestServer::kill() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return decode_status(status);
}

}  // namespace events::e2e
