#include "storage/elasticsearch/es_query.h"

#include "core/comparison_form.h"
#include "storage/elasticsearch/es_mapping.h"

namespace events {

namespace json = boost::json;

namespace {

bool compares_text(const Field& f) { return f.is_text() && !f.is_id(); }

std::string field_path(const Field& f) {
    return compares_text(f) ? std::string(kEsCmpField) + "." + f.name : f.name;
}

json::object exists(const std::string& path) { return {{"exists", {{"field", path}}}}; }

const char* range_op(FilterOp op) {
    switch (op) {
        case FilterOp::Gt: return "gt";
        case FilterOp::Gte: return "gte";
        case FilterOp::Lt: return "lt";
        default: return "lte";
    }
}

// One condition as a query clause; `negated` set when it belongs under must_not.
json::object clause(const FilterCondition& c, bool case_sensitive, bool& negated) {
    const Field& f = *c.field;
    const std::string path = field_path(f);
    negated = false;
    if (c.value.is_null()) {
        if (c.op == FilterOp::Eq) {
            negated = true;
            return exists(path);
        }
        if (c.op == FilterOp::Ne) return exists(path);
        return {{"match_none", json::object()}};
    }
    json::value value = c.value;
    if (compares_text(f) && value.is_string()) value = comparison_form(value.get_string(), case_sensitive);

    switch (c.op) {
        case FilterOp::Contains: {
            const std::string pattern = "*" + es_escape_wildcard(value.is_string() ? std::string_view(value.get_string())
                                                                                   : std::string_view()) + "*";
            return {{"wildcard", {{path, {{"value", pattern}}}}}};
        }
        case FilterOp::Eq: return {{"term", {{path, {{"value", value}}}}}};
        case FilterOp::Ne:
            // "<> value" in SQL: present and different (NULLs never match).
            return {{"bool",
                     {{"filter", json::array{exists(path)}},
                      {"must_not", json::array{json::object{{"term", {{path, {{"value", value}}}}}}}}}}};
        default: return {{"range", {{path, {{range_op(c.op), value}}}}}};
    }
}

}  // namespace

std::string es_escape_wildcard(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 4);
    for (char ch : text) {
        if (ch == '*' || ch == '?' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

json::object es_query(const std::vector<FilterCondition>& filters, bool case_sensitive) {
    if (filters.empty()) return {{"match_all", json::object()}};
    json::array filter, must_not;
    for (const FilterCondition& c : filters) {
        bool negated = false;
        json::object q = clause(c, case_sensitive, negated);
        (negated ? must_not : filter).push_back(std::move(q));
    }
    json::object b;
    if (!filter.empty()) b["filter"] = std::move(filter);
    if (!must_not.empty()) b["must_not"] = std::move(must_not);
    return {{"bool", std::move(b)}};
}

json::array es_sort(const ListQuery& q) {
    json::array out;
    bool has_id = false;
    for (const SortKey& k : q.sort) {
        has_id = has_id || k.field->is_id();
        out.push_back(json::object{{field_path(*k.field), {{"order", k.descending ? "desc" : "asc"}, {"missing", "_last"}}}});
    }
    if (!has_id) out.push_back(json::object{{"id", {{"order", "asc"}}}});
    return out;
}

}  // namespace events
