// Parsing the `session_store` URI of the Redis session store (storage/redis/redis_target.h,
// docs/OPERATIONS.md "Session stores"): every form it accepts, and for each wrong one an
// std::invalid_argument naming the wrong part without quoting the password.
#include "storage/redis/redis_session_store.h"
#include "storage/redis/redis_target.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace events {
namespace {

TEST(RedisTarget, HostAloneTakesTheDefaults) {
    const RedisTarget t = RedisTarget::parse("redis://cache.internal");
    EXPECT_EQ(t.host, "cache.internal");
    EXPECT_EQ(t.port, 6379);
    EXPECT_EQ(t.user, "");
    EXPECT_EQ(t.password, "");
    EXPECT_EQ(t.db, 0);
    EXPECT_EQ(t.describe(), "redis://cache.internal:6379/0");
}

TEST(RedisTarget, PasswordPortAndDatabase) {
    const RedisTarget t = RedisTarget::parse("redis://:s3cret@127.0.0.1:6380/2");
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, 6380);
    EXPECT_EQ(t.user, "");
    EXPECT_EQ(t.password, "s3cret");
    EXPECT_EQ(t.db, 2);
    EXPECT_EQ(t.endpoint(), "127.0.0.1:6380");
    EXPECT_EQ(t.describe(), "redis://:***@127.0.0.1:6380/2");
}

TEST(RedisTarget, AclUserAndPercentEncodedPassword) {
    const RedisTarget t = RedisTarget::parse("redis://events%2Dapp:p%40ss%3Aw%2Fd@redis:6379/");
    EXPECT_EQ(t.user, "events-app");
    EXPECT_EQ(t.password, "p@ss:w/d");
    EXPECT_EQ(t.db, 0);
    EXPECT_EQ(t.describe(), "redis://events-app:***@redis:6379/0");
}

TEST(RedisTarget, UnencodedAtAndSlashStayInThePassword) {
    // The last '@' ends the user info: a host never holds one.
    const RedisTarget t = RedisTarget::parse("redis://:a@b/c?d@localhost:7000/3");
    EXPECT_EQ(t.password, "a@b/c?d");
    EXPECT_EQ(t.host, "localhost");
    EXPECT_EQ(t.port, 7000);
    EXPECT_EQ(t.db, 3);
}

TEST(RedisTarget, BracketedIpv6Host) {
    const RedisTarget t = RedisTarget::parse("redis://[::1]:6390/1");
    EXPECT_EQ(t.host, "::1");
    EXPECT_EQ(t.port, 6390);
    EXPECT_EQ(t.endpoint(), "[::1]:6390");
    EXPECT_EQ(RedisTarget::parse("redis://[fe80::2]").port, 6379);
}

// The message of the std::invalid_argument that parsing `uri` throws ("" when it does not).
std::string refusal(const std::string& uri) {
    try {
        RedisTarget::parse(uri);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(RedisTarget, RefusalsNameTheWrongPart) {
    struct Case {
        std::string uri;
        std::string names;   // a part of the message
    };
    const Case cases[] = {
        {"rediss://:pw@host:6380", "rediss:// (TLS) is not supported"},
        {"http://host:6379", "the scheme must be redis://"},
        {"host:6379", "the scheme must be redis://"},
        {"redis://", "no host"},
        {"redis://:6379", "no host"},
        {"redis://:pw@", "no host"},
        {"redis://ho st", "the host 'ho st' is not a host name or address"},
        {"redis://host:", "the port '' is not a number from 1 to 65535"},
        {"redis://host:0", "the port '0' is not a number from 1 to 65535"},
        {"redis://host:65536", "the port '65536' is not a number from 1 to 65535"},
        {"redis://host:63x9", "the port '63x9' is not a number from 1 to 65535"},
        {"redis://host:6379/db1", "the database 'db1' is not a number"},
        {"redis://host:6379/-1", "the database '-1' is not a number"},
        {"redis://host:6379/0/1", "the database '0/1' is not a number"},
        {"redis://host:6379/0?timeout=1", "a query ('?...') is not supported"},
        {"redis://host:6379#x", "a fragment ('#...') is not supported"},
        {"redis://onlyuser@host", "the user info must be ':password@' or 'user:password@'"},
        {"redis://user:@host", "the password after ':' is empty"},
        {"redis://:bad%zzpw@host", "the password has a '%' not followed by two hex digits"},
        {"redis://us%4@host:1", "the user info must be"},   // no ':' comes first
        {"redis://u%g:pw@host", "the user has a '%' not followed by two hex digits"},
        {"redis://[::1", "the IPv6 host has no closing ']'"},
        {"redis://[::1]6379", "the IPv6 host must be followed by ':port' or nothing"},
        {"redis://[nothex]:1", "is not an IPv6 address"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.uri);
        const std::string message = refusal(c.uri);
        EXPECT_NE(message.find(c.names), std::string::npos) << message;
        EXPECT_TRUE(message.starts_with("session_store URI: ")) << message;
    }
}

TEST(RedisTarget, RefusalsNeverQuoteThePassword) {
    for (const std::string uri : {"redis://:TopSecret1@host:99999", "redis://u:TopSecret1@ho st",
                                  "redis://:TopSecret1@host/x", "rediss://:TopSecret1@host"}) {
        SCOPED_TRACE(uri);
        const std::string message = refusal(uri);
        ASSERT_FALSE(message.empty());
        EXPECT_EQ(message.find("TopSecret1"), std::string::npos) << message;
    }
}

TEST(RedisSessionStoreFactory, BadUriIsInvalidArgumentBeforeAnyConnection) {
    // No Redis listens anywhere here: the URI is refused before a connection is tried.
    EXPECT_THROW(make_redis_session_store("redis://127.0.0.1:notaport"), std::invalid_argument);
    EXPECT_THROW(make_redis_session_store("rediss://127.0.0.1:6379"), std::invalid_argument);
}

TEST(RedisSessionStore, KeysHoldTheHashOfTheIdNeverTheId) {
    const RedisSessionStore store(RedisTarget::parse("redis://127.0.0.1"));
    const std::string key = store.key_of("the-secret-session-id");
    EXPECT_TRUE(key.starts_with("events:session:")) << key;
    EXPECT_EQ(key.size(), std::string("events:session:").size() + 64);
    EXPECT_EQ(key.find("the-secret-session-id"), std::string::npos);
    EXPECT_EQ(key, store.key_of("the-secret-session-id"));   // the same id, the same key
    EXPECT_NE(key, store.key_of("the-secret-session-iD"));
    // SHA-256 of "abc" (FIPS 180-2 test vector).
    EXPECT_EQ(store.key_of("abc"),
              "events:session:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace events
