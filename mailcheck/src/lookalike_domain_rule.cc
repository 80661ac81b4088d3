// Look-alike domains (CONTRACTS.md §3 a/b/c): an external recipient whose domain imitates
// an internal domain or another recipient's domain; action "lookalike_domains".
#include <algorithm>

#include "reason_text.h"
#include "rule.h"

namespace mailcheck {
namespace {

std::string WhyEn(const Lookalike& l) {
  switch (l.why) {
    case Lookalike::Why::kSkeleton:
      return "uses characters that look the same as " + l.resembles;
    case Lookalike::Why::kEditDistance:
      return "differs by only one or two characters from " + l.resembles;
    case Lookalike::Why::kInternalPrefix:
      return "starts with the internal domain " + l.resembles + " but belongs to someone else";
  }
  return "resembles " + l.resembles;
}

std::string WhyJa(const Lookalike& l) {
  switch (l.why) {
    case Lookalike::Why::kSkeleton:
      return l.resembles + " と見分けにくい文字を使っています";
    case Lookalike::Why::kEditDistance:
      return l.resembles + " と 1〜2 文字しか違いません";
    case Lookalike::Why::kInternalPrefix:
      return "庁内のドメイン " + l.resembles + " で始まりますが、別の組織のドメインです";
  }
  return l.resembles + " に似ています";
}

class LookalikeDomainRuleImpl final : public Rule {
 public:
  std::string_view name() const override { return "lookalike_domain"; }

  RuleOutcome Evaluate(const Policy& policy, const MessageFacts& facts) const override {
    RuleOutcome outcome;
    if (policy.lookalike_domains() == Verdict::kAllow) return outcome;
    std::vector<std::string> seen_domains;
    for (const RecipientFacts& r : facts.recipients) {
      if (!r.lookalike) continue;
      const std::string domain = DomainOf(r.recipient.address);
      if (std::find(seen_domains.begin(), seen_domains.end(), domain) != seen_domains.end()) {
        continue;
      }
      seen_domains.push_back(domain);
      std::vector<std::string> addresses;
      for (const RecipientFacts& other : facts.recipients) {
        if (DomainOf(other.recipient.address) == domain) {
          addresses.push_back(other.recipient.address);
        }
      }
      Reason reason;
      reason.code = "lookalike_domain";
      reason.verdict = policy.lookalike_domains();
      const std::string who = JoinList(addresses);
      reason.message = "Recipient " + who + ": the domain " + domain + " " + WhyEn(*r.lookalike) +
                       ". It is an outside address; check it is right.";
      reason.message_ja = "宛先 " + who + " のドメイン " + domain + " は" + WhyJa(*r.lookalike) +
                          "。庁外のアドレスです。宛先が正しいか確認してください。";
      outcome.reasons.push_back(std::move(reason));
    }
    return outcome;
  }
};

}  // namespace

const Rule& LookalikeDomainRule() {
  static const LookalikeDomainRuleImpl kRule;
  return kRule;
}

}  // namespace mailcheck
