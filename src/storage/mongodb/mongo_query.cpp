#include "storage/mongodb/mongo_query.h"

#include "core/comparison_form.h"
#include "storage/mongodb/mongo_layout.h"

#include <cstring>

namespace events::mongo {

namespace json = boost::json;

namespace {

const char* operator_of(FilterOp op) {
    switch (op) {
        case FilterOp::Eq: return "$eq";
        case FilterOp::Ne: return "$nin";   // with null: NULLs do not match a Ne
        case FilterOp::Gt: return "$gt";
        case FilterOp::Gte: return "$gte";
        case FilterOp::Lt: return "$lt";
        case FilterOp::Lte: return "$lte";
        case FilterOp::Contains: return "$regex";
    }
    return "$eq";
}

// A condition that no document satisfies (a range against null).
void append_never(bson_t* out, int& n) {
    const std::string key = std::to_string(n++);
    bson_t clause, in;
    bson_append_document_begin(out, key.c_str(), -1, &clause);
    bson_append_document_begin(&clause, "_id", -1, &in);
    bson_t empty;
    bson_append_array_begin(&in, "$in", -1, &empty);
    bson_append_array_end(&in, &empty);
    bson_append_document_end(&clause, &in);
    bson_append_document_end(out, &clause);
}

}  // namespace

std::string escape_regex(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (c != '\0' && std::strchr("\\^$.|?*+()[]{}", c)) out += '\\';
        out += c;
    }
    return out;
}

void build_filter(const std::vector<FilterCondition>& filters, const CodecOptions& o, bson_t* out) {
    if (filters.empty()) return;
    // Each condition is its own clause of an $and: two conditions on one field stay two.
    bson_t all;
    bson_append_array_begin(out, "$and", -1, &all);
    int n = 0;
    for (const FilterCondition& c : filters) {
        const Field& f = *c.field;
        const std::string field = key_field(f);
        if (c.value.is_null()) {
            if (c.op != FilterOp::Eq && c.op != FilterOp::Ne) {
                append_never(&all, n);
                continue;
            }
        }
        const std::string key = std::to_string(n++);
        bson_t clause, cond;
        bson_append_document_begin(&all, key.c_str(), -1, &clause);
        bson_append_document_begin(&clause, field.c_str(), -1, &cond);
        const bool text = f.is_text() && !f.is_id();
        json::value value = c.value;
        if (text && value.is_string()) value = json::string(comparison_form(value.get_string(), o.case_sensitive));
        if (c.value.is_null()) {
            // Equality with null: the field is null (or absent); Ne: it has a value.
            bson_append_null(&cond, c.op == FilterOp::Eq ? "$eq" : "$ne", -1);
        } else if (c.op == FilterOp::Contains) {
            const std::string pattern = escape_regex(value.is_string() ? std::string_view(value.get_string()) : "");
            bson_append_utf8(&cond, "$regex", -1, pattern.data(), static_cast<int>(pattern.size()));
        } else if (c.op == FilterOp::Ne) {
            bson_t list;
            bson_append_array_begin(&cond, "$nin", -1, &list);
            if (text) bson_append_utf8(&list, "0", 1, value.get_string().data(), static_cast<int>(value.get_string().size()));
            else if (f.type == FieldType::Currency)
                bson_append_double(&list, "0", 1, value.is_number() ? value.to_number<double>() : 0.0);
            else append_value(&list, "0", f, value, o);
            bson_append_null(&list, "1", 1);
            bson_append_array_end(&cond, &list);
        } else if (f.type == FieldType::Currency) {
            // On the double shadow (mongo_layout.h): the canonical value, exactly.
            bson_append_double(&cond, operator_of(c.op), -1, value.is_number() ? value.to_number<double>() : 0.0);
        } else if (text || f.is_id()) {
            const auto& s = value.is_string() ? value.get_string() : json::string();
            bson_append_utf8(&cond, operator_of(c.op), -1, s.data(), static_cast<int>(s.size()));
        } else {
            append_value(&cond, operator_of(c.op), f, value, o);
        }
        bson_append_document_end(&clause, &cond);
        bson_append_document_end(&all, &clause);
    }
    bson_append_array_end(out, &all);
}

void build_sort(const ListQuery& q, bson_t* out) {
    if (q.sort.empty()) {
        bson_append_int32(out, "_id", -1, 1);
        return;
    }
    for (const SortKey& k : q.sort) {
        const Field& f = *k.field;
        if (!f.is_id()) {
            const std::string flag = null_field(f);
            bson_append_int32(out, flag.c_str(), -1, 1);
        }
        const std::string key = key_field(f);
        bson_append_int32(out, key.c_str(), -1, k.descending ? -1 : 1);
    }
}

}  // namespace events::mongo
