// The response envelope printed around data that is JSON text already must be the
// same bytes as the envelope built around the parsed data.
#include "core/notifications.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace events {
namespace {

TEST(EnvelopeText, EqualsTheEnvelopeBuiltAroundTheParsedData) {
    const std::string data = R"([{"id":"a","n":1.5,"s":"q\"x"},{"id":"b","n":null,"s":""}])";
    boost::json::object pagination;
    pagination["page"] = 2;
    pagination["pageSize"] = 25;
    pagination["total"] = 27;
    pagination["totalPages"] = 2;

    Notifications quiet;
    EXPECT_EQ(envelope_text(data, quiet, &pagination),
              to_json_text(make_envelope(boost::json::parse(data), quiet, &pagination)));
    EXPECT_EQ(envelope_text(R"({"id":"a"})", quiet), to_json_text(make_envelope(boost::json::parse(R"({"id":"a"})"), quiet)));

    Notifications noisy;
    noisy.warning("a", Notice{"validation", "Field x is odd", "x"});
    EXPECT_EQ(envelope_text(data, noisy, &pagination),
              to_json_text(make_envelope(boost::json::parse(data), noisy, &pagination)));
    // Without pagination too: the text printed once for quiet envelopes is not used here.
    EXPECT_EQ(envelope_text(R"({"id":"a"})", noisy), to_json_text(make_envelope(boost::json::parse(R"({"id":"a"})"), noisy)));
    EXPECT_NE(envelope_text(R"({"id":"a"})", noisy), envelope_text(R"({"id":"a"})", quiet));
}

}  // namespace
}  // namespace events
