// Adopting a database the Python framework wrote (docs/MONGODB.md "Adopting a database of the Python framework"): the
// server is pointed at collections laid out by the C driver as that framework laid them
// out; it serves them in the uniform formats, adds its comparison keys and indexes at
// start-up without rewriting user values, and enforces uniques and FKs from then on.
// Runs on the MongoDB-compatible backends only.
#include "backends/mongo_test_backend.h"
#include "e2e_fixture.h"

namespace events::e2e {
namespace {

class MongoAdoption : public E2ETest {};

TEST_P(MongoAdoption, ServesAPythonLaidOutDatabase) {
    ASSERT_TRUE(lay_out_python_database(base_config()));
    server();   // start-up reconciliation runs on the foreign layout

    // Reads print the uniform formats (docs/DECISIONS.md §2.7) whatever BSON type was stored.
    json::object acc1 = fetch("account", "py_acc1");
    EXPECT_EQ(acc1.at("name"), "Python Account One");
    EXPECT_EQ(acc1.at("credit"), json::value(1234.5));
    EXPECT_EQ(acc1.at("expireDate"), "2031-02-03");
    EXPECT_EQ(acc1.at("createdAt"), "2020-01-02T03:04:05.678Z");
    EXPECT_TRUE(acc1.at("updatedAt").is_null());
    json::object acc2 = fetch("account", "py_acc2");
    EXPECT_EQ(json::serialize(acc2.at("credit")), "100");   // an int32 Currency
    EXPECT_EQ(acc2.at("enabled"), json::value(false));
    json::object user = fetch("user", "py_usr1");
    EXPECT_EQ(user.at("dob"), "1990-05-17");
    EXPECT_EQ(json::serialize(user.at("netWorth")), "50000");
    EXPECT_EQ(user.at("username"), "Zo\xc3\xab");   // the stored value, unchanged

    // Filters and sorts work on the added comparison keys: case-insensitive text,
    // numeric ranges across BSON types, NULLs last.
    EXPECT_EQ(list_ids(get("/api/user?filter=username:ZO%C3%8B")), std::vector<std::string>{"py_usr1"});
    EXPECT_EQ(list_ids(get("/api/account?filter=name:python")), std::vector<std::string>{"py_acc1"});
    EXPECT_EQ(list_ids(get("/api/account?filter=credit:gte:1000")), std::vector<std::string>{"py_acc1"});
    EXPECT_EQ(list_ids(get("/api/account?sort=credit")), (std::vector<std::string>{"py_acc2", "py_acc1"}));
    EXPECT_EQ(list_ids(get("/api/account?sort=expireDate:desc")), (std::vector<std::string>{"py_acc1", "py_acc2"}));

    // Uniques hold on the comparison form: "zoë" collides with the stored "Zoë".
    json::object dup = user_body("py_acc1", "other");
    dup["id"] = "py_dup";
    dup["username"] = "zo\xc3\xab";
    EXPECT_TRUE(HasError(post("/api/user", dup), 409, "py_dup", "conflict", "username already exists", "username"));

    // Writes: FK checked against the adopted parents; an update keeps the other values.
    json::object fresh = user_body("py_acc2", "newuser");
    const HttpResponse created = post("/api/user", fresh);
    ASSERT_TRUE(IsSuccess(created, 201)) << describe(created);
    EXPECT_TRUE(IsSuccess(patch("/api/account/py_acc1", json::object{{"credit", 787.56}})));
    const HttpResponse after_r = get("/api/account/py_acc1");
    EXPECT_NE(after_r.body.find("\"credit\":787.56,"), std::string::npos) << after_r.body;   // as sent
    json::object after = fetch("account", "py_acc1");
    EXPECT_EQ(after.at("createdAt"), "2020-01-02T03:04:05.678Z");
    EXPECT_EQ(get("/api/user").json.at("pagination").at("total"), 2);

    // A restart finds nothing left to add and serves the same.
    restart_server();
    EXPECT_EQ(fetch("user", "py_usr1"), user);
}

INSTANTIATE_TEST_SUITE_P(Backends, MongoAdoption, ::testing::Values("FerretDB", "Jongodb", "MongoDB"), backend_name);

}  // namespace
}  // namespace events::e2e
