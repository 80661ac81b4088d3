// The 本庄市 BCC rule (CONTRACTS.md §3): at least `min_to_recipients` distinct To
// addresses with at least one external moves every To address to Bcc.
#include <algorithm>

#include "reason_text.h"
#include "rule.h"

namespace mailcheck {
namespace {

class BccConversionRuleImpl final : public Rule {
 public:
  std::string_view name() const override { return "bcc_conversion"; }

  RuleOutcome Evaluate(const Policy& policy, const MessageFacts& facts) const override {
    RuleOutcome outcome;
    const BccConversionSettings& settings = policy.bcc_conversion();
    if (!settings.enabled) return outcome;
    const std::vector<std::string>& to = facts.to_addresses;
    if (to.size() < static_cast<std::size_t>(settings.min_to_recipients)) return outcome;
    std::vector<std::string> external;
    for (const std::string& address : to) {
      if (!policy.domains().IsInternal(DomainOf(address))) external.push_back(address);
    }
    if (external.empty()) return outcome;

    BccConversion conversion;
    conversion.applied = true;
    conversion.moved = to;
    conversion.to_header = "undisclosed-recipients:;";
    if (settings.to_header == ToHeaderMode::kSender && !facts.sender.empty()) {
      conversion.to_header = facts.sender;
    }
    outcome.bcc_conversion = conversion;

    const std::string domains = JoinList(DistinctDomains(external));
    Reason reason;
    reason.code = "bcc_conversion";
    reason.verdict = Verdict::kConvert;
    reason.message = CountNoun(to.size(), "recipient", "recipients") + " in To, " +
                     std::to_string(external.size()) + " external (" + domains +
                     "): moved to Bcc so that recipients do not see each other's addresses";
    reason.message_ja = "To に " + std::to_string(to.size()) + " 件の宛先があり、うち " +
                        std::to_string(external.size()) + " 件が庁外 (" + domains +
                        ") のため、宛先が互いに見えないよう全員を Bcc に移しました。";
    outcome.reasons.push_back(std::move(reason));
    return outcome;
  }
};

}  // namespace

const Rule& BccConversionRule() {
  static const BccConversionRuleImpl kRule;
  return kRule;
}

}  // namespace mailcheck
