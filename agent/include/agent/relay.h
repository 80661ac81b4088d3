// Relay: what the agent does with each complete message from the mail client. It asks
// mailcheck for the verdict under the policy in force, then relays (allow/convert: the
// converted bytes, envelope unchanged), refuses with 550 5.7.1 and the reasons (block),
// or refuses pending confirmation (prompt; the confirmation page and control API are not
// built yet, so a prompt is answered as a declined confirmation: nothing is sent). Every
// decision is appended to the audit log. Thread-safe: one Relay serves all sessions.
#ifndef AGENT_RELAY_H_
#define AGENT_RELAY_H_

#include <memory>
#include <mutex>
#include <string>

#include "agent/smtp_session.h"
#include "agent/upstream_client.h"
#include "doccheck/checker.h"
#include "mailcheck/policy.h"

namespace agent {

// The policy in force, swapped atomically when a new one is loaded (DESIGN.md decision 7).
class PolicyStore {
 public:
  explicit PolicyStore(std::shared_ptr<const mailcheck::Policy> policy)
      : policy_(std::move(policy)) {}
  std::shared_ptr<const mailcheck::Policy> Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return policy_;
  }
  void Set(std::shared_ptr<const mailcheck::Policy> policy) {
    std::lock_guard<std::mutex> lock(mutex_);
    policy_ = std::move(policy);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const mailcheck::Policy> policy_;
};

class Relay {
 public:
  // `audit_path` may be empty (no audit log).
  Relay(const PolicyStore& policies, const doccheck::Checker& checker,
        const UpstreamClient& upstream, std::string audit_path);

  std::string Handle(const SmtpEnvelope& envelope, std::string&& message);

 private:
  void Audit(const std::string& line);

  const PolicyStore& policies_;
  const doccheck::Checker& checker_;
  const UpstreamClient& upstream_;
  std::string audit_path_;
  std::mutex audit_mutex_;
};

}  // namespace agent

#endif  // AGENT_RELAY_H_
