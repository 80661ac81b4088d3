// Policy: the compiled, immutable form of a policy file (CONTRACTS.md §3).
//
// A Policy is built once (ParsePolicy / LoadPolicyFile / DefaultPolicy), validated, and
// then shared read-only as std::shared_ptr<const Policy>; the agent swaps in a new one
// atomically when central publishes a newer version. All accessors are const and
// thread-safe.
#ifndef MAILCHECK_POLICY_H_
#define MAILCHECK_POLICY_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doccheck/options.h"
#include "mailcheck/domain_matcher.h"
#include "mailcheck/result.h"
#include "mailcheck/verdict.h"

namespace mailcheck {

// What replaces `To` after BCC conversion.
enum class ToHeaderMode {
  kUndisclosed,  // "To: undisclosed-recipients:;"
  kSender,       // "To: <the sender's own address>"
};

// "bcc_conversion": the 本庄市 rule.
struct BccConversionSettings {
  bool enabled = true;
  int min_to_recipients = 2;  // distinct To addresses (groups expanded) that trigger it
  ToHeaderMode to_header = ToHeaderMode::kUndisclosed;
};

// "attachments.external" / "attachments.internal": the action for a recipient scope.
// Each is kAllow, kPrompt or kBlock (never kConvert).
struct AttachmentActions {
  Verdict my_number = Verdict::kAllow;    // a My Number in any attachment or body
  Verdict class1 = Verdict::kAllow;       // highest class found is 1
  Verdict class2 = Verdict::kAllow;       // highest class found is 2
  Verdict unscannable = Verdict::kAllow;  // an attachment that could not be fully checked
};

// What the print guard does with a job (docs/PRINT_GUARD.md). Ordered from most to least
// permissive so that the strictest is the maximum.
enum class PrintAction {
  kAllow = 0,   // printed without asking
  kPrompt = 1,  // the printing user confirms on the agent's page; no answer → held
  kHold = 2,    // held in the queue until a 管理者 releases or cancels it
  kBlock = 3,   // refused (the job is cancelled)
};

// "allow", "prompt", "hold", "block" as written in the policy's "print" object.
std::string_view PrintActionName(PrintAction action);
std::optional<PrintAction> PrintActionFromName(std::string_view name);

// "print": the action for a printed document by what it holds. When the key is absent
// every document is printed without asking (all kAllow).
struct PrintActions {
  PrintAction my_number = PrintAction::kAllow;    // a My Number in the document
  PrintAction class1 = PrintAction::kAllow;       // highest class found is 1
  PrintAction class2 = PrintAction::kAllow;       // highest class found is 2
  PrintAction unscannable = PrintAction::kAllow;  // the job could not be fully checked
};

class Policy {
 public:
  int version() const { return version_; }
  const std::string& organization() const { return organization_; }
  const BccConversionSettings& bcc_conversion() const { return bcc_conversion_; }
  Verdict lookalike_domains() const { return lookalike_domains_; }
  const AttachmentActions& external_attachments() const { return external_; }
  const AttachmentActions& internal_attachments() const { return internal_; }
  const DomainMatcher& domains() const { return domains_; }
  // The print guard's actions ("print"; all allow when absent).
  const PrintActions& print() const { return print_; }
  // Limits and class rules for doccheck, from the same file's optional "doccheck" object.
  const doccheck::Options& doccheck_options() const { return doccheck_options_; }

 private:
  friend Result<std::shared_ptr<const Policy>> ParsePolicy(std::string_view json);
  Policy(DomainMatcher domains) : domains_(std::move(domains)) {}

  int version_ = 1;
  std::string organization_;
  BccConversionSettings bcc_conversion_;
  Verdict lookalike_domains_ = Verdict::kPrompt;
  AttachmentActions external_{Verdict::kBlock, Verdict::kPrompt, Verdict::kPrompt,
                              Verdict::kPrompt};
  AttachmentActions internal_{};
  PrintActions print_{};
  DomainMatcher domains_;
  doccheck::Options doccheck_options_;
};

// Compiles policy JSON. Keys not listed in CONTRACTS.md §3 are ignored; missing keys take
// the defaults shown there, except "internal_domains", which is required. On failure
// the error lists every problem, one per line, each naming the key:
//   "bcc_conversion.min_to_recipients: must be an integer ≥ 1"
Result<std::shared_ptr<const Policy>> ParsePolicy(std::string_view json);

// Reads and compiles a policy file; errors name the file.
Result<std::shared_ptr<const Policy>> LoadPolicyFile(const std::string& path);

// The policy shipped as mailcheck/default_policy.json, compiled into the library.
std::shared_ptr<const Policy> DefaultPolicy();

// The text of the shipped default policy (mailcheck/default_policy.json).
std::string_view DefaultPolicyJson();

}  // namespace mailcheck

#endif  // MAILCHECK_POLICY_H_
