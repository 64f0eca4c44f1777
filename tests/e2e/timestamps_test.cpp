// What docs/SCHEMA.md says of timestamps and Currency, on every backend: the server fills
// only the fields a schema marks autoGenerate/autoUpdate (the date alone on a Date field),
// and a Currency value is a double (about 15-17 significant digits).
#include "e2e_fixture.h"

namespace events::e2e {
namespace {

class SchemaTimestamps : public E2ETest {};
E2E_INSTANTIATE(SchemaTimestamps);

bool is_date(const json::value& v) {
    if (!v.is_string()) return false;
    const std::string s(v.as_string());
    return s.size() == 10 && s[4] == '-' && s[7] == '-';
}

bool is_datetime(const json::value& v) {
    return v.is_string() && v.as_string().size() > 10 && v.as_string()[10] == 'T';
}

// A Date field with autoUpdate gets today's date, not a datetime, on create and on update.
TEST_P(SchemaTimestamps, AutoUpdateOnADateFieldStoresTheDate) {
    const std::string schema = dir() + "/date-touched.yaml";
    write_file(schema, insert_after(sample_schema_text(), "      enabled: {type: Boolean, default: true}",
                                    "      touchedOn: {type: Date, autoUpdate: true}\n"));
    ServerSetup s = default_setup();
    s.schema_path = schema;
    start_server(s);
    const std::string id = create("account", account_body("Dated Account"));
    const json::object created = fetch("account", id);
    EXPECT_TRUE(is_date(created.at("touchedOn"))) << json::serialize(created);
    EXPECT_TRUE(is_datetime(created.at("createdAt"))) << json::serialize(created);   // autoGenerate Datetime
    EXPECT_TRUE(is_datetime(created.at("updatedAt"))) << json::serialize(created);   // autoUpdate Datetime
    HttpResponse upd = patch("/api/account/" + id, json::object{{"name", "Dated Account 2"}});
    ASSERT_TRUE(IsSuccess(upd)) << describe(upd);
    EXPECT_TRUE(is_date(fetch("account", id).at("touchedOn")));
}

// 12345678901234567.89 is not a double: it reads back as the nearest one.
TEST_P(SchemaTimestamps, CurrencyIsADouble) {
    json::object body = account_body("Rich Account");
    body["credit"] = 12345678901234567.89;
    const std::string id = create("account", body);
    const json::value credit = fetch("account", id).at("credit");
    ASSERT_TRUE(credit.is_number()) << json::serialize(credit);
    EXPECT_EQ(credit.to_number<double>(), 12345678901234568.0);
    body = account_body("Cent Account");
    body["credit"] = 1500.25;
    EXPECT_EQ(fetch("account", create("account", body)).at("credit").to_number<double>(), 1500.25);
}

}  // namespace
}  // namespace events::e2e
