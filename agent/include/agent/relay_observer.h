// RelayObserver: what a Relay tells the rest of the agent about each message — the
// audit log, the desktop notifier and the outbox to central each observe it. Observers
// are called synchronously on the session's thread, before the client gets its reply, so
// an observer that must be durable (the outbox, DESIGN.md decision 8) is durable before
// the decision it records is reported done. Observers must be thread-safe.
#ifndef AGENT_RELAY_OBSERVER_H_
#define AGENT_RELAY_OBSERVER_H_

#include <string>
#include <string_view>

#include "agent/smtp_session.h"
#include "mailcheck/decision.h"

namespace agent {

enum class RelayOutcome {
  kRelayed,          // allow/convert: handed to upstream; `reply` is upstream's final reply
  kBlocked,          // verdict block: 550 5.7.1, nothing sent
  kPromptRaised,     // verdict prompt: the session now waits for the user (no reply yet)
  kPromptConfirmed,  // the user chose Send; `reply` is upstream's final reply
  kPromptCancelled,  // the user chose Cancel, or the prompt timed out: 550 5.7.1
  kCheckFailed,      // the message could not be checked: 451, nothing sent
  kPromptAbandoned,  // the mail client disconnected while the prompt waited, or after the
                     // user chose Send but before the upstream transaction: nothing sent
                     // (the client reported a failure and may have sent it again)
};

// "relayed", "blocked", "prompt_raised", "prompt_confirmed", "prompt_cancelled",
// "check_failed", "prompt_abandoned".
std::string_view RelayOutcomeName(RelayOutcome outcome);

struct RelayReport {
  const SmtpEnvelope& envelope;
  const mailcheck::Decision* decision;  // null for kCheckFailed
  RelayOutcome outcome;
  std::string_view reply;      // the full reply given to the client; empty for kPromptRaised
  std::string_view prompt_id;  // for kPromptRaised/Confirmed/Cancelled/Abandoned; else empty
  bool timed_out = false;      // kPromptCancelled because nobody answered in time
};

class RelayObserver {
 public:
  virtual ~RelayObserver() = default;
  virtual void OnRelay(const RelayReport& report) = 0;
};

}  // namespace agent

#endif  // AGENT_RELAY_OBSERVER_H_
