// docs/DECISIONS.md §2.26: the server listens on 127.0.0.1 unless a host is configured, so a
// server started with no `host` cannot be reached from another machine.
#include "e2e_fixture.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

namespace events::e2e {
namespace {

class ListenAddress : public E2ETest {};
E2E_INSTANTIATE(ListenAddress);

// An IPv4 address of this machine that is not loopback, or "" when it has none.
std::string non_loopback_ipv4() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return "";
    std::string found;
    for (ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
        const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
        if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) continue;
        char text[INET_ADDRSTRLEN] = {};
        if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) found = text;
    }
    ::freeifaddrs(list);
    return found;
}

TEST_P(ListenAddress, LoopbackOnlyUnlessAHostIsConfigured) {
    ServerSetup s = default_setup();
    s.config->erase("host");
    TestServer& local = start_server(s);
    EXPECT_NE(local.output().find("listening on 127.0.0.1:" + std::to_string(local.port())), std::string::npos)
        << local.output();
    const std::string other = non_loopback_ipv4();
    if (!other.empty()) {
        HttpClient outside(local.port(), other);
        outside.set_timeout(5);
        HttpResponse refused = outside.get("/api/health");
        EXPECT_EQ(refused.status, 0) << "reachable on " << other << ": " << describe(refused);
    }

    // `--host 0.0.0.0` exposes it.
    s.extra_args = {"--host", "0.0.0.0"};
    TestServer& exposed = start_server(s);
    EXPECT_NE(exposed.output().find("listening on 0.0.0.0:" + std::to_string(exposed.port())), std::string::npos)
        << exposed.output();
    if (other.empty()) GTEST_SKIP() << "this machine has no IPv4 address besides loopback to connect through";
    HttpClient outside(exposed.port(), other);
    outside.set_timeout(5);
    EXPECT_TRUE(IsSuccess(outside.get("/api/health")));
}

}  // namespace
}  // namespace events::e2e
