// Relay: what the agent does with each complete message from the mail client. It asks
// mailcheck for the verdict under the policy in force, then relays (allow/convert: the
// converted bytes, envelope unchanged), refuses with 550 5.7.1 and the reasons (block),
// or holds the session while the user decides (prompt: registered in the PromptRegistry
// for the control API and the confirmation page; send relays once, cancel or timeout
// refuses with 550 5.7.1; a client that disconnected first gets nothing sent). Every step is
// reported to the observers (audit log, desktop notifier, outbox to central) before the client
// hears the outcome. Thread-safe: one Relay serves all sessions.
#ifndef AGENT_RELAY_H_
#define AGENT_RELAY_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/confirm_header.h"
#include "agent/policy_store.h"
#include "agent/prompt_registry.h"
#include "agent/relay_observer.h"
#include "agent/smtp_session.h"
#include "agent/upstream_transport.h"
#include "mailcheck/policy.h"

namespace agent {

// After checking a mail of `checked_bytes` on a long-lived thread (an SMTP worker, a control
// API thread): from 1 MiB on, frees doccheck's per-thread scratch (~13 MB after a 4 MiB
// text block) and returns free malloc memory to the system (docs/PERFORMANCE.md, "A
// scanned attachment": 450 MB kept after the relay benchmark before this).
void ReleaseMemoryAfterCheck(std::size_t checked_bytes);

class Relay {
 public:
  // `prompts` may be null: prompts are then refused at once, as if the timeout had passed.
  Relay(const PolicyStore& policies, const UpstreamTransport& upstream,
        PromptRegistry* prompts = nullptr,
        std::chrono::milliseconds prompt_timeout = std::chrono::seconds(45));

  // Adds an observer (not owned; must outlive the Relay). Call before serving.
  void AddObserver(RelayObserver* observer) { observers_.push_back(observer); }

  // Honours the add-on's one-time X-Sendguard-Confirmed header (agent/confirm_header.h):
  // a valid one turns a `prompt` into a send without asking (reported as
  // kPromptConfirmed with prompt_id "addon:<id>"); any other is ignored (the prompt is
  // raised as usual) and given to `rejected` with the reason (Confirmations::CheckName).
  // The header is always removed before anything is relayed, with or without this.
  // `confirmations` is not owned. Call before serving.
  using RejectedConfirmation =
      std::function<void(std::string_view why, const SmtpEnvelope& envelope)>;
  void SetConfirmations(Confirmations* confirmations, RejectedConfirmation rejected) {
    confirmations_ = confirmations;
    rejected_ = std::move(rejected);
  }

  // Says whether the mail client that sent the message is still connected (it has not
  // closed or reset the connection). Called on the session's own thread.
  using ClientProbe = std::function<bool()>;

  // Decides and acts on one message; returns the client's end-of-data reply. With
  // `client_connected`, a prompt whose client disconnects while it waits, or before the
  // upstream transaction of an answered Send starts, ends as kPromptAbandoned and nothing
  // is sent: the client already reported a failure and will send the mail again, so
  // sending this copy would deliver it twice. Without it the client counts as connected.
  std::string Handle(const SmtpEnvelope& envelope, std::string&& message,
                     const ClientProbe& client_connected = nullptr);

  // The client's AUTH, checked against upstream at once (DESIGN.md decision 2).
  std::string Authenticate(const std::string& user, const std::string& password) const {
    return upstream_.Verify(user, password);
  }

 private:
  void Report(const RelayReport& report) const;

  const PolicyStore& policies_;
  const UpstreamTransport& upstream_;
  PromptRegistry* prompts_;
  std::chrono::milliseconds prompt_timeout_;
  std::vector<RelayObserver*> observers_;
  Confirmations* confirmations_ = nullptr;
  RejectedConfirmation rejected_;
};

}  // namespace agent

#endif  // AGENT_RELAY_H_
