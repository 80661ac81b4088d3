// Events for central (docs/CENTRAL_API.md, "POST /api/v1/events"): what the agent tells
// the central incident service about each decision worth reporting, built from a
// RelayReport. Events carry kinds, counts, recipients and masked samples only — never
// document text or an unmasked identifier (DESIGN.md decision 6): every free-text value
// passes through MaskFreeText (doccheck's detectors, then MaskDigits) and every name or
// address through MaskDigits, so no string an event holds has more than four digits of
// one number visible (central rejects ten or more). The functions are pure and thread-safe;
// EventRecorder is the RelayObserver that writes each event to the durable Outbox before
// the client hears the outcome (DESIGN.md decision 8).
#ifndef AGENT_EVENT_BUILDER_H_
#define AGENT_EVENT_BUILDER_H_

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "agent/clock.h"
#include "agent/free_text_mask.h"
#include "agent/relay.h"
#include "agent/relay_observer.h"

namespace agent {

class Outbox;

// One event as it is queued and sent: `json` is the complete EVENT object.
struct Event {
  std::string id;    // random 128-bit hex
  std::string kind;  // "send_blocked", ...
  std::string json;
};

// Who and where: the same for every event of this agent process.
struct EventContext {
  std::string user;                     // desktop login name
  std::string host;                     // host name
  std::string agent_version;            // the project version
  const Clock* clock = &SystemClock();  // the events' "time"; not owned
  static EventContext FromSystem(std::string agent_version);
};

// A random 128-bit id as 32 lower-case hex characters (libsodium's CSPRNG).
std::string NewEventId();

// The current time as RFC 3339 UTC ("2026-11-29T14:00:00Z") by the system clock.
std::string EventTimeNow();

// True for the kinds an outbox may drop when full (send_allowed, print_allowed,
// policy_updated, agent_started); every other kind is a violation and is kept.
bool IsInformationalKind(std::string_view kind);

// The event for a relay report, or nullopt when there is nothing to report (a plain
// allow). `policies` gives the policy version and recipient classes when the report has
// no decision (kCheckFailed).
std::optional<Event> BuildRelayEvent(const RelayReport& report, const EventContext& context,
                                     const PolicyStore& policies);

// "policy_updated" (adopted `version`) or "policy_rejected" (`version` refused because of
// `reason`, English).
Event BuildPolicyEvent(std::string_view kind, int version, int version_in_force,
                       std::string_view reason, const EventContext& context);

// Writes each relay event to the outbox (fsync'd) before returning. When the disk
// refuses (full, read-only), the event is kept in memory — at most kMaxUnwritten,
// violations before informational ones — and written as soon as the disk takes it again:
// on the next event, or when Flush() is called (the agent calls it twice a second).
// Thread-safe.
class EventRecorder : public RelayObserver {
 public:
  static constexpr std::size_t kMaxUnwritten = 10000;

  EventRecorder(Outbox& outbox, EventContext context, const PolicyStore& policies)
      : outbox_(outbox), context_(std::move(context)), policies_(policies) {}
  void OnRelay(const RelayReport& report) override;

  // Retries writing events the disk refused. Cheap when there are none.
  void Flush();
  // Events held in memory because the disk refused them.
  std::size_t unwritten() const;

 private:
  void Record(std::optional<Event> event);

  Outbox& outbox_;
  const EventContext context_;
  const PolicyStore& policies_;
  mutable std::mutex mutex_;
  std::deque<Event> unwritten_;
  bool failing_ = false;  // the last write failed (the error is said once per streak)
};

}  // namespace agent

#endif  // AGENT_EVENT_BUILDER_H_
