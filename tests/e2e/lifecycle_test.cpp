// Start-up, shutdown, persistence and schema reconciliation (docs/DECISIONS.md §2.14, §3).
#include "e2e_fixture.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

namespace events::e2e {
namespace {

class Lifecycle : public E2ETest {};
E2E_INSTANTIATE(Lifecycle);

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The first object member named `key` anywhere inside `v`.
const json::value* find_key(const json::value& v, const std::string& key) {
    if (v.is_object()) {
        for (const auto& [k, child] : v.as_object()) {
            if (k == key) return &child;
            if (const json::value* found = find_key(child, key)) return found;
        }
    } else if (v.is_array()) {
        for (const auto& child : v.as_array())
            if (const json::value* found = find_key(child, key)) return found;
    }
    return nullptr;
}

TEST_P(Lifecycle, DataSurvivesARestart) {
    const std::string account = create_account();
    const std::string user = create_user(account, "jsmith");
    const std::string before = snapshot();
    EXPECT_EQ(stop_server(), 0);
    restart_server();
    EXPECT_EQ(before, snapshot());
    EXPECT_EQ(fetch("user", user).at("username"), "jsmith");
    // Constraints still hold after the restart.
    json::object dup = user_body(account, "JSMITH");
    dup["email"] = "x@example.com";
    dup["id"] = "usr_dup";
    EXPECT_TRUE(HasError(post("/api/user", dup), 409, "usr_dup", "conflict", "username already exists", "username"));
}

TEST_P(Lifecycle, SigtermStopsTheServerCleanly) {
    create_account();
    EXPECT_EQ(stop_server(), 0);
}

TEST_P(Lifecycle, AddingAFieldKeepsOldDocuments) {
    const std::string old_id = create_account("Old Account");
    const std::string schema = dir() + "/with-nickname.yaml";
    write_file(schema, insert_after(sample_schema_text(), "      enabled: {type: Boolean, default: true}",
                                    "      nickname: {type: String, required: false, max_length: 20}\n"));
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    const json::object old_doc = fetch("account", old_id);
    EXPECT_EQ(old_doc.at("name"), "Old Account");
    ASSERT_TRUE(old_doc.contains("nickname")) << json::serialize(old_doc);
    EXPECT_TRUE(old_doc.at("nickname").is_null());
    json::object b = account_body("New Account");
    b["nickname"] = "newbie";
    const std::string new_id = create("account", b);
    EXPECT_EQ(fetch("account", new_id).at("nickname"), "newbie");
    EXPECT_EQ(list_ids(get("/api/account?filter=nickname:newb")), std::vector<std::string>{new_id});
    HttpResponse upd = patch("/api/account/" + old_id, json::object{{"nickname", "oldie"}});
    EXPECT_TRUE(IsSuccess(upd)) << describe(upd);
    // Field order: schema order, the new field after `enabled`.
    std::vector<std::string> keys;
    for (const auto& kv : fetch("account", old_id)) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "name", "credit", "expireDate", "enabled", "nickname", "createdAt", "updatedAt"}));
    // Back to the original schema: the data is still there (the column is never dropped).
    start_server(default_setup());
    EXPECT_EQ(fetch("account", old_id).at("name"), "Old Account");
    EXPECT_FALSE(fetch("account", old_id).contains("nickname"));
}

TEST_P(Lifecycle, NewUniqueConstraintOverDuplicatesRefusesToStart) {
    const std::string account = create_account();
    json::object a = user_body(account, "first");
    a["city"] = "Duplicatetown";
    json::object b = user_body(account, "second");
    b["city"] = "DUPLICATETOWN";
    create("user", a);
    create("user", b);
    EXPECT_EQ(stop_server(), 0);

    const std::string schema = dir() + "/unique-city.yaml";
    write_file(schema, insert_after(sample_schema_text(), "    - [email]", "    - [city]\n"));
    ServerSetup s = default_setup();
    s.schema_path = schema;
    TestServer refused(s, dir());
    std::string error;
    ASSERT_TRUE(refused.launch(error)) << error;
    const std::optional<int> code = refused.wait_exit(90);
    ASSERT_TRUE(code.has_value()) << "the server kept running; output:\n" << refused.output();
    EXPECT_NE(*code, 0);
    EXPECT_NE(lower(refused.output()).find("duplicatetown"), std::string::npos) << refused.output();
    EXPECT_EQ(refused.http().get("/api/health").status, 0);

    // Nothing was lost; the old schema still starts.
    start_server(default_setup());
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 2);
}

// The sample schema's old YAML slip (an unquoted comma in a flow mapping) is caught by
// `events check` and at start-up, naming entity, field and key.
TEST_P(Lifecycle, UnknownEnumKeyStopsCheckAndStartUp) {
    const std::string schema = dir() + "/faulty.yaml";
    const std::string text = sample_schema_text();
    const std::string good = "enum: {values: [male, female, other], message: \"must be male, female or other\"}";
    const size_t at = text.find(good);
    ASSERT_NE(at, std::string::npos);
    write_file(schema, std::string(text).replace(at, good.size(),
                                                 "enum: {values: [male, female, other], message: must be male, female or other}"));
    const std::string expected = "User.gender: unknown enum key 'female or other'";

    const std::string command = std::string(EVENTS_BINARY) + " check --schema " + schema + " 2>&1";
    std::string checked;
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char chunk[4096];
    while (size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) checked.append(chunk, n);
    const int status = ::pclose(pipe);
    EXPECT_NE(status, 0) << checked;
    EXPECT_NE(checked.find(expected), std::string::npos) << checked;

    ServerSetup s = default_setup();
    s.schema_path = schema;
    TestServer refused(s, dir());
    std::string error;
    ASSERT_TRUE(refused.launch(error)) << error;
    const std::optional<int> code = refused.wait_exit(60);
    ASSERT_TRUE(code.has_value()) << "the server kept running; output:\n" << refused.output();
    EXPECT_NE(*code, 0);
    EXPECT_NE(refused.output().find(expected), std::string::npos) << refused.output();
}

TEST_P(Lifecycle, DeclaredIndexesAreReportedAndReconciled) {
    if (backend() == "elasticsearch")
        GTEST_SKIP() << "Elasticsearch indexes every field of its mapping: declared `indexes` have no counterpart "
                        "to create or drop (docs/ELASTICSEARCH.md)";
    HttpResponse r = get("/api/db/report");
    ASSERT_EQ(r.status, 200) << describe(r);
    const json::value& details = r.json.at("report").at("details");
    const json::value* user = find_key(details, "User");
    const json::value* event = find_key(details, "Event");
    ASSERT_TRUE(user && event) << json::serialize(details);
    const std::string user_text = lower(json::serialize(*user));
    EXPECT_NE(user_text.find("gender"), std::string::npos) << user_text;
    EXPECT_NE(user_text.find("lastname"), std::string::npos) << user_text;
    EXPECT_NE(user_text.find("networth"), std::string::npos) << user_text;
    EXPECT_NE(user_text.find("username"), std::string::npos) << user_text;     // unique
    EXPECT_NE(user_text.find("accountid"), std::string::npos) << user_text;    // FK columns are indexed
    EXPECT_NE(lower(json::serialize(*event)).find("datetime"), std::string::npos) << json::serialize(*event);

    // Dropping the declared index from the schema drops it at the next start.
    std::string text = sample_schema_text();
    const std::string line = "    - [netWorth]\n";
    ASSERT_NE(text.find(line), std::string::npos);
    text.erase(text.find(line), line.size());
    const std::string schema = dir() + "/fewer-indexes.yaml";
    write_file(schema, text);
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    HttpResponse after = get("/api/db/report");
    const json::value* user_after = find_key(after.json.at("report").at("details"), "User");
    ASSERT_TRUE(user_after);
    EXPECT_EQ(lower(json::serialize(*user_after)).find("networth"), std::string::npos) << json::serialize(*user_after);
}

TEST_P(Lifecycle, ZeroConfigStartServesTheSampleSchema) {
    if (backend() != "sqlite") GTEST_SKIP() << "zero-config start is SQLite by definition";
    const std::string empty = dir() + "/empty";
    std::filesystem::create_directory(empty);
    ServerSetup s;
    s.work_dir = empty;   // no config, no schema, no env: only --port
    start_server(s);
    HttpResponse m = get("/api/metadata");
    ASSERT_EQ(m.status, 200) << describe(m);
    EXPECT_EQ(m.json.at("database"), "sqlite");
    EXPECT_EQ(m.json.at("projectName"), "events");   // not the original framework's placeholder
    for (const char* e : {"Account", "User", "Profile", "TagAffinity", "Event", "UserEvent", "Url", "Crawl"})
        EXPECT_TRUE(m.json.at("entities").as_object().contains(e)) << e;
    create_user(create_account(), "zeroconfig");
    EXPECT_TRUE(file_exists(empty + "/events.db"));
    EXPECT_EQ(stop_server(), 0);
    start_server(s);
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 1);
}

TEST_P(Lifecycle, EnvironmentOverridesTheConfigFile) {
    ServerSetup s = default_setup();
    (*s.config)["project_name"] = "From File";
    s.env = {{"EVENTS_PROJECT_NAME", "From Env"}, {"EVENTS_CASCADE_DELETE", "false"}, {"EVENTS_VALIDATION", "single"}};
    start_server(s);
    EXPECT_EQ(get("/api/metadata").json.at("projectName"), "From Env");
    const std::string account = create_account();
    const std::string user = create_user(account, "envuser");
    EXPECT_TRUE(HasError(del("/api/account/" + account), 409, account, "conflict",
                         "Cannot delete Account " + account + ": referenced by 1 User document(s)"));
    EXPECT_EQ(fetch("user", user).at("account").at("exists"), true);   // validation single
}

TEST_P(Lifecycle, EnvironmentAloneConfiguresTheDatabase) {
    const std::string empty = dir() + "/cwd";
    std::filesystem::create_directory(empty);
    const json::object base = base_config();
    ServerSetup s;
    s.work_dir = empty;
    s.env = {{"EVENTS_DATABASE", backend()}, {"EVENTS_DB_URI", std::string(base.at("db_uri").as_string())},
             {"EVENTS_DB_NAME", std::string(base.at("db_name").as_string())}, {"EVENTS_PROJECT_NAME", "Env Only"}};
    start_server(s);
    EXPECT_EQ(get("/api/metadata").json.at("database"), json::value(backend()));
    EXPECT_EQ(get("/api/metadata").json.at("projectName"), "Env Only");
    const std::string id = create_account();
    EXPECT_FALSE(file_exists(empty + "/events.db"));
    // The same database as the config-file server of this test.
    start_server(default_setup());
    EXPECT_EQ(fetch("account", id).at("name"), "Acme Corporation");
}

}  // namespace
}  // namespace events::e2e
