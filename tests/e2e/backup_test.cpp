// `events backup FILE` (docs/OPERATIONS.md "Backups"): an online copy of a SQLite database
// taken while the server serves and writes run, restorable as it is; the other backends
// refuse it and name their own tools.
#include "e2e_fixture.h"

#include <atomic>
#include <cstdio>
#include <thread>

namespace events::e2e {
namespace {

class Backup : public E2ETest {
protected:
    std::pair<std::string, int> cli(const std::string& args) {
        const std::string config = dir() + "/cli.json";
        write_file(config, json::serialize(base_config()));
        const std::string command = std::string("'") + EVENTS_BINARY + "' " + args + " --config '" + config + "' 2>&1";
        FILE* pipe = ::popen(command.c_str(), "r");
        if (!pipe) return {"popen failed", -1};
        std::string out;
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
        const int status = ::pclose(pipe);
        return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
    }
};
E2E_INSTANTIATE(Backup);

TEST_P(Backup, SqliteCopyWhileWritesRunIsCompleteAndServes) {
    create_account("Before the backup");
    if (backend() != "sqlite") {
        EXPECT_EQ(stop_server(), 0);
        auto [out, code] = cli("backup '" + dir() + "/copy.db'");
        EXPECT_EQ(code, 1) << out;
        EXPECT_NE(out.find("with its own tools"), std::string::npos) << out;
        EXPECT_FALSE(file_exists(dir() + "/copy.db"));
        return;
    }
    // Writes run on their own connection for the whole backup.
    std::atomic<bool> stop{false};
    std::atomic<int> created{0}, failed{0};
    std::thread writer([&, port = server().port()] {
        HttpClient client(port);
        for (int i = 0; !stop; ++i) {
            const HttpResponse r = client.post("/api/account", account_body("Account " + std::to_string(i)));
            (r.status == 201 ? created : failed)++;
        }
    });
    while (created < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const int before = created;
    auto [out, code] = cli("backup '" + dir() + "/copy.db'");
    const int during = created - before;
    stop = true;
    writer.join();
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("backed up"), std::string::npos) << out;
    EXPECT_EQ(failed, 0);
    EXPECT_GT(during, 0) << "no write ran while the backup was taken";
    ASSERT_FALSE(file_exists(dir() + "/copy.db.partial"));

    // The copy serves as it is: every account acknowledged before the backup began is in it.
    const int64_t total = get("/api/account?pageSize=1").json.at("pagination").at("total").to_number<int64_t>();
    EXPECT_EQ(stop_server(), 0);
    ServerSetup restored = default_setup();
    (*restored.config)["db_uri"] = dir() + "/copy.db";
    start_server(restored);
    const int64_t copied = get("/api/account?pageSize=1").json.at("pagination").at("total").to_number<int64_t>();
    EXPECT_GE(copied, before + 1);   // + the one created first
    EXPECT_LE(copied, total);
    EXPECT_EQ(list_ids(get("/api/account?filter=name:Before%20the%20backup")).size(), 1u);
}

}  // namespace
}  // namespace events::e2e
