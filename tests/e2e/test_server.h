// Starts the real `events` binary as a child process for the end-to-end tests.
#pragma once

#include "http_client.h"

#include <boost/json/object.hpp>

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace events::e2e {

struct ServerSetup {
    std::optional<boost::json::object> config;   // written to <dir>/config.json; none: no --config
    std::string schema_path;                     // --schema when non-empty
    std::map<std::string, std::string> env;      // EVENTS_* of the test runner are removed first
    std::string work_dir;                        // the child's cwd; empty: the test's temp dir
    std::vector<std::string> extra_args;
};

class TestServer {
public:
    // `dir` holds config.json and the log file `server-<n>.log`.
    TestServer(ServerSetup setup, std::string dir);
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    // Launches the binary and waits until GET /api/health answers 200. On failure returns
    // false with a description (including the server's output) in `error`.
    bool start(std::string& error);
    // Launches without waiting (for servers expected to refuse to start).
    bool launch(std::string& error);
    // Waits for the process to exit by itself; returns its exit code, or nullopt on timeout
    // (the process is then still running).
    std::optional<int> wait_exit(int timeout_s);
    // SIGTERM, then waits; returns the exit code (128+signal when killed by a signal,
    // -1 when it had to be SIGKILLed after the timeout).
    int stop();
    // SIGKILL at once, as a crash or `kill -9` ends the process (nothing flushed, no
    // shutdown), then reaps it; returns 128+9.
    int kill();

    bool running() const { return pid_ > 0; }
    int port() const { return port_; }
    const HttpClient& http() const { return client_; }
    std::string output() const;   // everything the server wrote to stdout/stderr
    const std::string& log_path() const { return log_path_; }

private:
    ServerSetup setup_;
    std::string dir_;
    std::string log_path_;
    int port_;
    HttpClient client_;
    pid_t pid_ = -1;
};

int free_port();
std::string make_temp_dir();
void remove_tree(const std::string& path);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
bool file_exists(const std::string& path);

}  // namespace events::e2e
