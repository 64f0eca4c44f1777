// The list-query grammar of docs/API.md "Reads" with the fixes of docs/DECISIONS.md §2.2-2.4, 2.13, 2.20:
// names are case-insensitive, values keep their case, every bad value is a 400 (nothing is
// dropped silently), and every sort ends with the id tie-breaker.
#include "core/query_parser.h"

#include "core/client_text.h"
#include "core/input_limits.h"
#include "core/notifications.h"
#include "core/value_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace events {

namespace json = boost::json;

namespace {

constexpr int64_t kMaxPageSize = 1000;
constexpr const char* kValidParameters =
    "page, pageSize, sort, filter, view, no_consistency, full_match, count";

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

// Whole-string integer; an optional leading '+' is accepted like Python's int().
std::optional<int64_t> parse_int(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty() || s.front() == '+') return std::nullopt;
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> parse_double(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty() || s.front() == '+') return std::nullopt;
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<bool> parse_bool(std::string_view s) {
    const std::string v = lower(s);
    if (v == "true" || v == "1" || v == "yes") return true;
    if (v == "false" || v == "0" || v == "no") return false;
    return std::nullopt;
}

// ---- page / pageSize ---------------------------------------------------------

int64_t parse_page(const std::string& v) {
    auto n = parse_int(v);
    if (!n) throw ApiError::bad_request("Bad Page Number " + v);
    if (*n < 1) throw ApiError::bad_request("Page Number must be >= 1. Page=" + v);
    return *n;
}

int64_t parse_page_size(const std::string& v) {
    auto n = parse_int(v);
    if (!n) throw ApiError::bad_request("Bad Page Size " + v);
    if (*n < 1) throw ApiError::bad_request("Page Size must be >= 1. PageSize=" + v);
    if (*n > kMaxPageSize) throw ApiError::bad_request("Page Size must be <= 1000. PageSize=" + v);
    return *n;
}

// ---- count (docs/DECISIONS.md §3, optional totals) ------------------------------------

// `exact` (the default) counts every match; `none` counts nothing. Case-insensitive.
bool parse_count(const std::string& v) {
    const std::string mode = lower(trim(v));
    if (mode == "exact") return true;
    if (mode == "none") return false;
    Notice n;
    n.message = "Invalid count value " + v + ". Use 'exact' or 'none'";
    n.value = json::string(v);
    n.parameter = "count";
    throw ApiError(400, kGeneral, std::move(n));
}

// ---- sort --------------------------------------------------------------------

// Secrets are never filtered or sorted: an answer would leak what they hold (docs/DECISIONS.md §6.4).
bool sortable(const Field& f) { return f.type != FieldType::Json && f.type != FieldType::StringArray && !f.secret; }

// "id, firstName, lastName, ...": the fields of `e` that sort and filter accept (both
// refuse JSON and Array fields), `id` first, then schema order; for "Valid fields: ..."
// hints (docs/API.md "Reads").
std::string queryable_fields(const Entity& e) {
    std::string out = e.id_field().name;
    for (const Field& f : e.fields)
        if (!f.is_id() && sortable(f)) out += ", " + f.name;
    return out;
}

// The message for a sort key that names no field. `-name` / `+name` (the sign prefix of
// other APIs) is answered with this API's spelling (docs/API.md "Reads").
std::string unknown_sort_field_message(const Entity& e, std::string_view name) {
    if (name.size() > 1 && (name.front() == '-' || name.front() == '+'))
        if (const Field* f = e.find_field(name.substr(1)); f && sortable(*f))
            return "Unknown sort field. Use " + f->name + (name.front() == '-' ? ":desc for descending" : ":asc for ascending") +
                   " order";
    return "Unknown sort field. Valid fields: " + queryable_fields(e);
}

std::vector<SortKey> parse_sort(const Entity& entity, const std::string& text) {
    std::vector<SortKey> keys;
    for (std::string_view item : split(text, ',')) {
        item = trim(item);
        if (item.empty()) continue;
        const size_t colon = item.find(':');
        const std::string_view name = trim(item.substr(0, colon));
        if (name.empty()) throw ApiError::bad_request("Empty field name in sort");
        const Field* field = entity.find_field(name);
        if (!field) throw ApiError::bad_request(unknown_sort_field_message(entity, name), std::string(name));
        if (!sortable(*field)) throw ApiError::bad_request("Field " + field->name + " cannot be sorted", field->name);
        bool descending = false;
        if (colon != std::string_view::npos) {
            const std::string dir = lower(trim(item.substr(colon + 1)));
            if (dir == "desc") descending = true;
            else if (dir != "asc")
                throw ApiError::bad_request("Invalid sort direction. Use 'asc' or 'desc'", field->name);
        }
        // A repeated key can never change the order established by its first occurrence.
        const bool seen = std::any_of(keys.begin(), keys.end(), [&](const SortKey& k) { return k.field == field; });
        if (!seen) keys.push_back(SortKey{field, descending});
    }
    // Stable paging needs a total order (docs/DECISIONS.md §2.13).
    const Field* id = &entity.id_field();
    if (std::none_of(keys.begin(), keys.end(), [&](const SortKey& k) { return k.field == id; }))
        keys.push_back(SortKey{id, false});
    return keys;
}

// ---- filter ------------------------------------------------------------------

enum class Operator { Eq, Ne, Gt, Gte, Lt, Lte };

std::optional<Operator> operator_named(std::string_view name) {
    const std::string op = lower(name);
    if (op == "eq") return Operator::Eq;
    if (op == "ne") return Operator::Ne;
    if (op == "gt") return Operator::Gt;
    if (op == "gte" || op == "ge") return Operator::Gte;
    if (op == "lt") return Operator::Lt;
    if (op == "lte" || op == "le") return Operator::Lte;
    return std::nullopt;
}

ApiError bad_filter_value(const Field& field, const std::string& message, std::string_view raw) {
    Notice n;
    n.message = message;
    n.field = field.name;
    n.value = json::string(raw);
    n.parameter = "filter";
    return ApiError(400, kGeneral, std::move(n));
}

// Converts a filter value to the canonical form of the field's type (value_format.h).
json::value convert_value(const Field& field, std::string_view raw) {
    switch (field.type) {
        case FieldType::String:
            return json::string(raw);
        case FieldType::ObjectId:
            return json::string(lower(raw));   // ids are stored lower-case
        case FieldType::Integer:
            if (auto v = parse_int(raw)) return *v;
            throw bad_filter_value(field, "Invalid integer value", raw);
        case FieldType::Number:
            if (auto v = parse_double(raw)) return *v;
            throw bad_filter_value(field, "Invalid number value", raw);
        case FieldType::Currency:
            if (auto v = parse_double(raw)) return *v;
            throw bad_filter_value(field, "Invalid currency value", raw);
        case FieldType::Boolean:
            if (auto v = parse_bool(raw)) return *v;
            throw bad_filter_value(field, "Invalid boolean value. Use true/false", raw);
        case FieldType::Date: {
            if (auto v = canonical_date(raw)) return json::string(*v);
            if (auto ms = parse_timestamp_ms(raw)) return json::string(format_date(*ms));
            throw bad_filter_value(field, "Invalid date value", raw);
        }
        case FieldType::Datetime: {
            if (auto v = canonical_datetime(raw)) return json::string(*v);
            if (auto ms = parse_timestamp_ms(raw)) return json::string(format_datetime(*ms));
            throw bad_filter_value(field, "Invalid datetime value", raw);
        }
        case FieldType::Json:
        case FieldType::StringArray:
            break;
    }
    throw ApiError::bad_request("Field " + field.name + " cannot be filtered", field.name);
}

FilterOp filter_op(const Field& field, Operator op, bool full_match) {
    switch (op) {
        case Operator::Eq: return field.is_text() && !full_match ? FilterOp::Contains : FilterOp::Eq;
        case Operator::Ne: return FilterOp::Ne;
        case Operator::Gt: return FilterOp::Gt;
        case Operator::Gte: return FilterOp::Gte;
        case Operator::Lt: return FilterOp::Lt;
        case Operator::Lte: return FilterOp::Lte;
    }
    return FilterOp::Eq;
}

// One condition of a filter as written: `name:value`, `name:op:value`, with the value
// possibly quoted (docs/DECISIONS.md §2.25).
struct FilterClause {
    std::string_view text;               // the whole condition, for messages
    std::string_view name;
    std::optional<std::string_view> op;  // the middle segment, when there is one
    std::string value;                   // quotes removed, escapes resolved
};

// Reads the double-quoted value that starts at text[pos] (a `"`) and returns the position
// just after its closing quote, or npos when it has none. Inside the quotes a backslash
// escapes `"` and the backslash itself; any other backslash is kept as written, so
// `"C:\temp"` needs no doubling.
size_t read_quoted(std::string_view text, size_t pos, std::string& out) {
    const char quote = '"';
    for (size_t i = pos + 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size() && (text[i + 1] == quote || text[i + 1] == '\\')) {
            out.push_back(text[++i]);
        } else if (c == quote) {
            return i + 1;
        } else {
            out.push_back(c);
        }
    }
    return std::string_view::npos;
}

// The end of a value written in single quotes, the original framework's other quoting (docs/API.md "Reads"): the text
// from `pos` to the next comma, when it is `'...'`; npos otherwise. Such a value may hold
// colons but not commas, and an apostrophe elsewhere is an ordinary character (`O'Brien`,
// `'; DROP TABLE`), which is why single quotes do not get the comma-proof rule of `"`.
size_t single_quoted_end(std::string_view text, size_t pos) {
    if (pos >= text.size() || text[pos] != '\'') return std::string_view::npos;
    const size_t end = std::min(text.find(',', pos), text.size());
    return end - pos >= 2 && text[end - 1] == '\'' ? end : std::string_view::npos;
}

// `"<value>"` with `"` and `\` escaped: the quoting split_filter reads back.
std::string quoted(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

// Splits `filter` into its conditions. Conditions are separated by commas, except inside
// a double-quoted value (docs/DECISIONS.md §2.25): a value that begins with `"` runs to its closing
// quote and may hold commas and colons. Any other value ends at the next comma and may hold
// colons after an operator (`dateTime:gte:2025-01-01T10:00:00Z`) or inside single quotes.
// Empty conditions are skipped. Throws ApiError(400) naming the malformed condition and,
// for a piece after an unquoted value that names no field of `entity`, the quoting that
// keeps the comma in the value.
std::vector<FilterClause> split_filter(const Entity& entity, std::string_view text) {
    std::vector<FilterClause> clauses;
    size_t pos = 0;
    // Where the value of the last condition began, when it was unquoted: a piece without
    // a colon right after it is most likely the rest of that value, cut at a comma.
    size_t open_value = std::string_view::npos;
    std::string_view open_prefix;   // that condition's `name:` or `name:op:`
    while (pos <= text.size()) {
        const size_t start = pos;
        const size_t name_end = text.find_first_of(":,", pos);
        if (name_end == std::string_view::npos || text[name_end] == ',') {
            const size_t end = name_end == std::string_view::npos ? text.size() : name_end;
            if (end > start) {
                std::string message = "Invalid filter format. Use field:value instead of " +
                                       std::string(text.substr(start, end - start));
                // A piece that is a field name lacks its value; anything else after an
                // unquoted value is most likely that value's rest, cut at a comma.
                if (open_value != std::string_view::npos && !entity.find_field(trim(text.substr(start, end - start)))) {
                    // `lastName:Lee, Jr` -> lastName:"Lee, Jr"; `lastName:'Lee, Jr'` too.
                    std::string_view value = text.substr(open_value, end - open_value);
                    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
                        value = value.substr(1, value.size() - 2);
                    message += ". A value holding a comma needs quotes: " + std::string(open_prefix) + quoted(value);
                }
                throw ApiError::bad_request(message);
            }
            pos = end + 1;
            continue;
        }
        FilterClause clause;
        clause.name = text.substr(start, name_end - start);
        pos = name_end + 1;
        // An operator segment is there when an unquoted segment ends at a colon.
        if (pos < text.size() && text[pos] != '"' && single_quoted_end(text, pos) == std::string_view::npos) {
            const size_t seg_end = text.find_first_of(":,", pos);
            if (seg_end != std::string_view::npos && text[seg_end] == ':') {
                clause.op = text.substr(pos, seg_end - pos);
                pos = seg_end + 1;
            }
        }
        size_t end;
        if (pos < text.size() && text[pos] == '"') {
            const size_t after = read_quoted(text, pos, clause.value);
            if (after == std::string_view::npos)
                throw ApiError::bad_request("Missing closing quote in filter condition " +
                                            std::string(text.substr(start)));
            end = after;
            if (end < text.size() && text[end] != ',') {
                const size_t next = text.find(',', end);
                throw ApiError::bad_request(
                    "Invalid filter format. Text after the closing quote in " +
                    std::string(text.substr(start, (next == std::string_view::npos ? text.size() : next) - start)));
            }
        } else if (const size_t quoted_end = single_quoted_end(text, pos); quoted_end != std::string_view::npos) {
            end = quoted_end;
            clause.value = std::string(text.substr(pos + 1, end - pos - 2));
        } else {
            end = std::min(text.find(',', pos), text.size());
            clause.value = std::string(text.substr(pos, end - pos));
        }
        open_value = pos < text.size() && text[pos] != '"' ? pos : std::string_view::npos;
        open_prefix = text.substr(start, pos - start);
        clause.text = text.substr(start, end - start);
        clauses.push_back(std::move(clause));
        pos = end + 1;
    }
    return clauses;
}

// A middle segment that is not an operator. A word (`between`) was meant as one: list
// them. Anything else (`2026-11-19T16` of `createdAt:2026-11-19T16:00:00Z`, `10` of
// `firstName:10:30`) is the start of a value holding colons: show the two ways to
// write it (docs/API.md "Reads").
std::string unknown_operator_message(const Field& field, std::string_view op, std::string_view rest) {
    std::string message = "Unknown operator=" + std::string(op);
    const bool word = !op.empty() && std::all_of(op.begin(), op.end(), [](unsigned char c) { return std::isalpha(c); });
    if (word) return message + ". Use eq, ne, gt, gte, lt or lte";
    const std::string value = std::string(op) + ":" + std::string(rest);
    return message + ". A value holding colons needs quotes or an operator: " + field.name + ":" + quoted(value) +
           " or " + field.name + ":eq:" + value;
}

// A 400 naming a limit of docs/API.md "Limits", with `parameter: "filter"` (and `field`).
ApiError filter_limit(std::string message, std::string field = "") {
    Notice n;
    n.message = std::move(message);
    n.field = std::move(field);
    n.parameter = "filter";
    return ApiError(400, kGeneral, std::move(n));
}

void parse_filter(const Entity& entity, const std::string& text, RequestParams& params) {
    const std::vector<FilterClause> clauses = split_filter(entity, text);
    // docs/DECISIONS.md §4.5: the same limit on every backend, before any is asked.
    if (clauses.size() + params.query.filters.size() > kMaxFilterConditions)
        throw filter_limit(fmt::format("Too many filter conditions: at most {}", kMaxFilterConditions));
    for (const FilterClause& clause : clauses) {
        const std::string clause_text(clause.text);
        const Field* field = entity.find_field(clause.name);
        if (!field)
            throw ApiError::bad_request("Invalid filter field. Valid fields: " + queryable_fields(entity),
                                        std::string(clause.name));
        if (field->type == FieldType::Json || field->type == FieldType::StringArray || field->secret)
            throw ApiError::bad_request("Field " + field->name + " cannot be filtered", field->name);

        Operator op = Operator::Eq;
        if (clause.op) {
            auto named = operator_named(*clause.op);
            if (!named) {
                Notice n;
                n.message = unknown_operator_message(*field, *clause.op, clause.value);
                n.field = field->name;
                n.parameter = "filter";
                throw ApiError(400, kGeneral, std::move(n));
            }
            op = *named;
        }
        if (clause.value.empty()) throw ApiError::bad_request("Missing filter value in " + clause_text, field->name);

        const FilterOp filter = filter_op(*field, op, params.full_match);
        const size_t chars = count_code_points(clause.value);
        if (filter == FilterOp::Contains && chars > kMaxSubstringChars)
            throw filter_limit(
                fmt::format("Filter value too long: substring values have at most {} characters", kMaxSubstringChars),
                field->name);
        if (chars > kMaxFilterValueChars)
            throw filter_limit(fmt::format("Filter value too long: values have at most {} characters", kMaxFilterValueChars),
                               field->name);

        json::value converted = convert_value(*field, clause.value);
        if (field->is_id() && op == Operator::Eq) params.id_filter = std::string(converted.as_string());
        params.query.filters.push_back(FilterCondition{field, filter, std::move(converted)});
    }
}

// ---- view --------------------------------------------------------------------

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The FK of `entity` a view name refers to: first by the FK's own view name
// ("account" for accountId), then by the target entity's name.
const Field* view_fk(const Entity& entity, std::string_view name) {
    for (const Field* fk : entity.foreign_keys)
        if (iequals(fk->fk_view_name(), name)) return fk;
    for (const Field* fk : entity.foreign_keys)
        if (iequals(fk->fk_target->name, name)) return fk;
    return nullptr;
}

std::vector<ViewSpec> parse_view(const Schema& schema, const Entity& entity, const std::string& text) {
    std::vector<ViewSpec> views;
    const auto invalid = [&] {
        return ApiError::bad_request("Invalid view format=" + text + ". Use format: fk_name(field1,field2)");
    };
    // Between and around the groups only commas and spaces: `account(name)xyz` is no view.
    const auto only_separators = [&](size_t from, size_t to) {
        return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(from), text.begin() + static_cast<std::ptrdiff_t>(to),
                           [](char c) { return c == ',' || std::isspace(static_cast<unsigned char>(c)); });
    };
    size_t pos = 0;
    size_t group_end = 0;   // just after the previous group's `)`
    while ((pos = text.find('(', pos)) != std::string::npos) {
        const size_t close = text.find(')', pos + 1);
        if (close == std::string::npos) break;
        size_t begin = pos;
        while (begin > group_end && is_name_char(text[begin - 1])) --begin;
        const std::string name = text.substr(begin, pos - begin);
        const std::string_view inside = std::string_view(text).substr(pos + 1, close - pos - 1);
        if (name.empty() || !only_separators(group_end, begin)) throw invalid();
        pos = group_end = close + 1;

        std::vector<std::string_view> field_names;
        for (std::string_view item : split(inside, ','))
            if (!(item = trim(item)).empty()) field_names.push_back(item);
        if (field_names.empty()) throw invalid();

        const Field* fk = view_fk(entity, name);
        if (!fk) {
            if (schema.find(name))
                throw ApiError::bad_request("Entity=" + name + " in view is not referenced by " + entity.name);
            throw ApiError::bad_request("Unknown entity=" + name + " in view");
        }
        auto spec = std::find_if(views.begin(), views.end(), [&](const ViewSpec& v) { return v.fk == fk; });
        if (spec == views.end()) spec = views.insert(views.end(), ViewSpec{fk, fk->fk_target, {}});
        for (std::string_view field_name : field_names) {
            const Field* field = fk->fk_target->find_field(field_name);
            if (!field)
                throw ApiError::bad_request("Unknown field=" + name + "." + std::string(field_name) + " in view");
            if (field->secret)   // never returned by any read (docs/DECISIONS.md §6.4)
                throw ApiError::bad_request("Field " + field->name + " cannot be viewed", field->name);
            if (std::find(spec->fields.begin(), spec->fields.end(), field) == spec->fields.end())
                spec->fields.push_back(field);
        }
    }
    if (views.empty() || !only_separators(group_end, text.size())) throw invalid();
    return views;
}

}  // namespace

RequestParams parse_request_params(const Schema& schema, const Entity& entity, const QueryPairs& query) {
    // Each name counts once, at its first position, with its last value; all names are
    // known before any is interpreted because full_match changes how filter reads.
    struct Param { std::string name; std::string value; };
    std::vector<Param> params;
    for (const auto& [raw_name, value] : query) {
        if (raw_name.empty() && value.empty()) continue;   // stray '&'
        // docs/DECISIONS.md §2.24: NUL or bytes that are no UTF-8 never reach a driver.
        if (TextFault fault = text_fault(raw_name); fault != TextFault::None)
            throw ApiError::bad_request("Query parameter names " + text_fault_message(fault));
        if (TextFault fault = text_fault(value); fault != TextFault::None) {
            Notice n;
            n.message = "Query parameter " + raw_name + " " + text_fault_message(fault);
            n.parameter = lower(raw_name);
            throw ApiError(400, kGeneral, std::move(n));
        }
        std::string name = lower(raw_name);
        if (name != "page" && name != "pagesize" && name != "sort" && name != "filter" && name != "view" &&
            name != "no_consistency" && name != "full_match" && name != "count")
            throw ApiError::bad_request("Unknown query parameter=" + raw_name + ". Valid parameters: " +
                                        kValidParameters);
        auto it = std::find_if(params.begin(), params.end(), [&](const Param& p) { return p.name == name; });
        if (it == params.end()) params.push_back(Param{std::move(name), value});
        else it->value = value;
    }

    RequestParams out;
    out.full_match = std::any_of(params.begin(), params.end(), [](const Param& p) { return p.name == "full_match"; });
    bool sorted = false;
    for (const Param& p : params) {
        if (p.name == "page") out.page = parse_page(p.value);
        else if (p.name == "pagesize") out.page_size = parse_page_size(p.value);
        else if (p.name == "sort") { out.query.sort = parse_sort(entity, p.value); sorted = true; }
        else if (p.name == "filter") parse_filter(entity, p.value, out);
        else if (p.name == "view") { if (!p.value.empty()) out.views = parse_view(schema, entity, p.value); }
        else if (p.name == "no_consistency") out.no_consistency = parse_bool(p.value).value_or(false);
        else if (p.name == "count") out.query.with_total = parse_count(p.value);
    }
    if (!sorted) out.query.sort = parse_sort(entity, "");

    out.query.limit = out.page_size;
    // A page far beyond any data is simply empty; never overflow computing its offset.
    out.query.offset = out.page - 1 > std::numeric_limits<int64_t>::max() / out.page_size
                           ? std::numeric_limits<int64_t>::max()
                           : (out.page - 1) * out.page_size;
    return out;
}

}  // namespace events
