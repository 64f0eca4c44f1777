#include "e2e_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>

namespace events::e2e {

// ---- documents ----------------------------------------------------------------------------

json::object account_body(const std::string& name) {
    return json::object{{"name", name}, {"credit", 1500.5}};
}

json::object user_body(const std::string& account_id, const std::string& username) {
    return json::object{{"username", username},
                        {"email", username + "@example.com"},
                        {"password", "Secret123!"},
                        {"firstName", "John"},
                        {"lastName", "Smith"},
                        {"gender", "male"},
                        {"dob", "1990-01-01"},
                        {"isAccountOwner", true},
                        {"netWorth", 50000},
                        {"accountId", account_id}};
}

json::object profile_body(const std::string& user_id, const std::string& name) {
    return json::object{{"name", name}, {"preferences", "jazz"}, {"radiusMiles", 25}, {"userId", user_id}};
}

json::object tag_body(const std::string& profile_id, const std::string& tag, int affinity) {
    return json::object{{"tag", tag}, {"affinity", affinity}, {"profileId", profile_id}};
}

json::object event_body(const std::string& title, const std::string& date_time) {
    return json::object{{"url", "https://example.com/e/1"}, {"title", title}, {"dateTime", date_time},
                        {"location", "Town Hall"}, {"cost", 12.5}, {"numOfExpectedAttendees", 100},
                        {"recurrence", "weekly"}, {"tags", json::array{"music", "live"}}};
}

json::object userevent_body(const std::string& user_id, const std::string& event_id) {
    return json::object{{"attended", true}, {"rating", 4}, {"note", "good"}, {"userId", user_id}, {"eventId", event_id}};
}

json::object url_body(const std::string& url) {
    return json::object{{"url", url}, {"params", json::object{{"depth", 2}}}};
}

json::object crawl_body(const std::string& url_id) {
    return json::object{{"lastParsedDate", "2025-01-02T03:04:05Z"},
                        {"parseStatus", json::object{{"ok", true}}},
                        {"errorsEncountered", json::array{}},
                        {"urlId", url_id}};
}

// ---- reading responses --------------------------------------------------------------------

std::string str(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    return json::serialize(v);
}

const json::value& data(const HttpResponse& r) {
    static const json::value null_value;
    if (!r.json_ok || !r.json.is_object()) return null_value;
    const auto* d = r.json.as_object().if_contains("data");
    return d ? *d : null_value;
}

std::vector<std::string> list_ids(const HttpResponse& r) { return list_field(r, "id"); }

std::vector<std::string> list_field(const HttpResponse& r, const std::string& field) {
    std::vector<std::string> out;
    const json::value& d = data(r);
    if (!d.is_array()) return out;
    for (const auto& doc : d.as_array()) {
        const auto* v = doc.is_object() ? doc.as_object().if_contains(field) : nullptr;
        out.push_back(v ? str(*v) : std::string("<absent>"));
    }
    return out;
}

std::string describe(const HttpResponse& r) {
    std::ostringstream os;
    os << "HTTP " << r.status;
    if (!r.error.empty()) os << " (transport: " << r.error << ")";
    std::string body = r.body.size() > 3000 ? r.body.substr(0, 3000) + "..." : r.body;
    os << " body: " << body;
    return os.str();
}

namespace {

std::string expected_type(int status) {
    switch (status) {
        case 400: return "bad_request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 409: return "conflict";
        case 412: return "precondition_failed";
        case 413: return "payload_too_large";
        case 431: return "header_too_large";
        case 422: return "validation_failed";
        case 429: return "too_many_requests";
        case 500: return "internal_error";
        case 503: return "unavailable";
    }
    return "?";
}

const json::array* notice_array(const HttpResponse& r, const std::string& key, const char* which) {
    if (!r.json_ok || !r.json.is_object()) return nullptr;
    const auto* n = r.json.as_object().if_contains("notifications");
    if (!n || !n->is_object()) return nullptr;
    const auto* group = n->as_object().if_contains(key);
    if (!group || !group->is_object()) return nullptr;
    const auto* arr = group->as_object().if_contains(which);
    return arr && arr->is_array() ? &arr->as_array() : nullptr;
}

bool matches(const json::value& notice, const std::string& type, const std::string& message,
             const std::optional<std::string>& field, const std::optional<std::string>& parameter) {
    if (!notice.is_object()) return false;
    const auto& o = notice.as_object();
    auto eq = [&](const char* key, const std::string& want) {
        const auto* v = o.if_contains(key);
        return v && v->is_string() && v->get_string() == want;
    };
    return eq("type", type) && eq("message", message) && (!field || eq("field", *field)) &&
           (!parameter || eq("parameter", *parameter));
}

}  // namespace

::testing::AssertionResult IsEnvelope(const HttpResponse& r) {
    if (!r.json_ok || !r.json.is_object())
        return ::testing::AssertionFailure() << "not a JSON object: " << describe(r);
    const auto& o = r.json.as_object();
    for (const char* key : {"data", "notifications", "status"})
        if (!o.contains(key)) return ::testing::AssertionFailure() << "no '" << key << "' key: " << describe(r);
    if (o.contains("summary")) return ::testing::AssertionFailure() << "has a 'summary' key: " << describe(r);
    if (!o.at("notifications").is_object() || !o.at("status").is_string())
        return ::testing::AssertionFailure() << "bad notifications/status: " << describe(r);
    bool any_error = false, any_warning = false;
    for (const auto& [key, group] : o.at("notifications").as_object()) {
        if (!group.is_object() || !group.as_object().contains("errors") || !group.as_object().contains("warnings") ||
            !group.at("errors").is_array() || !group.at("warnings").is_array())
            return ::testing::AssertionFailure() << "notifications[" << key << "] lacks errors/warnings arrays: "
                                                 << describe(r);
        any_error |= !group.at("errors").as_array().empty();
        any_warning |= !group.at("warnings").as_array().empty();
    }
    const std::string status(o.at("status").get_string());
    const std::string want = r.status >= 400 ? "error" : any_error ? "error" : any_warning ? "warning" : "success";
    if (status != want)
        return ::testing::AssertionFailure() << "status '" << status << "', expected '" << want << "': " << describe(r);
    if (r.status >= 400 && !any_error)
        return ::testing::AssertionFailure() << "error status without an error notice: " << describe(r);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult HasError(const HttpResponse& r, int status, const std::string& key, const std::string& type,
                                    const std::string& message, const std::optional<std::string>& field,
                                    const std::optional<std::string>& parameter) {
    if (r.status != status) return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << describe(r);
    if (auto env = IsEnvelope(r); !env) return env;
    if (type != expected_type(status))
        return ::testing::AssertionFailure() << "test bug: type " << type << " does not go with " << status;
    if (!data(r).is_null()) return ::testing::AssertionFailure() << "data is not null: " << describe(r);
    const json::array* errors = notice_array(r, key, "errors");
    if (!errors) return ::testing::AssertionFailure() << "no notifications['" << key << "'].errors: " << describe(r);
    for (const auto& e : *errors)
        if (matches(e, type, message, field, parameter)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "no error {type: " << type << ", message: '" << message << "'"
                                         << (field ? ", field: " + *field : "")
                                         << (parameter ? ", parameter: " + *parameter : "") << "} under '" << key
                                         << "': " << describe(r);
}

::testing::AssertionResult HasWarning(const HttpResponse& r, const std::string& key, const std::string& type,
                                      const std::string& message, const std::optional<std::string>& field) {
    if (auto env = IsEnvelope(r); !env) return env;
    const json::array* warnings = notice_array(r, key, "warnings");
    if (!warnings) return ::testing::AssertionFailure() << "no notifications['" << key << "'].warnings: " << describe(r);
    for (const auto& w : *warnings)
        if (matches(w, type, message, field, std::nullopt)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "no warning {type: " << type << ", message: '" << message << "'"
                                         << (field ? ", field: " + *field : "") << "} under '" << key
                                         << "': " << describe(r);
}

::testing::AssertionResult IsSuccess(const HttpResponse& r, int status) {
    if (r.status != status) return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << describe(r);
    if (auto env = IsEnvelope(r); !env) return env;
    if (r.json.at("status") != "success" || !r.json.at("notifications").as_object().empty())
        return ::testing::AssertionFailure() << "not a clean success: " << describe(r);
    return ::testing::AssertionSuccess();
}

std::string sample_schema_text() { return read_file(std::string(EVENTS_SOURCE_DIR) + "/schemas/events.yaml"); }

std::string insert_after(const std::string& text, const std::string& after, const std::string& lines) {
    const size_t pos = text.find(after + "\n");
    if (pos == std::string::npos || text.find(after + "\n", pos + 1) != std::string::npos)
        throw std::runtime_error("test bug: line '" + after + "' not found exactly once in the schema");
    std::string out = text;
    out.insert(pos + after.size() + 1, lines);
    return out;
}

// ---- the fixture --------------------------------------------------------------------------

std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

void E2ETest::SetUp() {
    test_backend_ = &::events::e2e::test_backend(GetParam());
    backend_ = test_backend_->database();
    if (std::string why = test_backend_->unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string suite = info->test_suite_name(), name = info->name();
    suite = suite.substr(suite.find('/') + 1);    // "Backends/Lifecycle" -> "Lifecycle"
    name = name.substr(0, name.find('/'));        // "Test/Jongodb" -> "Test"
    if (std::string why = test_backend_->skip_reason(suite + "." + name); !why.empty()) GTEST_SKIP() << why;
    dir_ = make_temp_dir();
    std::random_device rd;
    std::mt19937_64 gen(rd());
    char buf[32];
    std::snprintf(buf, sizeof buf, "e2e_%012llx", static_cast<unsigned long long>(gen() & 0xffffffffffffULL));
    db_name_ = buf;
    current_setup_ = default_setup();
}

void E2ETest::TearDown() {
    if (server_) {
        const int code = server_->stop();
        EXPECT_EQ(code, 0) << "the server did not exit cleanly on SIGTERM; output:\n" << server_->output();
        server_.reset();
    }
    if (dir_.empty()) return;
    if (!HasFailure()) test_backend_->drop_database(base_config());
    if (HasFailure()) std::fprintf(stderr, "e2e: kept %s for inspection\n", dir_.c_str());
    else remove_tree(dir_);
}

json::object E2ETest::base_config() const {
    json::object c{{"project_name", "E2E Events"}, {"database", backend_}, {"host", "127.0.0.1"},
                   {"log_level", "info"}};
    test_backend_->configure(c, db_name_, dir_);
    return c;
}

ServerSetup E2ETest::default_setup() const {
    ServerSetup s;
    s.config = base_config();
    return s;
}

TestServer& E2ETest::server() {
    if (!server_) start_server(current_setup_);
    return *server_;
}

TestServer& E2ETest::start_server(ServerSetup setup) {
    if (server_) {
        const int code = server_->stop();
        EXPECT_EQ(code, 0) << "the server did not exit cleanly on SIGTERM; output:\n" << server_->output();
        server_.reset();
    }
    current_setup_ = setup;
    auto s = std::make_unique<TestServer>(std::move(setup), dir_);
    std::string error;
    if (!s->start(error)) throw std::runtime_error("the server did not start: " + error);
    server_ = std::move(s);
    return *server_;
}

TestServer& E2ETest::start_server_with(const json::object& overrides) {
    ServerSetup s = default_setup();
    for (const auto& [k, v] : overrides) (*s.config)[k] = v;
    return start_server(std::move(s));
}

int E2ETest::stop_server() {
    if (!server_) return -1;
    const int code = server_->stop();
    server_.reset();
    return code;
}

int E2ETest::kill_server() {
    if (!server_) return -1;
    const int code = server_->kill();
    server_.reset();
    return code;
}

TestServer& E2ETest::restart_server() {
    ServerSetup s = current_setup_;
    return start_server(std::move(s));
}

std::string E2ETest::create(const std::string& entity, const json::object& body) {
    HttpResponse r = post("/api/" + entity, body);
    if (r.status != 201 || !data(r).is_object() || !data(r).as_object().contains("id"))
        throw std::runtime_error("POST /api/" + entity + " " + json::serialize(body) + " failed: " + describe(r));
    return std::string(data(r).at("id").as_string());
}

std::string E2ETest::create_account(const std::string& name) { return create("account", account_body(name)); }

std::string E2ETest::create_user(const std::string& account_id, const std::string& username) {
    return create("user", user_body(account_id, username));
}

json::object E2ETest::fetch(const std::string& entity, const std::string& id) {
    HttpResponse r = get("/api/" + entity + "/" + id);
    if (r.status != 200 || !data(r).is_object())
        throw std::runtime_error("GET /api/" + entity + "/" + id + " failed: " + describe(r));
    return data(r).as_object();
}

std::string E2ETest::snapshot() {
    std::string out;
    for (const char* e : {"account", "user", "profile", "tagaffinity", "event", "userevent", "url", "crawl"}) {
        HttpResponse r = get(std::string("/api/") + e + "?pageSize=1000");
        out += std::string(e) + ": ";
        out += r.status == 200 ? json::serialize(data(r)) : "HTTP " + std::to_string(r.status);
        out += "\n";
    }
    return out;
}

::testing::AssertionResult E2ETest::StillServing() {
    HttpResponse r = get("/api/health");
    if (r.status != 200) return ::testing::AssertionFailure() << "health: " << describe(r);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult E2ETest::set_raw_field(const std::string& entity, const std::string& id,
                                                  const std::string& field, const std::string& value) {
    return test_backend_->set_raw_field(base_config(), entity, id, field, value);
}

::testing::AssertionResult E2ETest::delete_raw(const std::string& entity, const std::string& id) {
    return test_backend_->delete_raw(base_config(), entity, id);
}

}  // namespace events::e2e
