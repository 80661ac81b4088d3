// Flow definitions: the built-in ones load and hold the ordinances' steps; a broken
// definition is refused with a Japanese message naming where; a town's own file is added
// (or replaces a built-in) from a directory, without a rebuild.
#include <gtest/gtest.h>

#include <fstream>

#include "central/incidents/flow.h"
#include "central/incidents/incident_store.h"
#include "test_support.h"

namespace central::incidents {
namespace {

TEST(IncidentFlow, BuiltInFlowsFollowTheOrdinances) {
  auto reg = FlowRegistry::Load("");
  ASSERT_TRUE(reg.ok()) << reg.error();
  const Flow* misato = reg.value().Find("aizumisato");
  ASSERT_NE(misato, nullptr);
  const FlowPath* p = misato->Path("incident");
  ASSERT_NE(p, nullptr);
  std::vector<std::string> order;
  std::string at = p->steps.front().id;
  while (at != kClosed) {
    order.push_back(at);
    const FlowStep* s = p->Step(at);
    at = p->NextAfter(*s, s->outcomes.empty() ? "" : "approve");
  }
  EXPECT_EQ(order, (std::vector<std::string>{"first_report", "kanri_report", "hogo_report",
                                             "mayor_report", "headquarters", "victims", "agencies",
                                             "publication", "prevention", "prevention_approval"}));
  EXPECT_TRUE(p->Step("followup")->repeatable);
  EXPECT_EQ(p->NextAfter(*p->Step("prevention_approval"), "return"), "prevention");
  EXPECT_NE(misato->Path("disclosure"), nullptr);
  EXPECT_EQ(misato->RoleName("hogo"), "個人情報保護責任者");
  const Flow* honjo = reg.value().Find("honjo");
  ASSERT_NE(honjo, nullptr);
  EXPECT_EQ(honjo->Path("incident")->steps.front().form, "honjo-1");
  EXPECT_NE(honjo->Path("incident")->Step("accident_report"), nullptr);
}

TEST(IncidentFlow, BrokenDefinitionsAreRefusedInJapanese) {
  const std::pair<const char*, const char*> kBroken[] = {
      {"{", "JSON として読み取れません"},
      {R"({"id":"x","town":"t","roles":{"a":"A"},"rank":["a"],"all_sections_roles":["a"],
          "unknown_section_role":"a","paths":[{"id":"p","title":"T","steps":[
          {"id":"s","title":"S","role":"zzz"}]}]})",
       "役割「zzz」が roles にありません"},
      {R"({"id":"x","town":"t","roles":{"a":"A"},"rank":["a"],"all_sections_roles":["a"],
          "unknown_section_role":"a","paths":[{"id":"p","title":"T","steps":[
          {"id":"s","title":"S","role":"a","outcomes":[{"id":"o","label":"L","next":"nowhere"}]}]}]})",
       "次の手順「nowhere」がありません"},
      {R"({"id":"x","town":"t","roles":{"a":"A"},"rank":["a"],"all_sections_roles":["a"],
          "unknown_section_role":"a","paths":[{"id":"p","title":"T","steps":[
          {"id":"s","title":"S","role":"a","fields":[{"key":"k","label":"K","type":"colour"}]}]}]})",
       "type「colour」"},
      {R"({"id":"x","town":"t","roles":{"a":"A"},"rank":[],"all_sections_roles":["a"],
          "unknown_section_role":"a","paths":[]})",
       "rank には"},
      {R"({"id":"x","town":"t","roles":{"a":"A"},"rank":["a"],"all_sections_roles":["a"],
          "unknown_section_role":"a","paths":[{"id":"p","title":"T","steps":[
          {"id":"s","title":"S","role":"a"},{"id":"r","title":"R","role":"a","repeatable":true}]}]})",
       "after"},
  };
  for (const auto& [json, expected] : kBroken) {
    auto f = ParseFlow(json, "town.json");
    ASSERT_FALSE(f.ok()) << json;
    EXPECT_NE(f.error().find(expected), std::string::npos) << f.error();
    EXPECT_EQ(f.error().rfind("town.json", 0), 0u) << f.error();
  }
}

TEST(IncidentFlow, ATownAddsItsOwnDefinitionFromADirectory) {
  central_test::TempDir dir;
  std::ofstream(dir.path() / "third.json") << R"({"id":"third","town":"第三町",
      "roles":{"tanto":"職員","kanri":"課長","hogo":"総務課長","soukatsu":"副町長"},
      "rank":["tanto","kanri","hogo","soukatsu"],"all_sections_roles":["hogo","soukatsu"],
      "unknown_section_role":"hogo","paths":[{"id":"incident","title":"事故","steps":[
      {"id":"report","title":"報告","role":"tanto","fields":[
        {"key":"summary","label":"概要","type":"textarea","required":true}]},
      {"id":"close","title":"終結","role":"soukatsu"}]}]})";
  auto reg = FlowRegistry::Load(dir.path().string());
  ASSERT_TRUE(reg.ok()) << reg.error();
  ASSERT_NE(reg.value().Find("third"), nullptr);
  EXPECT_NE(reg.value().Find("aizumisato"), nullptr);
  std::ofstream(dir.path() / "zz-broken.json") << "{}";
  auto broken = FlowRegistry::Load(dir.path().string());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().find("zz-broken.json"), std::string::npos) << broken.error();
}

TEST(IncidentFlow, OnlyPersonalInformationToOutsideNeedsAReview) {
  EXPECT_TRUE(NeedsReview(
      R"({"recipients":[{"address":"a@x.jp","external":true}],"findings":{"my_number":1}})"));
  EXPECT_TRUE(NeedsReview(
      R"({"recipients":[{"address":"a@x.jp","external":true}],"attachments":[{"name":"a.xlsx","class":1}]})"));
  EXPECT_FALSE(NeedsReview(
      R"({"recipients":[{"address":"a@town.jp","external":false}],"findings":{"my_number":1}})"));
  EXPECT_FALSE(NeedsReview(
      R"({"recipients":[{"address":"a@x.jp","external":true}],"findings":{"corporate_number":2}})"));
  EXPECT_FALSE(NeedsReview("not json"));
}

}  // namespace
}  // namespace central::incidents
