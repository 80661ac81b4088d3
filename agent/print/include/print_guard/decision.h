// The print guard's decision: the policy's "print" actions applied to a checked job. The
// strictest action wins (block > hold > prompt > allow) and every decision carries its
// reasons and the sentence the printing user and the 管理者 read (Japanese, then English).
// Pure; thread-safe.
#ifndef PRINT_GUARD_DECISION_H_
#define PRINT_GUARD_DECISION_H_

#include <string>
#include <vector>

#include "mailcheck/policy.h"
#include "print_guard/job.h"

namespace print_guard {

struct PrintDecision {
  mailcheck::PrintAction action = mailcheck::PrintAction::kAllow;
  std::vector<std::string> reasons;  // "my_number", "class1", "class2", "unscannable"
  std::string message;               // for the job's state message; never an identifier
};

PrintDecision Decide(const mailcheck::PrintActions& actions, const JobCheck& check);

// The state message for a decision already taken (e.g. a prompt nobody answered, turned
// into a hold): Japanese first, then English.
std::string DecisionMessage(mailcheck::PrintAction action, const std::vector<std::string>& reasons,
                            const std::string& extra_ja = "");

}  // namespace print_guard

#endif  // PRINT_GUARD_DECISION_H_
