// Schema evolution without losing data (docs/DECISIONS.md §5): one database walked
// through a series of schema versions (tests/e2e/data/schema_evolution/), with the real
// binary, checking every document after each step; `events migrate --plan`; `export`
// proven read-only by listing the database behind the server's back.
#include "e2e_fixture.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

namespace events::e2e {
namespace {

class SchemaEvolution : public E2ETest {
protected:
    static std::string data(const std::string& name) {
        return std::string(EVENTS_SOURCE_DIR) + "/tests/e2e/data/schema_evolution/" + name;
    }

    ServerSetup setup_for(const std::string& schema_file, std::vector<std::string> extra = {}) const {
        ServerSetup s = default_setup();
        s.schema_path = data(schema_file);
        s.extra_args = std::move(extra);
        return s;
    }

    // A server with this schema that must refuse to start; its output.
    std::string refused_start(const std::string& schema_file) {
        stop_server();
        TestServer refused(setup_for(schema_file), dir());
        std::string error;
        EXPECT_TRUE(refused.launch(error)) << error;
        const std::optional<int> code = refused.wait_exit(90);
        EXPECT_TRUE(code.has_value()) << "the server kept running; output:\n" << refused.output();
        if (code) EXPECT_NE(*code, 0) << refused.output();
        return refused.output();
    }

    // Runs `events <args>` with this test's database settings; output (stdout then
    // stderr when `merge`) and exit code.
    std::pair<std::string, int> cli(const std::string& args, bool merge = true) {
        const std::string config = dir() + "/cli.json";
        write_file(config, json::serialize(base_config()));
        const std::string command =
            std::string("'") + EVENTS_BINARY + "' " + args + " --config '" + config + "'" + (merge ? " 2>&1" : " 2>/dev/null");
        FILE* pipe = ::popen(command.c_str(), "r");
        if (!pipe) return {"popen failed", -1};
        std::string out;
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
        const int status = ::pclose(pipe);
        return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
    }

    // Every Member, by id.
    std::map<std::string, json::object> members() {
        std::map<std::string, json::object> out;
        const HttpResponse r = get("/api/member?pageSize=1000");
        EXPECT_EQ(r.status, 200) << describe(r);
        if (r.status != 200) return out;
        for (const json::value& d : r.json.at("data").as_array()) out[str(d.at("id"))] = d.as_object();
        return out;
    }

    static constexpr int kMembers = 30;
    static std::string full_name(int i) { return "Member " + std::to_string(i); }
    static std::string born(int i) { return "19" + std::to_string(50 + i) + "-05-23"; }

    // Creates the v1 documents; their ids by index.
    std::vector<std::string> create_v1_members() {
        start_server(setup_for("v1.yaml"));
        std::vector<std::string> ids;
        for (int i = 0; i < kMembers; ++i)
            ids.push_back(create("member", json::object{{"fullName", full_name(i)}, {"born", born(i)}, {"visits", i}}));
        return ids;
    }
};
E2E_INSTANTIATE(SchemaEvolution);

TEST_P(SchemaEvolution, OneDatabaseThroughEveryKindOfChange) {
    const std::vector<std::string> ids = create_v1_members();

    // v2: a new field with a default is backfilled on every existing document.
    start_server(setup_for("v2_default.yaml"));
    auto docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        const json::object& d = docs.at(ids[i]);
        EXPECT_EQ(d.at("fullName"), full_name(i));
        EXPECT_EQ(d.at("born"), born(i));
        EXPECT_EQ(d.at("visits"), i);
        EXPECT_EQ(d.at("language"), "en") << json::serialize(d);
    }
    EXPECT_EQ(get("/api/member?filter=language:en").json.at("pagination").at("total"), kMembers);

    // v3: renamed_from carries every value over; the old name is gone from the documents.
    start_server(setup_for("v3_rename.yaml"));
    docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        const json::object& d = docs.at(ids[i]);
        EXPECT_EQ(d.at("name"), full_name(i)) << json::serialize(d);
        EXPECT_FALSE(d.contains("fullName"));
        EXPECT_EQ(d.at("born"), born(i));
        EXPECT_EQ(d.at("visits"), i);
        EXPECT_EQ(d.at("language"), "en");
    }
    EXPECT_EQ(list_ids(get("/api/member?filter=name:" + std::string("Member%207"))), std::vector<std::string>{ids[7]});
    const HttpResponse patched = patch("/api/member/" + ids[3], json::object{{"visits", 99}});
    EXPECT_EQ(patched.status, 200) << describe(patched);
    EXPECT_EQ(fetch("member", ids[3]).at("name"), full_name(3));
    EXPECT_EQ(stop_server(), 0);

    // Type changes wait for a migration, lossless or not; nothing changes meanwhile.
    std::string out = refused_start("v4_widen.yaml");
    EXPECT_NE(out.find("convert Member.visits from Integer to Number (lossless)"), std::string::npos) << out;
    EXPECT_NE(out.find("v3_rename.yaml"), std::string::npos) << out;   // both schemas are named
    EXPECT_NE(out.find("v4_widen.yaml"), std::string::npos) << out;
    out = refused_start("v5_lossy.yaml");
    EXPECT_NE(out.find("convert Member.born from Date to Integer"), std::string::npos) << out;

    // A new required field without a default is refused with the count of documents.
    out = refused_start("v7_required.yaml");
    EXPECT_NE(out.find("Member.shelf is now required: 30 existing document(s) have no value"), std::string::npos) << out;

    // v6: a removed field's values stay in the database; the start-up says so.
    start_server(setup_for("v6_removal.yaml"));
    EXPECT_NE(server().output().find("Member.visits is no longer in the schema: its data is kept"), std::string::npos)
        << server().output();
    const HttpResponse report = get("/api/db/report");
    ASSERT_EQ(report.status, 200) << describe(report);
    EXPECT_EQ(report.json.at("report").at("schema").at("kept"), (json::array{"Member.visits"})) << describe(report);
    EXPECT_EQ(report.json.at("report").at("schema").at("source"), data("v6_removal.yaml"));
    // Still reported after a restart with the same schema.
    restart_server();
    EXPECT_EQ(get("/api/db/report").json.at("report").at("schema").at("kept"), (json::array{"Member.visits"}));
    EXPECT_NE(server().output().find("Member.visits is no longer in the schema"), std::string::npos);
    docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        EXPECT_FALSE(docs.at(ids[i]).contains("visits"));
        EXPECT_EQ(docs.at(ids[i]).at("name"), full_name(i));
    }
    // ... and come back with the field.
    start_server(setup_for("v3_rename.yaml"));
    docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        const json::object& d = docs.at(ids[i]);
        EXPECT_EQ(d.at("visits"), i == 3 ? 99 : i) << json::serialize(d);
        EXPECT_EQ(d.at("name"), full_name(i));
        EXPECT_EQ(d.at("born"), born(i));
    }
    // A filter on every field that changed answers 200.
    for (const char* filter : {"visits:gt:10", "born:gt:1960-01-01", "name:Member", "language:en"})
        EXPECT_EQ(get(std::string("/api/member?filter=") + filter).status, 200) << filter;

    // --adopt serves documents that lack a newly required value as they are.
    start_server(setup_for("v7_required.yaml", {"--adopt"}));
    docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) EXPECT_EQ(docs.at(ids[i]).at("name"), full_name(i));
    EXPECT_EQ(patch("/api/member/" + ids[0], json::object{{"shelf", "A1"}}).status, 200);
    EXPECT_EQ(fetch("member", ids[0]).at("shelf"), "A1");

    // A foreign schema is refused, naming both; --adopt takes the database over.
    out = refused_start("foreign.yaml");
    EXPECT_NE(out.find("another schema"), std::string::npos) << out;
    EXPECT_NE(out.find("entities: Member"), std::string::npos) << out;
    EXPECT_NE(out.find("entities: Book"), std::string::npos) << out;
    EXPECT_NE(out.find("--adopt"), std::string::npos) << out;
    start_server(setup_for("foreign.yaml", {"--adopt"}));
    EXPECT_EQ(get("/api/book").status, 200);
    const std::string book = create("book", json::object{{"title", "Dune"}});
    EXPECT_EQ(fetch("book", book).at("title"), "Dune");
}

// docs/DECISIONS.md §5.4: `migrate --apply` converts types after checking every stored value.
TEST_P(SchemaEvolution, MigrateApplyConvertsTypesAfterCheckingEveryValue) {
    const std::vector<std::string> ids = create_v1_members();
    EXPECT_EQ(stop_server(), 0);
    const auto total = [&](const std::string& filter) {
        const HttpResponse r = get("/api/member?filter=" + filter);
        EXPECT_EQ(r.status, 200) << filter << ": " << describe(r);
        return r.status == 200 ? r.json.at("pagination").at("total").to_number<int64_t>() : -1;
    };

    // serve refuses a type change, naming the command that carries it out.
    std::string out = refused_start("conv_lossless.yaml");
    EXPECT_NE(out.find("convert Member.visits from Integer to String (lossless)"), std::string::npos) << out;
    EXPECT_NE(out.find("migrate --apply"), std::string::npos) << out;
    auto [plan, plan_code] = cli("migrate --plan --schema '" + data("conv_lossless.yaml") + "'", false);
    EXPECT_EQ(plan_code, 0) << plan;
    EXPECT_NE(plan.find("`events migrate --apply` converts types after checking every stored value and renames entities"), std::string::npos)
        << plan;
    EXPECT_NE(plan.find("  convert Member.born from Date to Datetime (lossless)\n"), std::string::npos) << plan;

    if (backend() == "elasticsearch") {
        // An index cannot change a mapped field's type: refused with the reason, nothing changed.
        auto [refused, code] = cli("migrate --apply --schema '" + data("conv_lossless.yaml") + "'");
        EXPECT_NE(code, 0) << refused;
        EXPECT_NE(refused.find("cannot change the type a field of an index is mapped with"), std::string::npos)
            << refused;
        EXPECT_NE(refused.find("The data is unchanged"), std::string::npos) << refused;
        start_server(setup_for("v1.yaml"));
        const auto docs = members();
        ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
        for (int i = 0; i < kMembers; ++i) {
            EXPECT_EQ(docs.at(ids[i]).at("born"), born(i));
            EXPECT_EQ(docs.at(ids[i]).at("visits"), i);
        }
        return;
    }

    // Lossless: Date -> Datetime, Integer -> String; every document converted, 7 at a time.
    auto [applied, code] = cli("migrate --apply --batch 7 --schema '" + data("conv_lossless.yaml") + "'");
    ASSERT_EQ(code, 0) << applied;
    start_server(setup_for("conv_lossless.yaml"));
    auto docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        const json::object& d = docs.at(ids[i]);
        EXPECT_EQ(d.at("fullName"), full_name(i));
        EXPECT_EQ(d.at("born"), born(i) + "T00:00:00.000Z") << json::serialize(d);
        EXPECT_EQ(d.at("visits"), std::to_string(i)) << json::serialize(d);
    }
    EXPECT_EQ(total("born:gt:1960-01-01T00:00:00Z"), 20);
    EXPECT_EQ(list_ids(get("/api/member?filter=visits:29")), std::vector<std::string>{ids[29]});
    EXPECT_EQ(total("visits:1"), 12);   // "1", "10".."19", "21"

    // Checked: String -> Integer. Two values do not convert: refused, listing them, nothing changed.
    EXPECT_EQ(patch("/api/member/" + ids[5], json::object{{"visits", "five"}}).status, 200);
    EXPECT_EQ(patch("/api/member/" + ids[9], json::object{{"visits", "many"}}).status, 200);
    EXPECT_EQ(stop_server(), 0);
    auto [refused, refused_code] = cli("migrate --apply --schema '" + data("conv_checked.yaml") + "'");
    EXPECT_NE(refused_code, 0) << refused;
    EXPECT_NE(refused.find("Member.visits (String -> Integer): 2 stored value(s) do not convert"), std::string::npos)
        << refused;
    EXPECT_NE(refused.find("id " + ids[5] + ": \"five\" (Input should be a valid integer)"), std::string::npos)
        << refused;
    EXPECT_NE(refused.find("id " + ids[9] + ": \"many\""), std::string::npos) << refused;
    EXPECT_NE(refused.find("Nothing was changed"), std::string::npos) << refused;
    EXPECT_NE(refused_start("conv_checked.yaml").find("migrate --apply"), std::string::npos);
    start_server(setup_for("conv_lossless.yaml"));
    docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        const std::string expected = i == 5 ? "five" : i == 9 ? "many" : std::to_string(i);
        EXPECT_EQ(docs.at(ids[i]).at("visits"), expected);
        EXPECT_EQ(docs.at(ids[i]).at("born"), born(i) + "T00:00:00.000Z");
    }

    // Fixed under the schema the database holds, the conversion goes through.
    EXPECT_EQ(patch("/api/member/" + ids[5], json::object{{"visits", "5"}}).status, 200);
    EXPECT_EQ(patch("/api/member/" + ids[9], json::object{{"visits", " 9 "}}).status, 200);
    EXPECT_EQ(stop_server(), 0);
    auto [converted, converted_code] = cli("migrate --apply --schema '" + data("conv_checked.yaml") + "'");
    ASSERT_EQ(converted_code, 0) << converted;
    start_server(setup_for("conv_checked.yaml"));
    docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        const json::object& d = docs.at(ids[i]);
        EXPECT_EQ(d.at("visits"), i) << json::serialize(d);
        EXPECT_EQ(d.at("fullName"), full_name(i));
        EXPECT_EQ(d.at("born"), born(i) + "T00:00:00.000Z");
    }
    EXPECT_EQ(total("visits:gt:20"), 9);
    EXPECT_EQ(total("visits:9"), 1);
    EXPECT_EQ(get("/api/member?sort=visits:desc&pageSize=1").json.at("data").at(0).at("id"), ids[29]);
    // Writes take the new type.
    EXPECT_EQ(patch("/api/member/" + ids[0], json::object{{"visits", 1000}}).status, 200);
    EXPECT_EQ(total("visits:gt:999"), 1);
    EXPECT_EQ(patch("/api/member/" + ids[0], json::object{{"visits", "lots"}}).status, 422);
    // The database records the new schema: the same schema starts without a plan.
    EXPECT_EQ(get("/api/db/report").json.at("report").at("schema").at("source"), data("conv_checked.yaml"));
}

// docs/DECISIONS.md §5.4: `migrate --apply` drops removed data only when each is named.
TEST_P(SchemaEvolution, MigrateApplyDropsOnlyWhatIsNamed) {
    const std::vector<std::string> ids = create_v1_members();
    start_server(setup_for("with_note.yaml"));
    for (int i = 0; i < 3; ++i) create("note", json::object{{"text", "note " + std::to_string(i)}});
    EXPECT_EQ(stop_server(), 0);
    const auto check_all_kept = [&](const std::string& schema_file) {
        start_server(setup_for(schema_file));
        const auto docs = members();
        ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
        for (int i = 0; i < kMembers; ++i) {
            EXPECT_EQ(docs.at(ids[i]).at("visits"), i);
            EXPECT_EQ(docs.at(ids[i]).at("fullName"), full_name(i));
        }
        EXPECT_EQ(get("/api/note").json.at("pagination").at("total"), 3);
        EXPECT_EQ(stop_server(), 0);
    };

    // Not named: refused, naming the flags; nothing changed.
    auto [unnamed, unnamed_code] = cli("migrate --apply --schema '" + data("drop_both.yaml") + "'");
    EXPECT_NE(unnamed_code, 0) << unnamed;
    EXPECT_NE(unnamed.find("Name each to drop its data: --drop Member.visits --drop Note"), std::string::npos) << unnamed;
    // One named, the other not: still refused.
    auto [half, half_code] = cli("migrate --apply --drop Member.visits --schema '" + data("drop_both.yaml") + "'");
    EXPECT_NE(half_code, 0) << half;
    EXPECT_NE(half.find("--drop Note"), std::string::npos) << half;
    // A name that is no removed data: refused, listing what is.
    auto [unknown, unknown_code] = cli("migrate --apply --drop Member.visits --drop Note --drop Member.born --schema '" +
                                       data("drop_both.yaml") + "'");
    EXPECT_NE(unknown_code, 0) << unknown;
    EXPECT_NE(unknown.find("--drop names what is not removed data: Member.born"), std::string::npos) << unknown;
    check_all_kept("with_note.yaml");

    // Named: the values and the entity are gone, and nothing is reported as kept.
    auto [dropped, dropped_code] =
        cli("migrate --apply --drop Member.visits --drop Note --schema '" + data("drop_both.yaml") + "'");
    ASSERT_EQ(dropped_code, 0) << dropped;
    start_server(setup_for("drop_both.yaml"));
    auto docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) {
        EXPECT_FALSE(docs.at(ids[i]).contains("visits"));
        EXPECT_EQ(docs.at(ids[i]).at("fullName"), full_name(i));
        EXPECT_EQ(docs.at(ids[i]).at("born"), born(i));
    }
    EXPECT_EQ(get("/api/db/report").json.at("report").at("schema").at("kept"), json::array{});
    EXPECT_EQ(server().output().find("is no longer in the schema"), std::string::npos) << server().output();
    EXPECT_EQ(list_ids(get("/api/member?filter=fullName:" + std::string("Member%207"))), std::vector<std::string>{ids[7]});

    // Brought back, they are empty: the data was dropped, not hidden.
    start_server(setup_for("with_note.yaml"));
    docs = members();
    ASSERT_EQ(docs.size(), static_cast<size_t>(kMembers));
    for (int i = 0; i < kMembers; ++i) EXPECT_TRUE(docs.at(ids[i]).at("visits").is_null()) << json::serialize(docs.at(ids[i]));
    EXPECT_EQ(get("/api/note").json.at("pagination").at("total"), 0);
    EXPECT_EQ(get("/api/member?filter=visits:gt:0").json.at("pagination").at("total"), 0);
}

// docs/DECISIONS.md §5.3: `renamed_from` on an entity, carried out by `migrate --apply`;
// the references to it follow.
TEST_P(SchemaEvolution, MigrateApplyRenamesEntitiesAndTheirReferencesFollow) {
    start_server(setup_for("library_v1.yaml"));
    std::vector<std::string> authors, books;
    for (int i = 0; i < 10; ++i) {
        authors.push_back(create("author", json::object{{"name", "Author " + std::to_string(i)}, {"born", 1900 + i}}));
        for (int j = 0; j < 2; ++j)
            books.push_back(create("book", json::object{{"title", "Book " + std::to_string(i * 2 + j)},
                                                        {"authorId", authors.back()}}));
    }
    EXPECT_EQ(stop_server(), 0);

    std::string out = refused_start("library_v2.yaml");
    EXPECT_NE(out.find("rename entity Author -> Writer (documents carried over)"), std::string::npos) << out;
    EXPECT_NE(out.find("migrate --apply"), std::string::npos) << out;
    auto [plan, plan_code] = cli("migrate --plan --schema '" + data("library_v2.yaml") + "'", false);
    EXPECT_EQ(plan_code, 0) << plan;
    EXPECT_NE(plan.find("  rename field Book.authorId -> Book.writerId (values carried over)\n"), std::string::npos)
        << plan;
    EXPECT_NE(plan.find("  rename field Writer.born -> Writer.year (values carried over)\n"), std::string::npos) << plan;

    auto [applied, code] = cli("migrate --apply --batch 3 --schema '" + data("library_v2.yaml") + "'");
    ASSERT_EQ(code, 0) << applied;
    start_server(setup_for("library_v2.yaml"));
    // Every document, with its id, under the new names.
    const HttpResponse writers = get("/api/writer?pageSize=100&sort=year");
    ASSERT_EQ(writers.status, 200) << describe(writers);
    ASSERT_EQ(writers.json.at("data").as_array().size(), 10u) << describe(writers);
    for (int i = 0; i < 10; ++i) {
        const json::value& w = writers.json.at("data").at(i);
        EXPECT_EQ(w.at("id"), authors[i]);
        EXPECT_EQ(w.at("name"), "Author " + std::to_string(i));
        EXPECT_EQ(w.at("year"), 1900 + i) << json::serialize(w);
        EXPECT_FALSE(w.as_object().contains("born"));
    }
    const HttpResponse all_books = get("/api/book?pageSize=100");
    ASSERT_EQ(all_books.status, 200) << describe(all_books);
    ASSERT_EQ(all_books.json.at("data").as_array().size(), 20u);
    for (const json::value& b : all_books.json.at("data").as_array()) {
        const size_t n = std::find(books.begin(), books.end(), str(b.at("id"))) - books.begin();
        ASSERT_LT(n, books.size());
        EXPECT_EQ(b.at("title"), "Book " + std::to_string(n));
        EXPECT_EQ(b.at("writerId"), authors[n / 2]) << json::serialize(b);
        EXPECT_FALSE(b.as_object().contains("authorId"));
    }
    EXPECT_EQ(get("/api/author").status, 404);
    EXPECT_EQ(get("/api/book?filter=writerId:" + authors[3]).json.at("pagination").at("total"), 2);
    EXPECT_EQ(get("/api/writer?filter=year:gt:1905").json.at("pagination").at("total"), 4);
    EXPECT_EQ(list_ids(get("/api/writer?filter=name:" + std::string("Author%207"))), std::vector<std::string>{authors[7]});
    // The constraints came along: the unique name, the reference, the cascade.
    EXPECT_EQ(post("/api/writer", json::object{{"name", "Author 3"}}).status, 409);
    EXPECT_EQ(post("/api/book", json::object{{"title", "x"}, {"writerId", "nobody"}}).status, 422);
    EXPECT_EQ(post("/api/book", json::object{{"title", "New"}, {"writerId", authors[1]}}).status, 201);
    EXPECT_EQ(del("/api/writer/" + authors[0]).status, 200);
    EXPECT_EQ(get("/api/book").json.at("pagination").at("total"), 19);
    EXPECT_EQ(get("/api/book?filter=writerId:" + authors[0]).json.at("pagination").at("total"), 0);
    EXPECT_EQ(get("/api/db/report").json.at("report").at("schema").at("kept"), json::array{});
    EXPECT_EQ(stop_server(), 0);

    // A reference dropped by name goes with its foreign key: deleting a writer leaves the books.
    auto [dropped, dropped_code] = cli("migrate --apply --drop Book.writerId --schema '" + data("library_v3.yaml") + "'");
    ASSERT_EQ(dropped_code, 0) << dropped;
    start_server(setup_for("library_v3.yaml"));
    const HttpResponse left = get("/api/book?pageSize=100");
    ASSERT_EQ(left.json.at("data").as_array().size(), 19u) << describe(left);
    for (const json::value& b : left.json.at("data").as_array()) EXPECT_FALSE(b.as_object().contains("writerId"));
    EXPECT_EQ(del("/api/writer/" + authors[1]).status, 200);
    EXPECT_EQ(get("/api/book").json.at("pagination").at("total"), 19);
    EXPECT_EQ(post("/api/book", json::object{{"title", "Free"}}).status, 201);
}

TEST_P(SchemaEvolution, MigratePlanPrintsTextAndJson) {
    create_v1_members();
    EXPECT_EQ(stop_server(), 0);
    const std::vector<std::string> before = test_backend().list_storage(base_config());

    auto [text, code] = cli("migrate --plan --schema '" + data("v3_rename.yaml") + "'", false);
    EXPECT_EQ(code, 0) << text;
    const std::string expected =
        "Applied by `events serve` at start-up:\n"
        "  rename field Member.fullName -> Member.name (values carried over)\n"
        "  add field Member.language (existing documents read null)\n"
        "  backfill Member.language = \"en\" on existing documents where it is null\n";
    EXPECT_NE(text.find(expected), std::string::npos) << text;
    EXPECT_NE(text.find("database: " + data("v1.yaml")), std::string::npos) << text;
    EXPECT_NE(text.find("schema:   " + data("v3_rename.yaml")), std::string::npos) << text;

    auto [json_text, json_code] = cli("migrate --plan --json --schema '" + data("v5_lossy.yaml") + "'", false);
    EXPECT_EQ(json_code, 0) << json_text;
    const json::value plan = json::parse(json_text);
    EXPECT_EQ(plan.at("verdict"), "changed");
    EXPECT_EQ(plan.at("database").at("source"), data("v1.yaml"));
    bool saw_conversion = false;
    for (const json::value& step : plan.at("steps").as_array())
        if (step.at("kind") == "convert-type") {
            saw_conversion = true;
            EXPECT_EQ(step.at("field"), "born");
            EXPECT_EQ(step.at("from"), "Date");
            EXPECT_EQ(step.at("to"), "Integer");
            EXPECT_EQ(step.at("lossless"), false);
            EXPECT_EQ(step.at("safety"), "needs-apply");
        }
    EXPECT_TRUE(saw_conversion) << json_text;

    // Planning changes nothing.
    EXPECT_EQ(test_backend().list_storage(base_config()), before);
    start_server(setup_for("v1.yaml"));
    EXPECT_EQ(members().size(), static_cast<size_t>(kMembers));
}

TEST_P(SchemaEvolution, ExportWritesNothing) {
    // On a database that does not exist yet.
    const std::vector<std::string> nothing = test_backend().list_storage(base_config());
    auto [empty, empty_code] = cli("export --schema '" + data("v1.yaml") + "' --file '" + dir() + "/empty.jsonl'");
    EXPECT_EQ(empty_code, 0) << empty;
    EXPECT_NE(empty.find("exported 0 documents"), std::string::npos) << empty;
    EXPECT_EQ(test_backend().list_storage(base_config()), nothing);

    // On a database of the Member schema: the same schema exports, without a trace.
    create_v1_members();
    EXPECT_EQ(stop_server(), 0);
    const std::vector<std::string> before = test_backend().list_storage(base_config());
    ASSERT_FALSE(before.empty());
    ASSERT_EQ(before[0].rfind("(", 0), std::string::npos) << before[0];
    auto [out, code] = cli("export --schema '" + data("v1.yaml") + "' --file '" + dir() + "/members.jsonl'");
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("exported 30 documents"), std::string::npos) << out;
    EXPECT_EQ(test_backend().list_storage(base_config()), before);

    // Without --schema (the bundled sample): refused, naming both, and still nothing written.
    auto [refused, refused_code] = cli("export --file '" + dir() + "/wrong.jsonl'");
    EXPECT_NE(refused_code, 0) << refused;
    EXPECT_NE(refused.find("another schema"), std::string::npos) << refused;
    EXPECT_NE(refused.find(data("v1.yaml")), std::string::npos) << refused;
    EXPECT_NE(refused.find("the bundled sample schema"), std::string::npos) << refused;
    EXPECT_EQ(test_backend().list_storage(base_config()), before);

    // A changed schema is refused too: export reads only what the database holds.
    auto [changed, changed_code] = cli("export --schema '" + data("v2_default.yaml") + "' --file '" + dir() + "/v2.jsonl'");
    EXPECT_NE(changed_code, 0) << changed;
    EXPECT_NE(changed.find("another version of this schema"), std::string::npos) << changed;
    EXPECT_EQ(test_backend().list_storage(base_config()), before);

    // Import into it of the wrong schema is refused as well.
    auto [import_out, import_code] = cli("import --file '" + dir() + "/members.jsonl'");
    EXPECT_NE(import_code, 0) << import_out;
    EXPECT_NE(import_out.find("another schema"), std::string::npos) << import_out;
    EXPECT_EQ(test_backend().list_storage(base_config()), before);
}

}  // namespace
}  // namespace events::e2e
