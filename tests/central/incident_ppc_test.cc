// The national report (個人情報保護法 Art. 68, 規則 Art. 43): the criteria, table-driven,
// and the deadlines counted from the day the town knew.
#include <gtest/gtest.h>

#include "central/incidents/ppc_report.h"

namespace central::incidents {
namespace {

struct Scenario {
  const char* name;
  std::optional<bool> sensitive, financial, improper;
  std::optional<std::int64_t> persons;
  std::optional<bool> reportable;
  int final_days;
};

TEST(PpcReport, EachCriterionAloneNoneAndTheHundredPersonLine) {
  const Scenario kScenarios[] = {
      {"要配慮個人情報だけ", true, false, false, 1, true, 30},
      {"財産的被害のおそれだけ", false, true, false, 1, true, 30},
      {"不正の目的だけ (確報は60日)", false, false, true, 1, true, 60},
      {"101人だけ", false, false, false, 101, true, 30},
      {"100人は対象外", false, false, false, 100, false, 30},
      {"どれにも当たらない", false, false, false, 3, false, 30},
      {"未回答があり他は否: 未判定", std::nullopt, false, false, 3, std::nullopt, 30},
      {"人数未確認: 未判定", false, false, false, std::nullopt, std::nullopt, 30},
      {"未回答があっても一つ該当すれば対象", true, std::nullopt, std::nullopt, std::nullopt, true,
       30},
      {"全部未回答", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, 30},
  };
  for (const Scenario& s : kScenarios) {
    PpcAnswers a;
    a.sensitive = s.sensitive;
    a.financial = s.financial;
    a.improper = s.improper;
    a.persons = s.persons;
    EXPECT_EQ(PpcReportable(a), s.reportable) << s.name;
    auto d = ComputePpcDeadlines("2026-12-01", "2026-12-02", a);
    ASSERT_TRUE(d.has_value()) << s.name;
    EXPECT_EQ(d->final_days, s.final_days) << s.name;
    EXPECT_EQ(d->prompt.due, "2026-12-06") << s.name;
    EXPECT_EQ(d->final_report.due, s.final_days == 60 ? "2027-01-30" : "2026-12-31") << s.name;
  }
}

TEST(PpcReport, DeadlinesAreFlaggedNearAndOverdueUntilSubmitted) {
  PpcAnswers a;
  auto on = [&](const char* today) { return *ComputePpcDeadlines("2026-12-01", today, a); };
  EXPECT_EQ(on("2026-12-02").prompt.state, DeadlineState::kOk);
  EXPECT_EQ(on("2026-12-04").prompt.state, DeadlineState::kNear);
  EXPECT_EQ(on("2026-12-06").prompt.state, DeadlineState::kNear);
  EXPECT_EQ(on("2026-12-07").prompt.state, DeadlineState::kOverdue);
  EXPECT_EQ(on("2026-12-07").prompt.days_left, -1);
  EXPECT_EQ(on("2026-12-24").final_report.state, DeadlineState::kNear);
  EXPECT_EQ(on("2027-01-01").final_report.state, DeadlineState::kOverdue);
  a.prompt_sent_on = "2026-12-03";
  EXPECT_EQ(on("2026-12-20").prompt.state, DeadlineState::kDone);
}

TEST(PpcReport, DatesAcrossMonthsLeapYearsAndNonsense) {
  EXPECT_EQ(AddDays("2028-02-27", 5), "2028-03-03");
  EXPECT_EQ(AddDays("2027-02-27", 5), "2027-03-04");
  EXPECT_EQ(AddDays("2026-02-30", 1), "");
  EXPECT_EQ(AddDays("2026-1-01", 1), "");
  EXPECT_EQ(AddDays("x", 1), "");
  EXPECT_FALSE(ComputePpcDeadlines("2026-13-01", "2026-12-01", {}).has_value());
}

TEST(PpcReport, TheDraftHasTheNineItemsInOrder) {
  auto draft = PpcDraft({{"summary", "誤送付"}, {"persons", "12人"}});
  ASSERT_EQ(draft.size(), 9u);
  EXPECT_EQ(draft[0].label, "概要");
  EXPECT_EQ(draft[0].value, "誤送付");
  EXPECT_EQ(draft[2].value, "12人");
  EXPECT_EQ(draft[8].key, "other");
  EXPECT_EQ(draft[3].value, "");
}

TEST(PpcReport, AnswersRoundTripThroughJson) {
  PpcAnswers a;
  a.sensitive = true;
  a.persons = 101;
  a.final_sent_on = "2026-12-30";
  PpcAnswers b = PpcAnswersFromJson(PpcAnswersToJson(a));
  EXPECT_EQ(b.sensitive, a.sensitive);
  EXPECT_EQ(b.financial, std::nullopt);
  EXPECT_EQ(b.persons, a.persons);
  EXPECT_EQ(b.final_sent_on, a.final_sent_on);
  EXPECT_EQ(PpcAnswersFromJson("not json").persons, std::nullopt);
}

}  // namespace
}  // namespace central::incidents
