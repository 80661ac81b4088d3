// PromptRegistry: messages waiting for the sender's decision (verdict "prompt"). The SMTP
// session that received the message waits in Wait() while the user answers through the
// control API or the confirmation page; no answer within the timeout counts as cancel,
// so nothing is ever sent without a decision. Thread-safe.
#ifndef AGENT_PROMPT_REGISTRY_H_
#define AGENT_PROMPT_REGISTRY_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mailcheck/decision.h"

namespace agent {

// A print job waiting for the printing user's decision (the print guard's "prompt"
// action, docs/PRINT_GUARD.md). Everything here came from the CUPS backend already
// masked (identifiers in the title and printer name, masked samples); the page masks
// free text once more and escapes everything.
struct PrintJobInfo {
  std::string job_id;
  std::string printer;
  std::string title;
  std::string content_type;
  std::string message;  // the guard's reason, Japanese first
  int copies = 1;
  int pages = 0;  // 0: unknown
  std::uint64_t bytes = 0;
  std::vector<std::pair<std::string, int>> findings;  // kind name → count
  std::vector<std::string> samples;                   // masked only
};

struct PromptInfo {
  std::string id;                       // random, unguessable
  std::string csrf;                     // token the confirmation page's buttons carry
  std::string subject;                  // decoded subject
  std::vector<std::string> recipients;  // envelope recipients
  std::vector<mailcheck::Reason> reasons;
  // For the confirmation page (filled by the Relay from the mailcheck::Decision; empty
  // when unknown). The reports hold unmasked values in Finding::normalized: only
  // Finding::masked may ever be shown.
  std::string sender;                                   // envelope sender (or From)
  std::vector<mailcheck::Recipient> recipient_details;  // internal/external, To/Cc/Bcc
  std::vector<doccheck::FileReport> attachments;        // one per attachment
  std::vector<doccheck::FileReport> body_parts;         // text/plain and text/html bodies
  // When an unanswered prompt counts as cancelled; the epoch when unknown.
  std::chrono::steady_clock::time_point deadline{};
  // Set for a print job (then subject, recipients and reports are empty).
  std::optional<PrintJobInfo> print;
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

  // What happened to a prompt that is no longer pending, for the confirmation page.
  struct Finished {
    PromptInfo info;                  // without reports, sender and recipient details
    Answer answer = Answer::kCancel;  // kPending: nobody answered in time
    std::string note_ja;              // what happened next, when known (e.g. not sent after all)
    std::chrono::system_clock::time_point at;
  };
  static constexpr std::size_t kRecentKept = 20;
  // The last prompts that were answered or timed out, newest first (at most kRecentKept).
  std::vector<Finished> Recent() const;
  // Adds to a finished prompt what happened next (e.g. "送信されませんでした（…）");
  // false when `id` is not among the recent ones.
  bool NoteOutcome(const std::string& id, std::string note_ja);

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
  std::deque<Finished> recent_;          // newest first
};

// `bytes` random bytes from the system's CSPRNG (libsodium), hex-encoded: prompt ids,
// CSRF and control tokens, event ids.
std::string RandomToken(std::size_t bytes = 32);

}  // namespace agent

#endif  // AGENT_PROMPT_REGISTRY_H_
