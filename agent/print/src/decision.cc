#include "print_guard/decision.h"

namespace print_guard {
namespace {

using mailcheck::PrintAction;

struct ReasonText {
  const char* code;
  const char* ja;
  const char* en;
};

constexpr ReasonText kReasons[] = {
    {"my_number", "マイナンバー（個人番号）", "a My Number"},
    {"class1", "重要度1（極秘・個人情報）の情報", "class 1 (personal) information"},
    {"class2", "重要度2（秘）の情報", "class 2 (confidential) information"},
    {"unscannable", "確認できない内容", "content that could not be checked"},
};

const ReasonText* Find(const std::string& code) {
  for (const ReasonText& r : kReasons) {
    if (code == r.code) return &r;
  }
  return nullptr;
}

}  // namespace

std::string DecisionMessage(PrintAction action, const std::vector<std::string>& reasons,
                            const std::string& extra_ja) {
  std::string ja, en;
  for (const std::string& code : reasons) {
    const ReasonText* r = Find(code);
    if (!r) continue;
    if (!ja.empty()) {
      ja += "・";
      en += ", ";
    }
    ja += r->ja;
    en += r->en;
  }
  if (ja.empty()) {
    ja = "個人情報";
    en = "personal information";
  }
  std::string out;
  switch (action) {
    case PrintAction::kAllow:
      return "";
    case PrintAction::kPrompt:
      out = "sendguard: 印刷の確認待ちです。文書に" + ja +
            "が含まれています。確認画面で印刷するか取り消すかを選んでください。";
      break;
    case PrintAction::kHold:
      out = "sendguard: 印刷を保留しました。文書に" + ja +
            "が含まれています。管理者が確認して解除するまで印刷されません。";
      break;
    case PrintAction::kBlock:
      out = "sendguard: 印刷を中止しました。文書に" + ja + "が含まれています。";
      break;
  }
  out += extra_ja;
  out += " (sendguard: ";
  out += action == PrintAction::kPrompt ? "waiting for the user's confirmation"
         : action == PrintAction::kHold ? "held until a manager releases it"
                                        : "refused";
  out += ": the document contains " + en + ")";
  return out;
}

PrintDecision Decide(const mailcheck::PrintActions& actions, const JobCheck& check) {
  PrintDecision d;
  auto apply = [&d](PrintAction action, const char* code) {
    d.reasons.push_back(code);
    if (action > d.action) d.action = action;
  };
  if (check.report.CountKind(doccheck::Kind::kMyNumber) > 0) apply(actions.my_number, "my_number");
  if (check.report.klass == 1) apply(actions.class1, "class1");
  if (check.report.klass == 2) apply(actions.class2, "class2");
  if (check.unscannable || check.report.HasErrors()) apply(actions.unscannable, "unscannable");
  d.message = DecisionMessage(d.action, d.reasons);
  return d;
}

}  // namespace print_guard
