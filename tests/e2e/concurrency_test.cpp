// Concurrent requests: uniqueness holds (docs/DECISIONS.md §2.15) and notifications stay with their
// own request (docs/DECISIONS.md §2.11).
#include "e2e_fixture.h"

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

namespace events::e2e {
namespace {

class Concurrency : public E2ETest {};
E2E_INSTANTIATE(Concurrency);

// `threads` concurrent creates of one username (docs/DECISIONS.md §2.15): exactly one 201.
void creates_of_one_username(const HttpClient& client, const std::string& account, int threads_count) {
    std::latch start(threads_count);
    std::vector<HttpResponse> responses(threads_count);
    std::vector<std::thread> threads;
    for (int i = 0; i < threads_count; ++i) {
        threads.emplace_back([&, i] {
            json::object body = user_body(account, "samename");
            body["email"] = "racer" + std::to_string(i) + "@example.com";
            body["id"] = "racer_" + std::to_string(i);
            start.arrive_and_wait();
            responses[i] = client.post("/api/user", body);
        });
    }
    for (auto& th : threads) th.join();
    int created = 0, conflicts = 0;
    for (int i = 0; i < threads_count; ++i) {
        const HttpResponse& r = responses[i];
        if (r.status == 201) ++created;
        else if (r.status == 409) {
            ++conflicts;
            EXPECT_TRUE(HasError(r, 409, "racer_" + std::to_string(i), "conflict", "username already exists", "username"));
        } else {
            ADD_FAILURE() << "unexpected answer: " << describe(r);
        }
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(conflicts, threads_count - 1);
    EXPECT_EQ(client.get("/api/user").json.at("pagination").at("total"), 1);
}

TEST_P(Concurrency, SixteenCreatesOfOneUsernameGiveOne201AndFifteen409) {
    const std::string account = create_account();
    creates_of_one_username(server().http(), account, 16);
}

TEST_P(Concurrency, SixtyFourCreatesOfOneUsernameGiveOne201) {
    const std::string account = create_account();
    creates_of_one_username(server().http(), account, 64);
}

TEST_P(Concurrency, SixteenCreatesOfOneIdGiveOne201) {
    constexpr int kThreads = 16;
    const HttpClient& client = server().http();
    std::latch start(kThreads);
    std::atomic<int> created{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            json::object body = account_body("Racing Corp " + std::to_string(i));
            body["id"] = "same_id";
            start.arrive_and_wait();
            HttpResponse r = client.post("/api/account", body);
            if (r.status == 201) ++created;
            else if (r.status == 409 && HasError(r, 409, "same_id", "conflict", "Id already exists", "id")) ++conflicts;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflicts.load(), 15);
}

TEST_P(Concurrency, Decision2_11_NotificationsDoNotLeakBetweenConcurrentRequests) {
    const std::string account = create_account();
    create_user(account, "existing");
    const HttpClient& client = server().http();
    constexpr int kThreads = 16;
    constexpr int kRounds = 8;
    std::latch start(kThreads);
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    auto fail = [&](const std::string& what, const HttpResponse& r) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(what + ": " + describe(r));
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int n = 0; n < kRounds; ++n) {
                const std::string tag = std::to_string(t) + "_" + std::to_string(n);
                switch (t % 4) {
                    case 0: {   // warning under its own id only
                        json::object body = account_body("Warned Corp " + tag);
                        body["id"] = "acc_" + tag;
                        body["junk_" + tag] = 1;
                        HttpResponse r = client.post("/api/account", body);
                        const auto& notes = r.json_ok ? r.json.at("notifications").as_object() : json::object{};
                        if (r.status != 201 || notes.size() != 1 || !notes.contains("acc_" + tag) ||
                            notes.at("acc_" + tag).at("warnings").as_array().size() != 1 ||
                            notes.at("acc_" + tag).at("warnings").at(0).at("field") != "junk_" + tag)
                            fail("warning " + tag, r);
                        break;
                    }
                    case 1: {   // 404 under its own id only
                        HttpResponse r = client.get("/api/user/missing_" + tag);
                        const auto& notes = r.json_ok ? r.json.at("notifications").as_object() : json::object{};
                        if (r.status != 404 || notes.size() != 1 || !notes.contains("missing_" + tag))
                            fail("not found " + tag, r);
                        break;
                    }
                    case 2: {   // clean reads
                        HttpResponse r = client.get("/api/user?filter=username:existing");
                        if (!IsSuccess(r)) fail("clean list " + tag, r);
                        break;
                    }
                    case 3: {   // 422 with its own errors only
                        json::object body = user_body(account, "x");
                        body["id"] = "usr_" + tag;
                        HttpResponse r = client.post("/api/user", body);
                        const auto& notes = r.json_ok ? r.json.at("notifications").as_object() : json::object{};
                        if (r.status != 422 || notes.size() != 1 || !notes.contains("usr_" + tag) ||
                            notes.at("usr_" + tag).at("errors").as_array().size() != 1)
                            fail("validation " + tag, r);
                        break;
                    }
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    for (const auto& f : failures) ADD_FAILURE() << f;
    EXPECT_TRUE(failures.empty());
    EXPECT_EQ(get("/api/account").json.at("pagination").at("total"), 1 + 4 * kRounds);
    EXPECT_TRUE(IsSuccess(get("/api/account")));
}

TEST_P(Concurrency, ConcurrentUpdatesOfOneDocumentAllSucceed) {
    const std::string id = create_account();
    const HttpClient& client = server().http();
    constexpr int kThreads = 16;
    std::latch start(kThreads);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            HttpResponse r = client.patch("/api/account/" + id, json::object{{"credit", i}});
            if (r.status == 200) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), kThreads);
    const double credit = fetch("account", id).at("credit").to_number<double>();
    EXPECT_GE(credit, 0);
    EXPECT_LT(credit, kThreads);
}

}  // namespace
}  // namespace events::e2e
