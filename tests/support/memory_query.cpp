#include "support/memory_query.h"

#include "core/comparison_form.h"
#include "tools/json_text.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace events::testing_support {

namespace json = boost::json;

namespace {

bool compares_as_text(const Field& f) { return f.is_text() && !f.is_id(); }

template <typename T>
int three_way(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

// Both values non-null. Negative, zero or positive as `a` orders before, with or after `b`.
int compare_values(const Field& f, const json::value& a, const json::value& b, bool case_sensitive) {
    if (a.is_string() && b.is_string()) {
        if (compares_as_text(f))
            return three_way(comparison_form(a.get_string(), case_sensitive),
                             comparison_form(b.get_string(), case_sensitive));
        return three_way(std::string_view(a.get_string()), std::string_view(b.get_string()));
    }
    if (a.is_bool() && b.is_bool()) return three_way(a.get_bool(), b.get_bool());
    if (a.is_int64() && b.is_int64()) return three_way(a.get_int64(), b.get_int64());
    if (a.is_number() && b.is_number()) return three_way(a.to_number<double>(), b.to_number<double>());
    // JSON and Array[String] values are neither filtered nor sorted (docs/API.md "Reads");
    // a stable order keeps this total anyway.
    return three_way(to_json_text(a), to_json_text(b));
}

const json::value& field_of(const Document& doc, const Field& f) {
    static const json::value kNull;
    const json::value* v = doc.if_contains(f.name);
    return v ? *v : kNull;
}

}  // namespace

bool satisfies(const Document& doc, const FilterCondition& c, bool case_sensitive) {
    const Field& f = *c.field;
    const json::value& stored = field_of(doc, f);
    if (c.value.is_null()) {
        if (c.op == FilterOp::Eq) return stored.is_null();
        if (c.op == FilterOp::Ne) return !stored.is_null();
        return false;
    }
    if (stored.is_null()) return false;
    if (c.op == FilterOp::Contains) {
        if (!stored.is_string() || !c.value.is_string()) return false;
        if (!compares_as_text(f)) return std::string_view(stored.get_string()).find(c.value.get_string()) != std::string_view::npos;
        return comparison_form(stored.get_string(), case_sensitive)
                   .find(comparison_form(c.value.get_string(), case_sensitive)) != std::string::npos;
    }
    const int order = compare_values(f, stored, c.value, case_sensitive);
    switch (c.op) {
        case FilterOp::Eq: return order == 0;
        case FilterOp::Ne: return order != 0;
        case FilterOp::Gt: return order > 0;
        case FilterOp::Gte: return order >= 0;
        case FilterOp::Lt: return order < 0;
        case FilterOp::Lte: return order <= 0;
        case FilterOp::Contains: break;
    }
    return false;
}

ListPage run_query(std::vector<const Document*> docs, const ListQuery& q, bool case_sensitive) {
    std::erase_if(docs, [&](const Document* d) {
        return !std::all_of(q.filters.begin(), q.filters.end(),
                            [&](const FilterCondition& c) { return satisfies(*d, c, case_sensitive); });
    });
    auto id_of = [](const Document* d) {
        const json::value* id = d->if_contains("id");
        return id && id->is_string() ? std::string_view(id->get_string()) : std::string_view();
    };
    std::sort(docs.begin(), docs.end(), [&](const Document* a, const Document* b) {
        for (const SortKey& k : q.sort) {
            const json::value& va = field_of(*a, *k.field);
            const json::value& vb = field_of(*b, *k.field);
            if (va.is_null() || vb.is_null()) {
                if (va.is_null() == vb.is_null()) continue;
                return vb.is_null();   // NULLs last in both directions
            }
            const int order = compare_values(*k.field, va, vb, case_sensitive);
            if (order != 0) return k.descending ? order > 0 : order < 0;
        }
        return id_of(a) < id_of(b);
    });

    ListPage page;
    page.total = q.with_total ? static_cast<int64_t>(docs.size()) : -1;
    const size_t from = std::min(docs.size(), static_cast<size_t>(std::max<int64_t>(q.offset, 0)));
    const size_t to = std::min(docs.size(), from + static_cast<size_t>(std::max<int64_t>(q.limit, 0)));
    for (size_t i = from; i < to; ++i) page.docs.push_back(*docs[i]);
    return page;
}

}  // namespace events::testing_support
