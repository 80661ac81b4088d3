// Rule: one policy rule of mailcheck behind a small interface. Rules read the facts
// gathered from one message and say what they conclude; Decide runs every rule in the
// registry (rule_registry.cc) and the strictest verdict wins.
#ifndef MAILCHECK_RULE_H_
#define MAILCHECK_RULE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doccheck/report.h"
#include "mailcheck/decision.h"
#include "mailcheck/domain_matcher.h"
#include "mailcheck/policy.h"

namespace mailcheck {

// A body part or attachment and what doccheck found in it.
struct ScannedPart {
  std::string name;  // file name of the attachment, or "body.txt"/"body.html"
  bool is_body = false;
  const doccheck::FileReport* report = nullptr;  // never null; owned by the caller
};

// A recipient and, for an external domain that imitates another, what it imitates.
struct RecipientFacts {
  Recipient recipient;
  std::optional<Lookalike> lookalike;
};

// Everything the rules look at. Built by Decide; read-only for rules.
struct MessageFacts {
  std::vector<RecipientFacts> recipients;  // distinct addresses, header order, then envelope
  std::vector<std::string> to_addresses;   // distinct lower-case To addresses, groups expanded
  std::vector<ScannedPart> parts;          // message order
  std::string sender;                      // lower-case; may be empty
};

// What one rule concludes. An empty outcome means the rule has nothing to say (allow).
struct RuleOutcome {
  std::vector<Reason> reasons;  // each carries its own verdict
  std::optional<BccConversion> bcc_conversion;
};

class Rule {
 public:
  virtual ~Rule() = default;
  // Short stable name, for logs and tests ("bcc_conversion").
  virtual std::string_view name() const = 0;
  virtual RuleOutcome Evaluate(const Policy& policy, const MessageFacts& facts) const = 0;
};

// The rules, one per file.
const Rule& BccConversionRule();
const Rule& LookalikeDomainRule();
const Rule& AttachmentRule();

// The registry: every rule Decide runs, in the order their reasons are listed.
const std::vector<const Rule*>& AllRules();

}  // namespace mailcheck

#endif  // MAILCHECK_RULE_H_
