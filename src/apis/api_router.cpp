#include "apis/api_router.h"

#include "core/query_parser.h"
#include "tools/json_text.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace events {

namespace json = boost::json;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 99;
        if (extra == 99 || i + extra >= s.size() + (extra ? 0 : 1)) return false;
        for (size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += extra + 1;
    }
    return true;
}

// Compares a presented credential with the expected one in time that does not
// depend on where they first differ.
bool same_secret(std::string_view presented, std::string_view expected) {
    unsigned char diff = presented.size() == expected.size() ? 0 : 1;
    for (size_t i = 0; i < presented.size(); ++i)
        diff |= static_cast<unsigned char>(presented[i] ^ expected[i % (expected.empty() ? 1 : expected.size())]);
    return diff == 0 && !expected.empty();
}

// A body that is JSON text already.
HttpResponse text_response(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

HttpResponse json_response(int status, const json::value& body) { return text_response(status, to_json_text(body)); }

json::object pagination_of(const RequestParams& p, int64_t total) {
    json::object pagination;
    pagination["page"] = p.page;
    pagination["pageSize"] = p.page_size;
    if (!p.query.with_total) return pagination;   // count=none: nothing was counted (DECISIONS §3)
    pagination["total"] = total;
    pagination["totalPages"] = total == 0 ? 0 : (total + p.page_size - 1) / p.page_size;
    return pagination;
}

HttpResponse error_response(const ApiError& e, const Notifications& notes) {
    return json_response(e.status(), make_error_envelope(e, notes));
}

// Admin answers keep the plain shape of REFERENCE §12.
HttpResponse plain_status(int status, std::string_view state, std::string_view message) {
    json::object o;
    o["status"] = state;
    o["message"] = message;
    return json_response(status, o);
}

json::value parse_body(const std::string& text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) throw ApiError::bad_request(fmt::format("Malformed JSON body: {}", text.empty() ? "empty body" : ec.message()));
    if (!v.is_object()) throw ApiError::bad_request("Request body must be a JSON object");
    return v;
}

constexpr std::string_view kInitPage = R"HTML(<!doctype html>
<html><head><meta charset="utf-8"><title>Database init</title></head>
<body><h1>Wipe and re-initialise the database</h1>
<p>Database: <b>{}</b> ({}). This deletes every document of this schema.</p>
<p>The request needs the admin token: <code>Authorization: Bearer &lt;admin_token&gt;</code>.</p>
<label>Admin token <input id="token" type="password"></label>
<button onclick="fetch('/api/db/init',{{method:'POST',headers:{{'Content-Type':'application/json','Authorization':'Bearer '+document.getElementById('token').value}},body:JSON.stringify({{confirmed:true}})}}).then(r=>r.json()).then(j=>document.getElementById('out').textContent=j.message)">Wipe database</button>
<p id="out"></p><p><a href="/api/db/report">Database report</a></p></body></html>
)HTML";

}  // namespace

ApiRouter::ApiRouter(const Config& config, DocumentService& service) : config_(config), service_(service) {}

HttpResponse ApiRouter::handle(const HttpRequest& req) {
    Notifications notes;
    try {
        if (!valid_utf8(req.path) ||
            std::any_of(req.query.begin(), req.query.end(),
                        [](const auto& kv) { return !valid_utf8(kv.first) || !valid_utf8(kv.second); }))
            throw ApiError::bad_request("Invalid UTF-8 in request URL");

        // Segments of the path; empty segments (trailing or doubled slashes) are ignored.
        std::vector<std::string> seg;
        for (size_t i = 0; i < req.path.size();) {
            size_t j = req.path.find('/', i);
            if (j == std::string::npos) j = req.path.size();
            if (j > i) seg.push_back(req.path.substr(i, j - i));
            i = j + 1;
        }
        const std::string& m = req.method;
        auto not_allowed = [&]() -> HttpResponse {
            throw ApiError::method_not_allowed(fmt::format("Method {} not allowed on {}", m, req.path));
        };
        if (seg.empty() || lower(seg[0]) != "api")
            throw ApiError(404, kGeneral, Notice{"", fmt::format("Unknown route: {}", req.path)});
        const std::string first = seg.size() > 1 ? lower(seg[1]) : "";

        if (seg.size() == 2 && first == "metadata") {
            if (m != "GET") return not_allowed();
            json::object o;
            o["projectName"] = config_.project_name;
            o["database"] = config_.database;
            o["entities"] = service_.schema().metadata_entities();
            return json_response(200, o);
        }
        if (seg.size() == 2 && first == "health") {
            if (m != "GET") return not_allowed();
            const bool up = service_.driver().ping();
            if (!up) throw ApiError::unavailable(fmt::format("Database {} is unreachable", config_.database));
            json::object data;
            data["database"] = config_.database;
            data["reachable"] = true;
            return json_response(200, make_envelope(data, notes));
        }
        if (seg.size() == 3 && first == "db") return admin(req, lower(seg[2]));

        const Entity* entity = seg.size() >= 2 ? service_.schema().find(seg[1]) : nullptr;
        if (!entity || seg.size() > 3)
            throw ApiError(404, kGeneral, Notice{"", fmt::format("Unknown route: {}", req.path)});

        const RequestParams params = parse_request_params(service_.schema(), *entity, req.query);
        if (seg.size() == 2) {
            if (m == "GET") {
                if (auto page = service_.list_json(*entity, params)) {   // documents printed by the driver
                    const json::object pagination = pagination_of(params, page->total);
                    return text_response(200, envelope_text(page->docs, notes, &pagination));
                }
                ListResult r = service_.list(*entity, params, notes);
                json::array data;
                data.reserve(r.docs.size());
                for (auto& d : r.docs) data.emplace_back(std::move(d));
                const json::object pagination = pagination_of(params, r.total);
                return json_response(200, make_envelope(std::move(data), notes, &pagination));
            }
            if (m == "POST") {
                Document d = service_.create(*entity, parse_body(req.body), params, notes);
                return json_response(201, make_envelope(std::move(d), notes));
            }
            return not_allowed();
        }
        const std::string& id = seg[2];
        if (m == "GET") {
            if (auto doc = service_.get_json(*entity, id, params)) return text_response(200, envelope_text(*doc, notes));
            return json_response(200, make_envelope(service_.get(*entity, id, params, notes), notes));
        }
        if (m == "PUT")
            return json_response(200, make_envelope(service_.replace(*entity, id, parse_body(req.body), params, notes), notes));
        if (m == "PATCH")
            return json_response(200, make_envelope(service_.patch(*entity, id, parse_body(req.body), params, notes), notes));
        if (m == "DELETE") {
            auto deleted = service_.remove(*entity, id, params, notes);
            return json_response(200, make_envelope(deleted ? json::value(std::move(*deleted)) : json::object(), notes));
        }
        return not_allowed();
    } catch (const ApiError& e) {
        return error_response(e, notes);
    } catch (const StorageUnavailable& e) {
        spdlog::warn("database unavailable: {}", e.what());
        return error_response(ApiError::unavailable(fmt::format("Database unavailable: {}", e.what())), notes);
    } catch (const std::exception& e) {
        spdlog::error("internal error on {} {}: {}", req.method, req.path, e.what());
        return error_response(ApiError::internal(fmt::format("Internal error: {}", e.what())), notes);
    }
}

HttpResponse ApiRouter::admin(const HttpRequest& req, const std::string& action) {
    if (action == "report") {
        if (req.method != "GET") throw ApiError::method_not_allowed(fmt::format("Method {} not allowed on {}", req.method, req.path));
        json::object report;
        report["status"] = "healthy";
        report["config"] = config_.redacted_json();
        report["entities"] = service_.driver().entity_counts();
        report["details"] = service_.driver().report_details();
        json::object o;
        o["database"] = config_.database;
        o["report"] = std::move(report);
        return json_response(200, o);
    }
    if (action != "init") throw ApiError(404, kGeneral, Notice{"", fmt::format("Unknown route: {}", req.path)});
    if (req.method == "GET") {
        HttpResponse r;
        r.content_type = "text/html; charset=utf-8";
        r.body = fmt::format(kInitPage, config_.db_name, config_.database);
        return r;
    }
    if (req.method != "POST") throw ApiError::method_not_allowed(fmt::format("Method {} not allowed on {}", req.method, req.path));
    if (config_.admin_token.empty())
        return plain_status(403, "error", "Database init is disabled: no admin_token is configured");
    if (!same_secret(req.authorization, "Bearer " + config_.admin_token))
        return plain_status(401, "error", "Invalid or missing admin token");
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    const json::value* confirmed = !ec && body.is_object() ? body.get_object().if_contains("confirmed") : nullptr;
    if (!confirmed || !confirmed->is_bool() || !confirmed->get_bool())
        return plain_status(400, "error", "Database init requires confirmed: true in request body");
    service_.driver().wipe();
    spdlog::warn("database wiped through POST /api/db/init");
    return plain_status(200, "success", "Database wiped and reinitialized successfully");
}

}  // namespace events
