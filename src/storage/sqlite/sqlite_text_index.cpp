#include "storage/sqlite/sqlite_text_index.h"

#include "storage/sql/comparison_columns.h"
#include "tools/quoting.h"

#include <algorithm>

namespace events::sqlite_text_index {

namespace {

// A string literal of the FTS5 query language: double quotes, embedded ones doubled.
std::string fts_string(std::string_view s) { return quote_doubling(s, '"'); }

// An SQL string literal (for the table name inside the fts5 options).
std::string sql_string(std::string_view s) { return quote_doubling(s, '\''); }

// Byte offsets where the UTF-8 characters of `s` start.
std::vector<size_t> char_starts(std::string_view s) {
    std::vector<size_t> out;
    for (size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
    return out;
}

}  // namespace

bool covers(const Field& f) { return substring_indexed(f); }

std::vector<const Field*> indexed_fields(const Entity& e) {
    std::vector<const Field*> out;
    for (const Field& f : e.fields)
        if (covers(f)) out.push_back(&f);
    return out;
}

std::string table_name(const Entity& e) { return "_fts_" + e.name; }

std::vector<std::string> trigger_names(const Entity& e) {
    const std::string t = table_name(e);
    return {t + "_ai", t + "_ad", t + "_au"};
}

std::vector<std::string> create_statements(const SqlDialect& d, const Entity& e) {
    const std::vector<const Field*> fields = indexed_fields(e);
    if (fields.empty()) return {};
    const std::string fts = d.quote(table_name(e));
    const std::string table = d.quote(e.name);
    std::string columns, new_values, old_values, changed;
    for (const Field* f : fields) {
        const std::string c = d.quote(form_column_name(*f, d.max_identifier_length()));
        if (!columns.empty()) {
            columns += ", ";
            new_values += ", ";
            old_values += ", ";
            changed += " OR ";
        }
        columns += c;
        new_values += "new." + c;
        old_values += "old." + c;
        changed += "old." + c + " IS NOT new." + c;
    }
    const std::string insert_new =
        "INSERT INTO " + fts + " (rowid, " + columns + ") VALUES (new.rowid, " + new_values + "); ";
    const std::string delete_old = "INSERT INTO " + fts + " (" + fts + ", rowid, " + columns +
                                   ") VALUES ('delete', old.rowid, " + old_values + "); ";
    const std::vector<std::string> triggers = trigger_names(e);
    return {
        "CREATE VIRTUAL TABLE " + fts + " USING fts5(" + columns + ", content=" + sql_string(e.name) +
            ", content_rowid='rowid', tokenize='trigram case_sensitive 1', detail=column)",
        "CREATE TRIGGER " + d.quote(triggers[0]) + " AFTER INSERT ON " + table + " BEGIN " + insert_new + "END",
        "CREATE TRIGGER " + d.quote(triggers[1]) + " AFTER DELETE ON " + table + " BEGIN " + delete_old + "END",
        // Only when an indexed column changed: most updates leave the text alone.
        "CREATE TRIGGER " + d.quote(triggers[2]) + " AFTER UPDATE ON " + table + " WHEN " + changed + " BEGIN " +
            delete_old + insert_new + "END",
    };
}

std::optional<std::string> match_expression(const SqlDialect& d, const Field& f, std::string_view value) {
    const std::vector<size_t> starts = char_starts(value);
    if (!covers(f) || starts.size() < kMinChars) return std::nullopt;
    // Every trigram of the value must occur in the column; where they occur is left
    // to the exact test (the index keeps no positions: detail=column).
    std::vector<std::string_view> trigrams;
    for (size_t i = 0; i + kMinChars <= starts.size() && trigrams.size() < kMaxTrigrams; ++i) {
        const size_t end = i + kMinChars < starts.size() ? starts[i + kMinChars] : value.size();
        const std::string_view t = value.substr(starts[i], end - starts[i]);
        if (std::find(trigrams.begin(), trigrams.end(), t) == trigrams.end()) trigrams.push_back(t);
    }
    std::string terms;
    for (std::string_view t : trigrams) {
        if (!terms.empty()) terms += " AND ";
        terms += fts_string(t);
    }
    return fts_string(form_column_name(f, d.max_identifier_length())) + " : (" + terms + ")";
}

}  // namespace events::sqlite_text_index
