// Nothing dangles (docs/DECISIONS.md §4.3): a child written while its parent is being
// deleted either fails (422 naming the FK) or is removed by the cascade, on every backend,
// with or without transactions (docs/STORAGE.md "Foreign keys without transactions").
#include "e2e_fixture.h"

#include <fmt/format.h>

#include <latch>
#include <thread>

namespace events::e2e {
namespace {

class DanglingRace : public E2ETest {};
E2E_INSTANTIATE(DanglingRace);

TEST_P(DanglingRace, Decision4_3_ChildrenCreatedDuringTheParentsDeleteNeverDangle) {
    constexpr int kRounds = 10;
    constexpr int kChildren = 11;
    const HttpClient& client = server().http();
    int dangling = 0, created = 0, refused = 0;
    for (int round = 0; round < kRounds; ++round) {
        const std::string account = create_account(fmt::format("Doomed Corp {}", round));
        std::latch start(kChildren + 1);
        std::vector<HttpResponse> answers(kChildren);
        HttpResponse deleted;
        std::vector<std::thread> threads;
        threads.emplace_back([&] {
            start.arrive_and_wait();
            deleted = client.del("/api/account/" + account);
        });
        for (int i = 0; i < kChildren; ++i)
            threads.emplace_back([&, i] {
                json::object body = user_body(account, fmt::format("r{}u{}", round, i));
                body["id"] = fmt::format("usr_r{}_{}", round, i);
                start.arrive_and_wait();
                answers[i] = client.post("/api/user", body);
            });
        for (auto& t : threads) t.join();
        EXPECT_TRUE(IsSuccess(deleted)) << describe(deleted);
        for (int i = 0; i < kChildren; ++i) {
            const HttpResponse& r = answers[i];
            const std::string id = fmt::format("usr_r{}_{}", round, i);
            if (r.status == 201) ++created;
            else if (HasError(r, 422, id, "validation_failed", "Id " + account + " does not exist", "accountId")) ++refused;
            else ADD_FAILURE() << describe(r);
        }
        EXPECT_EQ(get("/api/account/" + account).status, 404);
        HttpResponse children = get("/api/user?filter=accountId:" + account);
        ASSERT_TRUE(IsSuccess(children)) << describe(children);
        dangling += static_cast<int>(children.json.at("pagination").at("total").to_number<int64_t>());
    }
    std::cout << "[ figures  ] " << GetParam() << ": " << kRounds << " rounds of 1 DELETE + " << kChildren
              << " POSTs: " << dangling << " users left pointing at a deleted account (" << created << " created, "
              << refused << " refused)\n";
    EXPECT_EQ(dangling, 0);
}

}  // namespace
}  // namespace events::e2e
