// The national report (個人情報保護法 Art. 68, 施行規則 Art. 43/44): whether a leak must
// be reported to the Personal Information Protection Commission, the deadlines of the
// prompt report (速報, "速やかに": about 3–5 days — shown as 5 days after the day the town
// knew) and the final report (確報, 30 days; 60 when an improper purpose is involved), and
// the draft with the nine report items. Pure functions; thread-safe.
#ifndef CENTRAL_INCIDENTS_PPC_REPORT_H_
#define CENTRAL_INCIDENTS_PPC_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace central::incidents {

// The questions of 規則 Art. 43; nullopt while not yet answered.
struct PpcAnswers {
  std::optional<bool> sensitive;              // 要配慮個人情報が含まれる (Art. 43 (1))
  std::optional<bool> financial;              // 財産的被害が生じるおそれ (Art. 43 (2))
  std::optional<bool> improper;               // 不正の目的によるおそれ (Art. 43 (3))
  std::optional<std::int64_t> persons;        // 本人の数 (Art. 43 (4): more than 100)
  std::string prompt_sent_on, final_sent_on;  // "YYYY-MM-DD" when submitted, else ""
};

// The answers as a case stores them (JSON; unanswered questions are null).
PpcAnswers PpcAnswersFromJson(const std::string& json);
std::string PpcAnswersToJson(const PpcAnswers& a);

// true when any criterion holds; false when every one is answered and none holds;
// nullopt while an unanswered question could still make it reportable.
std::optional<bool> PpcReportable(const PpcAnswers& a);

inline constexpr int kPromptReportDays = 5;
inline constexpr int kFinalReportDays = 30;
inline constexpr int kFinalReportDaysImproper = 60;

enum class DeadlineState { kOk, kNear, kOverdue, kDone };

struct PpcDeadline {
  std::string due;    // "YYYY-MM-DD"
  int days_left = 0;  // due - today (negative when overdue)
  DeadlineState state = DeadlineState::kOk;
};

struct PpcDeadlines {
  PpcDeadline prompt;        // 速報
  PpcDeadline final_report;  // 確報
  int final_days = kFinalReportDays;
};

// Deadlines counted from `known_on` (the day the town knew, "YYYY-MM-DD") as seen on
// `today`. Near: 2 days or less left for 速報, 7 for 確報. nullopt for a malformed date.
std::optional<PpcDeadlines> ComputePpcDeadlines(const std::string& known_on,
                                                const std::string& today, const PpcAnswers& a);

// "YYYY-MM-DD" + days; "" for a malformed date.
std::string AddDays(const std::string& date, int days);

// The nine items of the report (様式: 概要, 項目, 本人の数, 原因, 二次被害, 本人対応, 公表,
// 再発防止, その他), keyed as flow fields tag them (FlowField::ppc), in order.
struct PpcItem {
  std::string key, label, value;
};
std::vector<PpcItem> PpcDraft(const std::map<std::string, std::string>& by_item);

}  // namespace central::incidents

#endif  // CENTRAL_INCIDENTS_PPC_REPORT_H_
