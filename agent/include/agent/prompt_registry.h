// PromptRegistry: messages waiting for the sender's decision (verdict "prompt"). The SMTP
// session that received the message waits in Wait() while the user answers through the
// control API or the confirmation page; no answer within the timeout counts as cancel,
// so nothing is ever sent without a decision. Thread-safe.
#ifndef AGENT_PROMPT_REGISTRY_H_
#define AGENT_PROMPT_REGISTRY_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mailcheck/decision.h"

namespace agent {

struct PromptInfo {
  std::string id;                       // random, unguessable
  std::string csrf;                     // token the confirmation page's buttons carry
  std::string subject;                  // decoded subject
  std::vector<std::string> recipients;  // envelope recipients
  std::vector<mailcheck::Reason> reasons;
};

class PromptRegistry {
 public:
  // kAbandoned: the mail client that sent the message disconnected before it could be
  // sent, so nothing was (and nothing may be) sent whatever the user answers.
  enum class Answer { kPending, kSend, kCancel, kAbandoned };

  // Registers a prompt; fills in its id and csrf token and returns the id.
  std::string Add(PromptInfo info);
  // Waits for the answer to `id` (removes it afterwards). A timeout gives kPending, which
  // the caller treats as cancel; an unknown id gives kCancel. `client_connected`, when
  // given, is asked a few times a second (without the registry's lock held); once it
  // says false the prompt ends at once as kAbandoned, even if it was just answered.
  Answer Wait(const std::string& id, std::chrono::milliseconds timeout,
              const std::function<bool()>& client_connected = nullptr);
  // How a prompt that is no longer pending ended: kSend, kCancel, kPending (nobody
  // answered in time) or kAbandoned; nullopt for an id still pending or not known. The
  // last kRemembered prompts are remembered, so the confirmation page can tell a user who
  // answers late what became of the mail.
  std::optional<Answer> Outcome(const std::string& id) const;
  // Records that `id`, answered kSend, was not sent after all because its mail client
  // had gone before the upstream transaction started.
  void MarkAbandoned(const std::string& id);
  static constexpr std::size_t kRemembered = 256;
  // Records the user's answer; false when `id` is unknown or already answered.
  bool Decide(const std::string& id, Answer answer);
  // The prompts still waiting, oldest first.
  std::vector<PromptInfo> Pending() const;
  // The csrf token of a pending prompt, or "".
  std::string CsrfOf(const std::string& id) const;

 private:
  struct Entry {
    PromptInfo info;
    Answer answer = Answer::kPending;
    std::chrono::steady_clock::time_point added;
  };
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, Answer> ended_;  // outcomes of the last kRemembered prompts
  std::deque<std::string> ended_order_;  // their ids, oldest first
};

// `bytes` random bytes from the system's CSPRNG (libsodium), hex-encoded: prompt ids,
// CSRF and control tokens, event ids.
std::string RandomToken(std::size_t bytes = 32);

}  // namespace agent

#endif  // AGENT_PROMPT_REGISTRY_H_
