// GET / and the serving of the admin UI at /admin/ over real HTTP (docs/DECISIONS.md §7,
// docs/ADMIN_UI.md): the browser redirect and the JSON index, content types and cache
// headers of the built files, the page that says how to build the UI when it is
// missing, and `admin_ui: false`. The app itself is tested in a browser
// (tests/browser/admin_ui_test.sh). None of this touches the database, so it runs on
// SQLite only.
#include "e2e_fixture.h"

#include <filesystem>

namespace events::e2e {
namespace {

constexpr const char* kBrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

class AdminUi : public E2ETest {
protected:
    void SetUp() override {
        E2ETest::SetUp();
        if (backend() != "sqlite") GTEST_SKIP() << "serving files does not depend on the backend";
    }
    HttpResponse get_as_browser(const std::string& target) {
        return request("GET", target, "", {{"Accept", kBrowserAccept}});
    }
    // A built UI in the layout Vite writes: index.html, hashed assets, root files.
    std::string built_ui() {
        const std::string ui = dir() + "/admin-ui";
        std::filesystem::create_directories(ui + "/assets");
        write_file(ui + "/index.html", "<!doctype html><title>Admin</title><script type=module src=/admin/assets/index-Ab12.js></script>");
        write_file(ui + "/assets/index-Ab12.js", "console.log(1)");
        write_file(ui + "/assets/index-Cd34.css", "body{}");
        write_file(ui + "/favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        write_file(dir() + "/secret.js", "outside");
        return ui;
    }
};
E2E_INSTANTIATE(AdminUi);

TEST_P(AdminUi, RootSendsBrowsersToTheAdminUiAndAnswersApiClientsWithAnIndex) {
    HttpResponse browser = get_as_browser("/");
    EXPECT_EQ(browser.status, 302) << describe(browser);
    EXPECT_EQ(browser.header("location"), "/admin/");
    EXPECT_EQ(browser.header("vary"), "Accept");

    for (const std::map<std::string, std::string>& headers :
         {std::map<std::string, std::string>{}, {{"Accept", "*/*"}}, {{"Accept", "application/json"}}}) {
        HttpResponse client = request("GET", "/", "", headers);
        ASSERT_EQ(client.status, 200) << describe(client);
        EXPECT_EQ(client.header("vary"), "Accept");
        ASSERT_TRUE(client.json.is_object()) << describe(client);
        EXPECT_EQ(client.json.at("status"), "success");
        const json::object& links = client.json.at("data").at("links").as_object();
        EXPECT_EQ(links.at("metadata"), "/api/metadata");
        EXPECT_EQ(links.at("openapi"), "/openapi.json");
        EXPECT_EQ(links.at("docs"), "/docs");
        EXPECT_EQ(links.at("health"), "/api/health");
        EXPECT_EQ(links.at("metrics"), "/metrics");
        EXPECT_EQ(links.at("admin"), "/admin/");
        // Every link answers.
        for (const auto& [name, link] : links) {
            if (name == "admin") continue;
            EXPECT_EQ(get(std::string(link.as_string())).status, 200) << link;
        }
    }
    // HEAD as GET (docs/DECISIONS.md §2.26); the index is described.
    EXPECT_EQ(request("HEAD", "/").status, 200);
    EXPECT_TRUE(get("/openapi.json").json.at("paths").as_object().contains("/"));
}

TEST_P(AdminUi, ServesTheBuiltFilesWithTheirTypesAndCacheHeaders) {
    json::object config = base_config();
    config["admin_ui_dir"] = built_ui();
    start_server_with(config);

    HttpResponse bare = get("/admin");
    EXPECT_EQ(bare.status, 301) << describe(bare);
    EXPECT_EQ(bare.header("location"), "/admin/");

    HttpResponse page = get_as_browser("/admin/");
    ASSERT_EQ(page.status, 200) << describe(page);
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(page.header("cache-control"), "no-cache");
    EXPECT_NE(page.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_NE(page.body.find("/admin/assets/index-Ab12.js"), std::string::npos);

    HttpResponse js = get("/admin/assets/index-Ab12.js");
    ASSERT_EQ(js.status, 200) << describe(js);
    EXPECT_EQ(js.body, "console.log(1)");
    EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(js.header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(js.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(get("/admin/assets/index-Cd34.css").header("content-type"), "text/css; charset=utf-8");

    HttpResponse icon = get("/admin/favicon.svg");
    EXPECT_EQ(icon.status, 200);
    EXPECT_EQ(icon.header("content-type"), "image/svg+xml");
    EXPECT_EQ(icon.header("cache-control"), "no-cache");

    EXPECT_TRUE(HasError(get("/admin/assets/index-Zz99.js"), 404, "general", "not_found",
                         "Unknown route: /admin/assets/index-Zz99.js. Entity routes: " + kSampleEntityRoutes));
    EXPECT_EQ(get("/admin/..%2Fsecret.js").status, 404);
    EXPECT_EQ(get("/admin/assets/..%2F..%2Fsecret.js").status, 404);
    EXPECT_EQ(get("/admin/../secret.js").status, 404);
    EXPECT_EQ(request("POST", "/admin/", "{}").status, 405);
}

TEST_P(AdminUi, WithoutABuiltUiAdminSaysHowToBuildIt) {
    json::object config = base_config();
    config["admin_ui_dir"] = dir() + "/nowhere";
    start_server_with(config);
    HttpResponse page = get_as_browser("/admin/");
    EXPECT_EQ(page.status, 404);
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("scripts/build-ui.sh"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find(dir() + "/nowhere"), std::string::npos) << page.body;

    HttpResponse api = get("/admin/");
    EXPECT_EQ(api.status, 404);
    ASSERT_TRUE(api.json.is_object()) << describe(api);
    EXPECT_NE(describe(api).find("scripts/build-ui.sh"), std::string::npos) << describe(api);
    // The API itself is unaffected.
    EXPECT_EQ(get("/api/metadata").status, 200);
    EXPECT_EQ(get_as_browser("/").status, 302);
}

TEST_P(AdminUi, ConfigAdminUiFalseRemovesItAndTheRedirect) {
    json::object config = base_config();
    config["admin_ui"] = false;
    config["admin_ui_dir"] = built_ui();
    start_server_with(config);
    EXPECT_TRUE(HasError(get_as_browser("/admin/"), 404, "general", "not_found", "Unknown route: /admin/. Entity routes: " + kSampleEntityRoutes));
    EXPECT_EQ(get("/admin/assets/index-Ab12.js").status, 404);
    HttpResponse root = get_as_browser("/");
    ASSERT_EQ(root.status, 200) << describe(root);
    EXPECT_FALSE(root.json.at("data").at("links").as_object().contains("admin"));
    EXPECT_FALSE(get("/openapi.json").json.at("paths").as_object().contains("/admin"));
}

}  // namespace
}  // namespace events::e2e
