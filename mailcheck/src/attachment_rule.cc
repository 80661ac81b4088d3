// Attachment actions (CONTRACTS.md §3): what a body or attachment holds — a My Number,
// class 1 or 2 content, or content that could not be fully checked — against the
// actions of each recipient scope (external, internal) that receives it.
#include <array>

#include "reason_text.h"
#include "rule.h"

namespace mailcheck {
namespace {

using doccheck::FileReport;
using doccheck::Kind;

// Findings of `report` and all its children, by kind, with the first masked sample.
struct KindTally {
  std::array<int, doccheck::kKindCount> counts{};
  std::array<std::string, doccheck::kKindCount> sample;
};

void Tally(const FileReport& report, KindTally* tally) {
  for (const doccheck::Finding& f : report.findings) {
    const int k = static_cast<int>(f.kind);
    if (k < 0 || k >= doccheck::kKindCount) continue;
    if (tally->sample[k].empty()) tally->sample[k] = f.masked;
  }
  // Totals count every finding, also those past doccheck's max_findings.
  for (int k = 0; k < doccheck::kKindCount; ++k)
    tally->counts[k] += static_cast<int>(report.KindTotal(static_cast<Kind>(k)));
  for (const FileReport& child : report.children) Tally(child, tally);
}

void CollectErrors(const FileReport& report, std::vector<const doccheck::FileError*>* out) {
  for (const doccheck::FileError& e : report.errors) out->push_back(&e);
  for (const FileReport& child : report.children) CollectErrors(child, out);
}

// "氏名 12 件、住所 12 件" and "person's name ×12, address ×12" for the kinds found.
void KindSummary(const KindTally& tally, std::string* ja, std::string* en) {
  for (int k = 0; k < doccheck::kKindCount; ++k) {
    if (tally.counts[k] == 0) continue;
    if (!ja->empty()) *ja += "、";
    if (!en->empty()) *en += ", ";
    *ja += std::string(KindNameJa(static_cast<Kind>(k))) + " " + std::to_string(tally.counts[k]) +
           " 件";
    *en += std::string(KindNameEn(static_cast<Kind>(k))) + " ×" + std::to_string(tally.counts[k]);
  }
}

std::string_view ErrorJa(doccheck::ErrorCode code) {
  switch (code) {
    case doccheck::ErrorCode::kEncrypted:
      return "暗号化されている";
    case doccheck::ErrorCode::kCorrupt:
      return "壊れている";
    case doccheck::ErrorCode::kUnsupported:
      return "対応していない形式の";
    case doccheck::ErrorCode::kLimit:
      return "大きさや入れ子の上限を超えた";
    case doccheck::ErrorCode::kIo:
      return "読み取れない";
  }
  return "読み取れない";
}

// Who receives the part in one scope.
struct Scope {
  bool external;
  std::vector<std::string> addresses;
  const AttachmentActions* actions;
};

std::string ScopeJa(const Scope& scope) {
  return (scope.external ? "庁外の宛先 (" : "庁内の宛先 (") +
         JoinList(DistinctDomains(scope.addresses)) + ")";
}
std::string ScopeEn(const Scope& scope) {
  return (scope.external ? "outside recipients (" : "internal recipients (") +
         JoinList(DistinctDomains(scope.addresses)) + ")";
}

// "には送信できません。" / "に送ってよいか確認してください。" with the matching English.
void Consequence(Verdict verdict, const Scope& scope, std::string* ja, std::string* en) {
  if (verdict == Verdict::kBlock) {
    *ja += ScopeJa(scope) + " には送信できません。";
    *en += " It cannot be sent to " + ScopeEn(scope) + ".";
  } else {
    *ja += ScopeJa(scope) + " に送ってよいか確認してください。";
    *en += " Confirm that it may be sent to " + ScopeEn(scope) + ".";
  }
}

Reason MakeReason(std::string code, Verdict verdict, const ScannedPart& part,
                  const std::string& what_ja, const std::string& what_en, const Scope& scope) {
  Reason reason;
  reason.code = std::move(code);
  reason.verdict = verdict;
  const std::string subject_ja = part.is_body ? "本文" : "添付ファイル " + part.name + " ";
  const std::string subject_en = part.is_body ? "The message body" : "Attachment " + part.name;
  reason.message_ja = subject_ja + what_ja;
  reason.message = subject_en + what_en;
  Consequence(verdict, scope, &reason.message_ja, &reason.message);
  return reason;
}

void EvaluatePart(const ScannedPart& part, const Scope& scope, RuleOutcome* outcome) {
  const FileReport& report = *part.report;
  const AttachmentActions& actions = *scope.actions;
  KindTally tally;
  Tally(report, &tally);
  const int my_numbers = tally.counts[static_cast<int>(Kind::kMyNumber)];
  Verdict strongest = Verdict::kAllow;

  if (my_numbers > 0 && actions.my_number != Verdict::kAllow) {
    const std::string& sample = tally.sample[static_cast<int>(Kind::kMyNumber)];
    const std::string eg_ja = sample.empty() ? "" : " (例: " + sample + ")";
    const std::string eg_en = sample.empty() ? "" : " (e.g. " + sample + ")";
    outcome->reasons.push_back(MakeReason(
        "my_number", actions.my_number, part,
        std::string("に個人番号が ") + std::to_string(my_numbers) + " 件含まれています" + eg_ja +
            "。",
        " contains " + CountNoun(static_cast<std::size_t>(my_numbers), "My Number", "My Numbers") +
            eg_en + ".",
        scope));
    strongest = actions.my_number;
  }

  const Verdict class_action = report.klass == 1   ? actions.class1
                               : report.klass == 2 ? actions.class2
                                                   : Verdict::kAllow;
  // A class-1 reason adds nothing when the My Number reason already says as much.
  if (class_action != Verdict::kAllow && class_action > strongest) {
    std::string kinds_ja, kinds_en;
    KindSummary(tally, &kinds_ja, &kinds_en);
    const bool one = report.klass == 1;
    const std::string what_ja =
        std::string(one ? "は重要度分類 1 (個人情報・極秘) に当たります"
                        : "は重要度分類 2 (秘・公開しない情報) に当たります") +
        (kinds_ja.empty() ? "" : " (" + kinds_ja + ")") + "。";
    const std::string what_en = std::string(one ? " is class 1 (personal or top-secret information"
                                                : " is class 2 (not to be published") +
                                (kinds_en.empty() ? "" : ": " + kinds_en) + ").";
    outcome->reasons.push_back(
        MakeReason(one ? "class1" : "class2", class_action, part, what_ja, what_en, scope));
  }

  if (report.HasErrors() && actions.unscannable != Verdict::kAllow) {
    std::vector<const doccheck::FileError*> errors;
    CollectErrors(report, &errors);
    std::string why_ja = errors.empty() ? "読み取れない" : std::string(ErrorJa(errors[0]->code));
    std::string why_en;
    for (const doccheck::FileError* e : errors) {
      if (!why_en.empty()) why_en += "; ";
      why_en += std::string(doccheck::ErrorCodeName(e->code)) +
                (e->message.empty() ? "" : ": " + e->message);
    }
    outcome->reasons.push_back(MakeReason("unscannable", actions.unscannable, part,
                                          "は" + why_ja + "ため、中身を確認できませんでした。",
                                          " could not be fully checked (" + why_en + ").", scope));
  }
}

class AttachmentRuleImpl final : public Rule {
 public:
  std::string_view name() const override { return "attachments"; }

  RuleOutcome Evaluate(const Policy& policy, const MessageFacts& facts) const override {
    RuleOutcome outcome;
    Scope external{true, {}, &policy.external_attachments()};
    Scope internal{false, {}, &policy.internal_attachments()};
    for (const RecipientFacts& r : facts.recipients) {
      if (!r.recipient.in_envelope) continue;
      (r.recipient.external ? external : internal).addresses.push_back(r.recipient.address);
    }
    for (const Scope* scope : {&external, &internal}) {
      if (scope->addresses.empty()) continue;
      for (const ScannedPart& part : facts.parts) EvaluatePart(part, *scope, &outcome);
    }
    return outcome;
  }
};

}  // namespace

const Rule& AttachmentRule() {
  static const AttachmentRuleImpl kRule;
  return kRule;
}

}  // namespace mailcheck
