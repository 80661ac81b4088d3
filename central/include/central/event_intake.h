// Event intake: the checks docs/CENTRAL_API.md puts on POST /api/v1/events, separate from
// HTTP so they can be tested (and reused) on their own. Pure functions; thread-safe.
#ifndef CENTRAL_EVENT_INTAKE_H_
#define CENTRAL_EVENT_INTAKE_H_

#include <string>
#include <string_view>
#include <vector>

#include "central/store.h"

namespace central {

constexpr std::size_t kMaxEventsPerBatch = 1000;
constexpr std::size_t kMaxBatchBytes = 4u << 20;

// True when s holds 10 or more consecutive digits, ASCII or full-width (０-９): what an
// unmasked identifier looks like (DESIGN.md decision 6).
bool HasUnmaskedIdentifier(std::string_view s);

// One event of a batch that failed the checks: permanently bad, the agent drops it.
struct RejectedEvent {
  std::string id;  // "" when the event had no usable id
  std::string error;
};

// A request body, checked.
struct EventBatch {
  // 200, 400 (not JSON, no "events" array) or 413 (over kMaxEventsPerBatch).
  int status = 200;
  std::string error;                  // English, for status != 200
  std::string error_ja;               // 日本語
  std::vector<StoredEvent> accepted;  // ready to store; each json has "agent" set to the agent
  std::vector<RejectedEvent> rejected;
};

// Parses and checks a POST /api/v1/events body sent by the enrolled agent `agent`.
// Each accepted event's JSON keeps every field (unknown ones too) except that "agent" is
// replaced by the enrolled name.
EventBatch ParseEventBatch(std::string_view body, const std::string& agent, Micros received_at);

// The 200 reply body: {"stored": N, "duplicates": M, "rejected": [...]}.
std::string EventBatchReply(const InsertCounts& counts, const std::vector<RejectedEvent>& rejected);

// {"error": "...", "error_ja": "..."}
std::string ErrorJson(const std::string& english, const std::string& japanese);

}  // namespace central

#endif  // CENTRAL_EVENT_INTAKE_H_
