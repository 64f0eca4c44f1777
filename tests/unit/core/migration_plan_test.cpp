// The migration planner (core/migration_plan.h; docs/DECISIONS.md §5.2-§5.4).
#include "core/migration_plan.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

namespace events {
namespace {

Schema load(const std::string& fields, const std::string& more = "") {
    return Schema::load_text("_entities:\n  Member:\n    fields:\n" + fields + more, "test");
}

const std::string kBase =
    "      fullName: {type: String, required: true}\n"
    "      born: {type: Date}\n"
    "      visits: {type: Integer}\n";

MigrationPlan plan(const std::string& old_fields, const std::string& new_fields, const std::string& old_more = "",
                   const std::string& new_more = "") {
    return plan_migration(load(old_fields, old_more), load(new_fields, new_more));
}

TEST(MigrationPlan, SameSchemaIsEmpty) {
    const MigrationPlan p = plan(kBase, kBase);
    EXPECT_TRUE(p.empty());
    EXPECT_EQ(plan_text(p), "no changes\n");
}

TEST(MigrationPlan, NewOptionalFieldIsASafeAdd) {
    const MigrationPlan p = plan(kBase, kBase + "      nickname: {type: String}\n");
    ASSERT_EQ(p.steps.size(), 1u);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::AddField);
    EXPECT_EQ(p.steps[0].safety, MigrationSafety::Safe);
    EXPECT_EQ(p.steps[0].target(), "Member.nickname");
}

TEST(MigrationPlan, NewFieldWithADefaultIsBackfilled) {
    const MigrationPlan p = plan(kBase, kBase + "      language: {type: String, default: en}\n");
    ASSERT_EQ(p.steps.size(), 2u);
    EXPECT_EQ(p.steps[1].kind, MigrationStepKind::BackfillDefault);
    EXPECT_EQ(p.steps[1].safety, MigrationSafety::Safe);
    EXPECT_EQ(p.steps[1].to, "\"en\"");
    EXPECT_TRUE(p.needing_apply().empty());
}

TEST(MigrationPlan, NewRequiredFieldWithoutDefaultNeedsApply) {
    const MigrationPlan p = plan(kBase, kBase + "      shelf: {type: String, required: true}\n");
    ASSERT_EQ(p.steps.size(), 2u);
    EXPECT_EQ(p.steps[1].kind, MigrationStepKind::RequireField);
    ASSERT_EQ(p.needing_apply().size(), 1u);
    EXPECT_EQ(p.needing_apply()[0]->target(), "Member.shelf");
}

TEST(MigrationPlan, NewRequiredFieldWithDefaultIsOnlyBackfilled) {
    const MigrationPlan p = plan(kBase, kBase + "      shelf: {type: String, required: true, default: A1}\n");
    ASSERT_EQ(p.steps.size(), 2u);
    EXPECT_EQ(p.steps[1].kind, MigrationStepKind::BackfillDefault);
    EXPECT_TRUE(p.needing_apply().empty());
}

TEST(MigrationPlan, OptionalBecomingRequiredNeedsApply) {
    std::string fields = kBase;
    fields.replace(fields.find("born: {type: Date}"), 18, "born: {type: Date, required: true}");
    const MigrationPlan p = plan(kBase, fields);
    ASSERT_EQ(p.steps.size(), 1u);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::RequireField);
    EXPECT_EQ(p.steps[0].target(), "Member.born");
    // The refusal names the three ways out (docs/SCHEMA.md "Changing a schema").
    EXPECT_EQ(describe_step(p.steps[0]),
              "require Member.born (refused while existing documents hold no value: give it a default, fill the values "
              "under the old schema, or start with --adopt; docs/SCHEMA.md \"Changing a schema\")");
}

TEST(MigrationPlan, RenamedFromCarriesTheFieldOver) {
    std::string fields = kBase;
    fields.replace(fields.find("fullName: {type: String, required: true}"), 40,
                   "name: {type: String, required: true, renamed_from: fullName}");
    const MigrationPlan p = plan(kBase, fields);
    ASSERT_EQ(p.steps.size(), 1u) << plan_text(p);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::RenameField);
    EXPECT_EQ(p.steps[0].safety, MigrationSafety::Safe);
    EXPECT_EQ(p.steps[0].from, "fullName");
    EXPECT_EQ(p.steps[0].field, "name");
}

TEST(MigrationPlan, ANewNameWithoutRenamedFromIsADropAndAnAdd) {
    std::string fields = kBase;
    fields.replace(fields.find("fullName"), 8, "name");
    const MigrationPlan p = plan(kBase, fields);
    ASSERT_EQ(p.steps.size(), 3u) << plan_text(p);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::AddField);
    EXPECT_EQ(p.steps[1].kind, MigrationStepKind::RequireField);
    EXPECT_EQ(p.steps[2].kind, MigrationStepKind::DropField);
    EXPECT_EQ(p.steps[2].safety, MigrationSafety::KeepsData);
    EXPECT_EQ(p.steps[2].target(), "Member.fullName");
}

TEST(MigrationPlan, TypeChangesTellLosslessFromLossy) {
    std::string widened = kBase;
    widened.replace(widened.find("visits: {type: Integer}"), 23, "visits: {type: Number}");
    MigrationPlan p = plan(kBase, widened);
    ASSERT_EQ(p.steps.size(), 1u);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::ConvertType);
    EXPECT_TRUE(p.steps[0].lossless);
    EXPECT_EQ(p.steps[0].from, "Integer");
    EXPECT_EQ(p.steps[0].to, "Number");

    std::string narrowed = kBase;
    narrowed.replace(narrowed.find("born: {type: Date}"), 18, "born: {type: Integer}");
    p = plan(kBase, narrowed);
    ASSERT_EQ(p.steps.size(), 1u);
    EXPECT_FALSE(p.steps[0].lossless);
    EXPECT_EQ(p.steps[0].safety, MigrationSafety::NeedsApply);
}

TEST(MigrationPlan, LosslessConversions) {
    EXPECT_TRUE(converts_losslessly(FieldType::Integer, FieldType::Number));
    EXPECT_TRUE(converts_losslessly(FieldType::Integer, FieldType::String));
    EXPECT_TRUE(converts_losslessly(FieldType::Date, FieldType::Datetime));
    EXPECT_TRUE(converts_losslessly(FieldType::Boolean, FieldType::String));
    EXPECT_FALSE(converts_losslessly(FieldType::Number, FieldType::Integer));
    EXPECT_FALSE(converts_losslessly(FieldType::Datetime, FieldType::Date));
    EXPECT_FALSE(converts_losslessly(FieldType::String, FieldType::Integer));
    EXPECT_FALSE(converts_losslessly(FieldType::Date, FieldType::Integer));
}

TEST(MigrationPlan, RemovedFieldsAndEntitiesKeepTheirData) {
    const Schema old = Schema::load_text("_entities:\n  Member:\n    fields:\n" + kBase +
                                             "  Shelf:\n    fields:\n      label: {type: String}\n",
                                         "old");
    const Schema now = load("      fullName: {type: String, required: true}\n      born: {type: Date}\n");
    const MigrationPlan p = plan_migration(old, now);
    ASSERT_EQ(p.steps.size(), 2u) << plan_text(p);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::DropField);
    EXPECT_EQ(p.steps[0].target(), "Member.visits");
    EXPECT_EQ(p.steps[1].kind, MigrationStepKind::DropEntity);
    EXPECT_EQ(p.steps[1].target(), "Shelf");
    EXPECT_TRUE(p.needing_apply().empty());
    EXPECT_NE(plan_text(p).find("field Member.visits is no longer in the schema: its values are kept"), std::string::npos)
        << plan_text(p);
}

TEST(MigrationPlan, NewEntitiesUniquesAndIndexes) {
    const Schema old = load(kBase);
    const Schema now = Schema::load_text("_entities:\n  Member:\n    fields:\n" + kBase +
                                             "    unique:\n    - [fullName]\n    indexes:\n    - [born, visits]\n"
                                             "  Shelf:\n    fields:\n      label: {type: String}\n",
                                         "new");
    const MigrationPlan p = plan_migration(old, now);
    ASSERT_EQ(p.steps.size(), 3u) << plan_text(p);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::AddUnique);
    EXPECT_EQ(p.steps[0].to, "fullName");
    EXPECT_EQ(p.steps[1].kind, MigrationStepKind::AddIndex);
    EXPECT_EQ(p.steps[1].to, "born, visits");
    EXPECT_EQ(p.steps[2].kind, MigrationStepKind::AddEntity);
    EXPECT_EQ(p.steps[2].target(), "Shelf");
    // And back: the unique and the index are dropped, the entity is kept.
    const MigrationPlan back = plan_migration(now, old);
    ASSERT_EQ(back.steps.size(), 3u) << plan_text(back);
    EXPECT_EQ(back.steps[0].kind, MigrationStepKind::DropUnique);
    EXPECT_EQ(back.steps[1].kind, MigrationStepKind::DropIndex);
    EXPECT_EQ(back.steps[2].kind, MigrationStepKind::DropEntity);
}

TEST(MigrationPlan, ARenamedFieldKeepsItsUniqueConstraint) {
    const Schema old = load(kBase, "    unique:\n    - [fullName]\n");
    const Schema now = load("      name: {type: String, required: true, renamed_from: fullName}\n"
                            "      born: {type: Date}\n      visits: {type: Integer}\n",
                            "    unique:\n    - [name]\n");
    const MigrationPlan p = plan_migration(old, now);
    ASSERT_EQ(p.steps.size(), 1u) << plan_text(p);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::RenameField);
}

TEST(MigrationPlan, RenamedEntityIsRecognised) {
    const Schema old = load(kBase);
    const Schema now = Schema::load_text("_entities:\n  Person:\n    renamed_from: Member\n    fields:\n" + kBase, "new");
    const MigrationPlan p = plan_migration(old, now);
    ASSERT_EQ(p.steps.size(), 1u) << plan_text(p);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::RenameEntity);
    EXPECT_EQ(p.steps[0].from, "Member");
    EXPECT_EQ(p.steps[0].entity, "Person");
}

TEST(MigrationPlan, ReferencesFollowARenamedEntity) {
    const Schema old = Schema::load_text(
        "_entities:\n  Author:\n    fields:\n      name: {type: String}\n"
        "  Book:\n    fields:\n      title: {type: String}\n      authorId: {type: ObjectId}\n",
        "old");
    const Schema now = Schema::load_text(
        "_entities:\n  Writer:\n    renamed_from: Author\n    fields:\n      name: {type: String}\n"
        "  Book:\n    fields:\n      title: {type: String}\n      writerId: {type: ObjectId}\n",
        "new");
    const MigrationPlan p = plan_migration(old, now);
    ASSERT_EQ(p.steps.size(), 2u) << plan_text(p);
    EXPECT_EQ(p.steps[0].kind, MigrationStepKind::RenameEntity);
    EXPECT_EQ(p.steps[1].kind, MigrationStepKind::RenameField);
    EXPECT_EQ(describe_step(p.steps[1]), "rename field Book.authorId -> Book.writerId (values carried over)");
    // Without the entity's renamed_from, the reference is a new field and the old one is kept.
    const Schema unrelated = Schema::load_text(
        "_entities:\n  Writer:\n    fields:\n      name: {type: String}\n"
        "  Book:\n    fields:\n      title: {type: String}\n      writerId: {type: ObjectId}\n",
        "new");
    bool renamed = false;
    for (const MigrationStep& s : plan_migration(old, unrelated).steps)
        renamed = renamed || s.kind == MigrationStepKind::RenameField;
    EXPECT_FALSE(renamed);
}

TEST(MigrationPlan, TextGroupsStepsBySafetyAndJsonNamesEveryStep) {
    std::string fields = kBase + "      language: {type: String, default: en}\n";
    fields.replace(fields.find("fullName: {type: String, required: true}"), 40,
                   "name: {type: String, required: true, renamed_from: fullName}");
    fields.replace(fields.find("visits: {type: Integer}"), 23, "visits: {type: Number}");
    const MigrationPlan p = plan(kBase, fields);
    EXPECT_EQ(plan_text(p),
              "Applied by `events serve` at start-up:\n"
              "  rename field Member.fullName -> Member.name (values carried over)\n"
              "  add field Member.language (existing documents read null)\n"
              "  backfill Member.language = \"en\" on existing documents where it is null\n"
              "\n"
              "Refused by `events serve` (a required field only while documents lack a value; `events migrate --apply` converts types after checking every stored value and renames entities):\n"
              "  convert Member.visits from Integer to Number (lossless)\n");
    const boost::json::object j = plan_json(p);
    const boost::json::array& steps = j.at("steps").as_array();
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0].at("kind"), "rename-field");
    EXPECT_EQ(steps[0].at("from"), "fullName");
    EXPECT_EQ(steps[0].at("field"), "name");
    EXPECT_EQ(steps[0].at("safety"), "safe");
    EXPECT_EQ(steps[1].at("kind"), "convert-type");
    EXPECT_EQ(steps[1].at("lossless"), true);
    EXPECT_EQ(steps[1].at("safety"), "needs-apply");
    EXPECT_EQ(steps[3].at("kind"), "backfill-default");
    EXPECT_EQ(steps[3].at("to"), "\"en\"");
}

}  // namespace
}  // namespace events
