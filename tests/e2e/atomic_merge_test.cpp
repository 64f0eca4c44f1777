// Atomic merges (docs/DECISIONS.md §4.1): concurrent PATCHes of different fields of one
// document all take effect, and a PUT racing PATCHes leaves one writer's version, never a
// mixture with a field lost. Each race is repeated, so today's window is caught.
#include "e2e_fixture.h"

#include <fmt/format.h>

#include <iostream>
#include <latch>
#include <mutex>
#include <thread>

namespace events::e2e {
namespace {

constexpr int kFields = 20;
constexpr int kRounds = 10;

std::string field_name(int i) { return fmt::format("f{:02}", i + 1); }

// The sample schema with `Wide`: twenty optional strings, so that twenty PATCHes can each
// set a field of their own, and a createdAt that a PUT keeps (so the PUT reads too).
std::string wide_schema() {
    std::string entity = "  Wide:\n    fields:\n";
    for (int i = 0; i < kFields; ++i) entity += "      " + field_name(i) + ": {type: String, required: false}\n";
    entity += "      createdAt: {type: Datetime, autoGenerate: true}\n";
    entity += "    relationships: []\n    unique: []\n    service: []\n";
    return insert_after(sample_schema_text(), "_entities:", entity);
}

class AtomicMerge : public E2ETest {
protected:
    void SetUp() override {
        E2ETest::SetUp();
        if (IsSkipped()) return;
        const std::string schema = dir() + "/wide.yaml";
        write_file(schema, wide_schema());
        ServerSetup s = default_setup();
        s.schema_path = schema;
        start_server(s);
    }

    std::string create_wide(const std::string& value) {
        json::object body;
        for (int i = 0; i < kFields; ++i) body[field_name(i)] = value;
        return create("wide", body);
    }

    // Runs `requests` at once (each on its own thread, released together); returns the answers.
    std::vector<HttpResponse> race(const std::vector<std::function<HttpResponse()>>& requests) {
        std::latch start(static_cast<std::ptrdiff_t>(requests.size()));
        std::vector<HttpResponse> answers(requests.size());
        std::vector<std::thread> threads;
        for (size_t i = 0; i < requests.size(); ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                answers[i] = requests[i]();
            });
        for (auto& t : threads) t.join();
        return answers;
    }
};
E2E_INSTANTIATE(AtomicMerge);

TEST_P(AtomicMerge, Decision4_1_TwentyConcurrentPatchesOfDifferentFieldsAllTakeEffect) {
    const std::string id = create_wide("old");
    const HttpClient& client = server().http();
    int lost = 0;
    for (int round = 0; round < kRounds; ++round) {
        const std::string value = fmt::format("round{}", round);
        std::vector<std::function<HttpResponse()>> requests;
        for (int i = 0; i < kFields; ++i)
            requests.emplace_back([&, i] { return client.patch("/api/wide/" + id, json::object{{field_name(i), value}}); });
        for (const HttpResponse& r : race(requests)) EXPECT_TRUE(IsSuccess(r)) << describe(r);
        const json::object stored = fetch("wide", id);
        for (int i = 0; i < kFields; ++i)
            if (stored.at(field_name(i)) != value) ++lost;
    }
    std::cout << "[ figures  ] " << GetParam() << ": lost updates of " << kRounds << " rounds of " << kFields
              << "-way concurrent PATCH: " << lost << " of " << kRounds * kFields << "\n";
    EXPECT_EQ(lost, 0);
}

TEST_P(AtomicMerge, Decision4_1_PutRacingPatchesLeavesOneWritersVersion) {
    // One PUT sets every field, five PATCHes set f01..f05 at the same time. Whatever the
    // order, f06..f20 hold the PUT's value (a PATCH merged onto the version before the PUT
    // would write the old ones back) and f01..f05 the PUT's or their PATCH's value.
    constexpr int kPatched = 5;
    const std::string id = create_wide("old");
    const HttpClient& client = server().http();
    for (int round = 0; round < kRounds; ++round) {
        const std::string put_value = fmt::format("put{}", round), patch_value = fmt::format("patch{}", round);
        std::vector<std::function<HttpResponse()>> requests;
        requests.emplace_back([&] {
            json::object body;
            for (int i = 0; i < kFields; ++i) body[field_name(i)] = put_value;
            return client.put("/api/wide/" + id, body);
        });
        for (int i = 0; i < kPatched; ++i)
            requests.emplace_back(
                [&, i] { return client.patch("/api/wide/" + id, json::object{{field_name(i), patch_value}}); });
        for (const HttpResponse& r : race(requests)) EXPECT_TRUE(IsSuccess(r)) << describe(r);
        const json::object stored = fetch("wide", id);
        for (int i = 0; i < kFields; ++i) {
            const json::value& v = stored.at(field_name(i));
            if (i < kPatched) EXPECT_TRUE(v == put_value || v == patch_value) << field_name(i) << " = " << v;
            else EXPECT_EQ(v, put_value) << field_name(i) << " in round " << round;
        }
    }
}

}  // namespace
}  // namespace events::e2e
