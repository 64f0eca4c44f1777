// Optimistic concurrency for clients (docs/DECISIONS.md §4.2, docs/API.md "Optimistic
// concurrency"): GET and every write answer carry a strong ETag of the stored version;
// PUT, PATCH and DELETE honour If-Match, checked inside the write.
#include "e2e_fixture.h"

#include <openssl/evp.h>

#include <atomic>
#include <latch>
#include <thread>

namespace events::e2e {
namespace {

class OptimisticConcurrency : public E2ETest {
protected:
    HttpResponse with_if_match(const std::string& method, const std::string& target, const std::string& tags,
                               const json::value& body = nullptr) {
        return request(method, target, body.is_null() ? "" : json::serialize(body), {{"If-Match", tags}});
    }
};
E2E_INSTANTIATE(OptimisticConcurrency);

// The tag docs/API.md defines: the first 32 hex digits of the SHA-256 of the document's
// JSON text, quoted. The document here holds only strings and an object of small integers,
// which every JSON printer writes alike.
std::string expected_tag(const json::value& doc) {
    const std::string text = json::serialize(doc);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string tag = "\"";
    for (int i = 0; i < 16; ++i) {
        tag += kHex[digest[i] >> 4];
        tag += kHex[digest[i] & 0xf];
    }
    return tag + "\"";
}

TEST_P(OptimisticConcurrency, Decision4_2_GetAndWritesCarryTheStoredVersionsStrongETag) {
    HttpResponse created = post("/api/url", url_body());
    ASSERT_TRUE(IsSuccess(created, 201)) << describe(created);
    const std::string id = str(data(created).at("id"));
    const std::string t1 = created.header("etag");
    EXPECT_EQ(t1, expected_tag(data(created)));
    HttpResponse read = get("/api/url/" + id);
    ASSERT_TRUE(IsSuccess(read));
    EXPECT_EQ(read.header("etag"), t1) << "the GET of the version a POST wrote has its tag";
    HttpResponse crawl = post("/api/crawl", crawl_body(id));
    ASSERT_TRUE(IsSuccess(crawl, 201)) << describe(crawl);
    HttpResponse expanded = get("/api/crawl/" + str(data(crawl).at("id")) + "?view=url(url)");
    ASSERT_TRUE(IsSuccess(expanded)) << describe(expanded);
    EXPECT_EQ(expanded.header("etag"), crawl.header("etag")) << "expansions are not part of the version";

    HttpResponse patched = patch("/api/url/" + id, json::object{{"url", "https://example.com/other"}});
    ASSERT_TRUE(IsSuccess(patched)) << describe(patched);
    const std::string t2 = patched.header("etag");
    EXPECT_NE(t2, t1);
    EXPECT_EQ(t2, expected_tag(data(patched)));
    EXPECT_EQ(get("/api/url/" + id).header("etag"), t2);

    json::object replacement = url_body("https://example.com/third");
    HttpResponse replaced = put("/api/url/" + id, replacement);
    ASSERT_TRUE(IsSuccess(replaced)) << describe(replaced);
    EXPECT_EQ(replaced.header("etag"), expected_tag(data(replaced)));
    EXPECT_EQ(get("/api/url/" + id).header("etag"), replaced.header("etag"));
}

TEST_P(OptimisticConcurrency, Decision4_2_IfMatchWithAStaleTagGives412AndChangesNothing) {
    HttpResponse created = post("/api/url", url_body());
    ASSERT_TRUE(IsSuccess(created, 201));
    const std::string id = str(data(created).at("id"));
    const std::string stale = created.header("etag");
    HttpResponse changed = patch("/api/url/" + id, json::object{{"url", "https://example.com/changed"}});
    ASSERT_TRUE(IsSuccess(changed));
    const std::string current = changed.header("etag");
    const std::string before = snapshot();
    const std::string message = "Precondition failed: Url " + id + " has changed since the ETag sent in If-Match";

    EXPECT_TRUE(HasError(with_if_match("PATCH", "/api/url/" + id, stale, json::object{{"url", "https://example.com/x"}}),
                         412, id, "precondition_failed", message));
    EXPECT_TRUE(HasError(with_if_match("PUT", "/api/url/" + id, stale, url_body("https://example.com/y")), 412, id,
                         "precondition_failed", message));
    EXPECT_TRUE(HasError(with_if_match("DELETE", "/api/url/" + id, stale), 412, id, "precondition_failed", message));
    // A weak tag never matches (strong comparison, RFC 9110 §13.1.1).
    EXPECT_TRUE(HasError(with_if_match("PATCH", "/api/url/" + id, "W/" + current, json::object{{"url", "https://example.com/w"}}),
                         412, id, "precondition_failed", message));
    EXPECT_EQ(snapshot(), before);

    // A list holding the current tag, and `*`, let the write through.
    HttpResponse listed = with_if_match("PATCH", "/api/url/" + id, "\"0000\", " + current,
                                        json::object{{"url", "https://example.com/listed"}});
    ASSERT_TRUE(IsSuccess(listed)) << describe(listed);
    HttpResponse any = with_if_match("PUT", "/api/url/" + id, "*", url_body("https://example.com/any"));
    ASSERT_TRUE(IsSuccess(any)) << describe(any);
    HttpResponse deleted = with_if_match("DELETE", "/api/url/" + id, any.header("etag"));
    EXPECT_TRUE(IsSuccess(deleted)) << describe(deleted);
    EXPECT_EQ(get("/api/url/" + id).status, 404);
}

TEST_P(OptimisticConcurrency, Decision4_2_IfMatchStarOnAMissingDocumentGives412) {
    const std::string message = "Precondition failed: Url url_missing does not exist";
    EXPECT_TRUE(HasError(with_if_match("PATCH", "/api/url/url_missing", "*", json::object{{"url", "https://example.com/p"}}),
                         412, "url_missing", "precondition_failed", message));
    EXPECT_TRUE(HasError(with_if_match("PUT", "/api/url/url_missing", "*", url_body()), 412, "url_missing",
                         "precondition_failed", message));
    EXPECT_TRUE(HasError(with_if_match("DELETE", "/api/url/url_missing", "*"), 412, "url_missing", "precondition_failed",
                         message));
    EXPECT_EQ(get("/api/url/url_missing").status, 404);
}

TEST_P(OptimisticConcurrency, Decision4_2_ConcurrentWritesWithOneTagLetExactlyOneThrough) {
    // The check is made inside the write against the version it read: of writes sent at
    // once with the same tag, one succeeds and the others find the tag stale.
    constexpr int kWriters = 8;
    constexpr int kRounds = 5;
    HttpResponse created = post("/api/url", url_body());
    ASSERT_TRUE(IsSuccess(created, 201));
    const std::string id = str(data(created).at("id"));
    const HttpClient& client = server().http();
    for (int round = 0; round < kRounds; ++round) {
        const std::string tag = get("/api/url/" + id).header("etag");
        std::latch start(kWriters);
        std::atomic<int> ok{0}, stale{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < kWriters; ++i)
            threads.emplace_back([&, i] {
                const std::string body =
                    json::serialize(json::object{{"url", "https://example.com/r" + std::to_string(round) + "w" + std::to_string(i)}});
                start.arrive_and_wait();
                HttpResponse r = client.request(i % 2 ? "PATCH" : "PUT", "/api/url/" + id, body, {{"If-Match", tag}});
                if (r.status == 200) ++ok;
                else if (r.status == 412) ++stale;
                else ADD_FAILURE() << describe(r);
            });
        for (auto& t : threads) t.join();
        EXPECT_EQ(ok.load(), 1) << "round " << round;
        EXPECT_EQ(stale.load(), kWriters - 1) << "round " << round;
    }
}

}  // namespace
}  // namespace events::e2e
