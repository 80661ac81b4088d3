// PolicyStore: the policy in force together with the doccheck::Checker built from its
// "doccheck" section (limits, class rules), swapped as one unit when a new policy is
// adopted (DESIGN.md decision 7, STYLE.md 5). Everything that decides about a message
// takes one PolicyInForce and uses its policy and its checker together, so the agent and
// the mailcheck CLI decide the same message the same way under the same policy.
// Thread-safe.
#ifndef AGENT_POLICY_STORE_H_
#define AGENT_POLICY_STORE_H_

#include <memory>
#include <mutex>

#include "doccheck/checker.h"
#include "mailcheck/policy.h"

namespace agent {

// One compiled policy and its checker. Both are immutable and shared read-only.
struct PolicyInForce {
  std::shared_ptr<const mailcheck::Policy> policy;
  std::shared_ptr<const doccheck::Checker> checker;
};

class PolicyStore {
 public:
  explicit PolicyStore(std::shared_ptr<const mailcheck::Policy> policy) { Set(std::move(policy)); }

  // The policy in force (for its version, domains and settings).
  std::shared_ptr<const mailcheck::Policy> Get() const { return Current().policy; }

  // The policy in force and its checker, consistent with each other.
  PolicyInForce Current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
  }

  // Builds the checker for `policy` (outside the lock) and swaps both in.
  void Set(std::shared_ptr<const mailcheck::Policy> policy) {
    PolicyInForce next{policy,
                       std::make_shared<const doccheck::Checker>(policy->doccheck_options())};
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  PolicyInForce current_;
};

}  // namespace agent

#endif  // AGENT_POLICY_STORE_H_
