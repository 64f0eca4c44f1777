// The schema record and the verdict on a database (core/schema_record.h; docs/DECISIONS.md §5.1).
#include "core/schema_record.h"

#include <gtest/gtest.h>

namespace events {
namespace {

const char* kBooks = "_entities:\n  Book:\n    fields:\n      title: {type: String}\n";

TEST(SchemaRecord, FingerprintIgnoresFormattingButNotStructure) {
    const Schema a = Schema::load_text(kBooks);
    const Schema b = Schema::load_text(std::string("# a comment\n") + kBooks);
    const Schema c = Schema::load_text("_entities:\n  Book:\n    fields:\n      title: {type: Integer}\n");
    EXPECT_EQ(schema_fingerprint(a).size(), 16u);
    EXPECT_EQ(schema_fingerprint(a), schema_fingerprint(b));
    EXPECT_NE(schema_fingerprint(a), schema_fingerprint(c));
}

TEST(SchemaRecord, Verdicts) {
    const Schema books = Schema::load_text(kBooks);
    const Schema sample = Schema::load_bundled();
    const std::string fp = schema_fingerprint(books);
    StoredSchemaState state;
    EXPECT_EQ(judge_stored_schema(state, books, fp, nullptr), StoredSchemaVerdict::Fresh);
    state.present = {"Book"};
    EXPECT_EQ(judge_stored_schema(state, books, fp, nullptr), StoredSchemaVerdict::AdoptSilently);
    state.present.clear();
    state.others = {"Account", "User"};
    EXPECT_EQ(judge_stored_schema(state, books, fp, nullptr), StoredSchemaVerdict::Foreign);

    state.record = make_schema_record(books, kBooks, "books.yaml");
    EXPECT_EQ(judge_stored_schema(state, books, fp, &books), StoredSchemaVerdict::Same);
    const Schema more = Schema::load_text(std::string(kBooks) + "      isbn: {type: String}\n");
    EXPECT_EQ(judge_stored_schema(state, more, schema_fingerprint(more), &books), StoredSchemaVerdict::Changed);
    EXPECT_EQ(judge_stored_schema(state, sample, schema_fingerprint(sample), &books), StoredSchemaVerdict::Foreign);
    EXPECT_EQ(judge_stored_schema(state, more, schema_fingerprint(more), nullptr), StoredSchemaVerdict::Foreign);
}

TEST(SchemaRecord, ARenamedEntityStillCountsAsTheSameSchema) {
    const Schema books = Schema::load_text(kBooks);
    const Schema volumes =
        Schema::load_text("_entities:\n  Volume:\n    renamed_from: Book\n    fields:\n      title: {type: String}\n");
    StoredSchemaState state;
    state.record = make_schema_record(books, kBooks, "books.yaml");
    EXPECT_EQ(judge_stored_schema(state, volumes, schema_fingerprint(volumes), &books), StoredSchemaVerdict::Changed);
}

TEST(SchemaRecord, DescriptionNamesSourceFingerprintAndEntities) {
    EXPECT_EQ(describe_schema("books.yaml", "0123456789abcdef", "2026-12-05T07:00:00Z", {"Book", "Shelf"}),
              "books.yaml (fingerprint 0123456789abcdef, recorded 2026-12-05T07:00:00Z; entities: Book, Shelf)");
}

TEST(SchemaRecord, RenamedFromIsValidated) {
    EXPECT_THROW(Schema::load_text("_entities:\n  Book:\n    fields:\n      title: {type: String, renamed_from: title}\n"),
                 SchemaError);
    EXPECT_THROW(Schema::load_text("_entities:\n  Book:\n    fields:\n      title: {type: String}\n"
                                   "      name: {type: String, renamed_from: title}\n"),
                 SchemaError);
    EXPECT_THROW(Schema::load_text("_entities:\n  Book:\n    fields:\n      title: {type: String, renamed_from: '1x'}\n"),
                 SchemaError);
    const Schema ok = Schema::load_text("_entities:\n  Book:\n    fields:\n      name: {type: String, renamed_from: title}\n");
    EXPECT_EQ(ok.find("Book")->find_field("name")->renamed_from, "title");
}

}  // namespace
}  // namespace events
