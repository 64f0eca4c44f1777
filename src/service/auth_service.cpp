#include "service/auth_service.h"

#include "core/client_text.h"
#include "service/password_hash.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cctype>

namespace events {

namespace json = boost::json;

namespace {

ApiError invalid_credentials() { return ApiError(401, kGeneral, Notice{"unauthorized", "Invalid credentials"}); }

bool iequals_prefix(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// The token of "Bearer <token>"; empty for any other scheme.
std::string_view bearer_of(std::string_view authorization) {
    authorization = trimmed(authorization);
    if (!iequals_prefix(authorization, "bearer ")) return {};
    return trimmed(authorization.substr(7));
}

// The value of the `sessionId` cookie; empty when absent.
std::string_view cookie_session(std::string_view cookie) {
    while (!cookie.empty()) {
        const size_t end = cookie.find(';');
        std::string_view pair = trimmed(cookie.substr(0, end));
        if (pair.substr(0, 10) == "sessionId=") return trimmed(pair.substr(10));
        if (end == std::string_view::npos) break;
        cookie.remove_prefix(end + 1);
    }
    return {};
}

// BLAKE2b of a secret: two texts compare through their digests, in time that does not
// depend on where they differ.
std::array<unsigned char, 32> secret_digest(std::string_view text) {
    static_assert(crypto_generichash_BYTES == 32);
    std::array<unsigned char, 32> d{};
    crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
    return d;
}

// The session cache's key: the BLAKE2b digest of the id (secret_digest, 32 bytes), so that
// the process's memory holds no usable session id beyond the request that presents it. The
// same digest a Bearer token is compared to the admin token by, so a request hashes its
// credential once (libsodium's SHA-256 of a 64-character id costs ~7 700 instructions, this
// ~1 000: bench/profile.sh --gated).
std::string session_key(const std::array<unsigned char, 32>& digest) { return std::string(digest.begin(), digest.end()); }
std::string session_key(std::string_view session_id) { return session_key(secret_digest(session_id)); }

// The role cache's key: ids cannot hold U+0000 (docs/DECISIONS.md §2.24).
std::string role_key(const Entity& role_entity, std::string_view role_id) {
    std::string key = role_entity.name;
    key += '\0';
    key += role_id;
    return key;
}

// Whether deleting a document of `e` can remove or change a document of `target` (e is
// target, or an entity above it through foreign keys).
bool reaches(const Entity& e, const Entity& target, std::vector<const Entity*>& seen) {
    if (&e == &target) return true;
    if (std::find(seen.begin(), seen.end(), &e) != seen.end()) return false;
    seen.push_back(&e);
    for (const Reference& ref : e.referenced_by)
        if (reaches(*ref.entity, target, seen)) return true;
    return false;
}

std::string text_of(const json::value* v) { return v && v->is_string() ? std::string(v->get_string()) : std::string(); }

}  // namespace

int64_t epoch_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

AuthService::AuthService(const Schema& schema, StorageDriver& driver, SessionStore& sessions, AuthOptions options)
    : schema_(schema), driver_(driver), sessions_(sessions), options_(std::move(options)),
      throttle_(std::max(1, options_.max_failures), options_.lockout_ms),
      everything_(Permissions::everything(schema)),
      session_cache_(options_.cached_sessions, options_.session_cache_ms),
      role_cache_(options_.cached_roles, options_.session_cache_ms) {
    if (!options_.admin_token.empty()) admin_digest_ = secret_digest(options_.admin_token);
    for (const auto& e : schema_.entities())
        for (const AuthzService& z : schema_.authz_services()) {
            std::vector<const Entity*> seen;
            if (z.entity && reaches(*e, *z.entity, seen)) {
                role_sources_.push_back(e.get());
                break;
            }
        }
}

bool AuthService::admin_token_matches(std::string_view token) const {
    if (!admin_digest_ || token.empty()) return false;
    const std::array<unsigned char, 32> presented = secret_digest(token);
    return sodium_memcmp(presented.data(), admin_digest_->data(), presented.size()) == 0;
}

bool AuthService::is_admin_token(std::string_view authorization) const {
    return admin_token_matches(bearer_of(authorization));
}

std::string AuthService::presented_session_id(std::string_view authorization, std::string_view cookie) const {
    const std::string_view token = bearer_of(authorization);
    if (!token.empty() && !admin_token_matches(token)) return std::string(token);
    return std::string(cookie_session(cookie));
}

LoginResult AuthService::login(const AuthnService& service, const json::value& body, const std::string& client) {
    const int64_t now = epoch_ms_now();
    const json::object* o = body.if_object();
    const json::value* login_v = o ? o->if_contains("login") : nullptr;
    const json::value* password_v = o ? o->if_contains("password") : nullptr;
    const std::string login = login_v && login_v->is_string() ? std::string(login_v->get_string()) : std::string();
    const std::string password = password_v && password_v->is_string() ? std::string(password_v->get_string()) : "";

    const std::string login_key = "login:" + service.entity->lower + ":" + login;
    const std::string client_key = "client:" + client;
    const int64_t wait = std::max(throttle_.wait_ms(login_key, now),
                                  throttle_.wait_ms(client_key, now, throttle_.max_failures() * 4));
    if (wait > 0) throw LoginThrottled((wait + 999) / 1000);
    auto fail = [&] {
        throttle_.failure(login_key, now);
        throttle_.failure(client_key, now);
        return invalid_credentials();
    };

    std::optional<Document> user;
    if (!login.empty() && text_fault(login) == TextFault::None) {
        // Login values match by the matching rule (docs/DECISIONS.md §2.23), as whole values.
        ListQuery q;
        q.filters.push_back(FilterCondition{service.login, FilterOp::Eq, json::value(login)});
        q.sort.push_back(SortKey{&service.entity->id_field(), false});
        q.limit = 2;
        q.with_total = false;
        ListPage page = driver_.list(*service.entity, q);
        if (page.docs.size() == 1) user = std::move(page.docs.front());
    }
    const std::string stored = user ? text_of(user->if_contains(service.password->name)) : std::string();
    if (!user || stored.empty()) {
        verify_against_dummy(password);   // the time of a wrong password
        throw fail();
    }
    const SecretMatch match = verify_secret(password, stored);
    if (match == SecretMatch::No || password.empty()) throw fail();
    if (match == SecretMatch::YesPlaintext) {
        // An adopted plaintext is accepted this once and replaced by its hash.
        Document updated = *user;
        updated[service.password->name] = hash_secret(password);
        driver_.write(WriteOptions{}, [&](WriteTxn& txn) { txn.update(*service.entity, updated); });
    }
    throttle_.success(login_key);

    LoginResult r;
    r.session.id = random_hex(32);   // a new id at every login: no session fixation
    r.session.entity = service.entity->name;
    r.session.user_id = text_of(user->if_contains("id"));
    if (service.role) r.session.role_id = text_of(user->if_contains(service.role->name));
    // The lifetimes count from now, after the hash verification's tens of milliseconds.
    const int64_t issued = epoch_ms_now();
    r.session.created_ms = issued;
    r.session.expires_ms = issued + std::min(options_.idle_ttl_ms, options_.absolute_ttl_ms);
    r.login = text_of(user->if_contains(service.login->name));

    std::string role_error;
    std::optional<Permissions> perms = permissions_of(r.session, &role_error);
    if (!perms) throw ApiError(401, kGeneral, Notice{"unauthorized", role_error});
    r.permissions = permissions_json(perms, service);
    // The new session is cached as written, so that its first request reads nothing.
    const uint64_t epoch = session_cache_.epoch();
    sessions_.put(r.session);
    Session kept = r.session;
    kept.id.clear();
    session_cache_.insert(session_key(r.session.id), std::move(kept), issued, r.session.expires_ms, epoch);
    return r;
}

std::optional<Permissions> AuthService::permissions_of(const Session& s, std::string* role_error) {
    const Entity* login_entity = schema_.find(s.entity);
    const AuthnService* service = nullptr;
    for (const AuthnService& a : schema_.authn_services())
        if (a.entity == login_entity) service = &a;
    if (!service) {
        *role_error = "Invalid session - authentication required";
        return std::nullopt;
    }
    if (!service->authz) return everything_;
    const AuthzService* authz = nullptr;
    for (const AuthzService& z : schema_.authz_services())
        if (z.entity == service->authz) authz = &z;
    const std::string key = role_key(*service->authz, s.role_id);
    const int64_t now = epoch_ms_now();
    if (std::optional<std::shared_ptr<const Permissions>> kept = role_cache_.find(key, now)) return **kept;
    // Taken before the read: a role written meanwhile voids the insert below.
    const uint64_t epoch = role_cache_.epoch();
    std::optional<Document> role = s.role_id.empty() ? std::nullopt : driver_.get(*service->authz, s.role_id);
    if (!role || !authz) {
        *role_error = "No permissions defined for role";
        return std::nullopt;
    }
    try {
        const json::value* p = role->if_contains(authz->permissions->name);
        auto permissions = std::make_shared<const Permissions>(Permissions::from_role(schema_, p ? *p : json::value()));
        role_cache_.insert(key, permissions, now, INT64_MAX, epoch);
        return *permissions;
    } catch (const std::invalid_argument& e) {
        *role_error = std::string("Failed to load permissions: ") + e.what();
        return std::nullopt;
    }
}

json::value AuthService::permissions_json(const std::optional<Permissions>& p, const AuthnService& service) const {
    if (!service.authz || !p) return nullptr;
    return json::object{{"entity", p->entity_letters()}, {"reports", json::array()}};
}

std::optional<Caller> AuthService::authenticate(std::string_view authorization, std::string_view cookie) {
    const std::string_view token = bearer_of(authorization);
    const std::string_view id = token.empty() ? cookie_session(cookie) : token;
    if (id.empty()) return std::nullopt;
    // One hash of the credential serves the admin token comparison and the cache key.
    const std::array<unsigned char, 32> digest = secret_digest(id);
    if (!token.empty() && admin_digest_ && sodium_memcmp(digest.data(), admin_digest_->data(), digest.size()) == 0)
        return Caller{everything_, std::nullopt};
    if (id.size() > 256) return std::nullopt;
    const int64_t now = epoch_ms_now();
    const std::string key = session_key(digest);
    const uint64_t epoch = session_cache_.epoch();   // before the read: a logout meanwhile voids the insert
    std::optional<Session> s = session_cache_.find(key, now);
    const bool was_kept = s.has_value();
    if (!s) s = sessions_.get(id, now);
    if (!s) return std::nullopt;
    s->id = std::string(id);
    const int64_t absolute_end = s->created_ms + options_.absolute_ttl_ms;
    if (absolute_end <= now) {
        sessions_.remove(id);
        session_cache_.erase(key);
        return std::nullopt;
    }
    // Renewed on use, written at most once per tenth of the idle lifetime.
    const int64_t renewed = std::min(now + options_.idle_ttl_ms, absolute_end);
    const bool renew = renewed - s->expires_ms >= options_.idle_ttl_ms / 10;
    if (renew) {
        s->expires_ms = renewed;
        if (!sessions_.renew(*s)) {   // ended meanwhile (a logout here or elsewhere): stays ended
            session_cache_.erase(key);
            return std::nullopt;
        }
    }
    if (!was_kept || renew) {
        Session kept = *s;
        kept.id.clear();
        session_cache_.insert(key, std::move(kept), now, std::min(s->expires_ms, absolute_end), epoch);
    }
    std::string role_error;
    std::optional<Permissions> perms = permissions_of(*s, &role_error);
    if (!perms) return std::nullopt;
    return Caller{std::move(*perms), std::move(s)};
}

bool AuthService::refresh(Session s) {
    const int64_t now = epoch_ms_now();
    s.expires_ms = std::min(now + options_.idle_ttl_ms, s.created_ms + options_.absolute_ttl_ms);
    const std::string key = session_key(s.id);
    const uint64_t epoch = session_cache_.epoch();
    if (!sessions_.renew(s)) {   // a logout won the race: the session stays ended
        session_cache_.erase(key);
        return false;
    }
    s.id.clear();
    const int64_t until = s.expires_ms;
    session_cache_.insert(key, std::move(s), now, until, epoch);
    return true;
}

void AuthService::logout(std::string_view session_id) {
    if (session_id.empty()) return;
    sessions_.remove(session_id);
    // After the store: a request that read the session before the removal cannot put it
    // back into the cache (ExpiringCache::erase voids its insert).
    session_cache_.erase(session_key(session_id));
}

void AuthService::document_written(const Entity& e, std::string_view) {
    // Every role is forgotten, not just the one written: role writes are rare, and the id a
    // session holds need not be spelled as the written one (nor is a cascade's victim known).
    if (std::find(role_sources_.begin(), role_sources_.end(), &e) != role_sources_.end()) role_cache_.clear();
}

std::optional<json::object> AuthService::describe(const Caller& caller) {
    if (!caller.session) return std::nullopt;
    const Session& s = *caller.session;
    const Entity* e = schema_.find(s.entity);
    const AuthnService* service = nullptr;
    for (const AuthnService& a : schema_.authn_services())
        if (a.entity == e) service = &a;
    if (!service) return std::nullopt;
    std::optional<Document> user = driver_.get(*e, s.user_id);
    if (!user) return std::nullopt;
    json::object out;
    out["sessionId"] = s.id;
    out["login"] = text_of(user->if_contains(service->login->name));
    out["roleId"] = s.role_id.empty() ? json::value() : json::value(s.role_id);
    out["permissions"] = permissions_json(caller.permissions, *service);
    out["expiresAt"] = s.expires_ms;
    return out;
}

int64_t AuthService::purge_expired() { return sessions_.purge_expired(epoch_ms_now()); }

}  // namespace events
