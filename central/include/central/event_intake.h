// Event intake: the checks docs/CENTRAL_API.md puts on POST /api/v1/events, separate from
// HTTP so they can be tested (and reused) on their own. Pure functions; thread-safe.
#ifndef CENTRAL_EVENT_INTAKE_H_
#define CENTRAL_EVENT_INTAKE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "central/store.h"
#include "mailcheck/digit_runs.h"

namespace central {

constexpr std::size_t kMaxEventsPerBatch = 1000;
constexpr std::size_t kMaxBatchBytes = 4u << 20;

// What an unmasked identifier looks like (DESIGN.md decision 6): a digit run as
// mailcheck/digit_runs.h defines it, the rule the agent masks by — 10 or more decimal
// digits of any script, with at most 3 separators (spaces, hyphens, dashes, their
// full-width forms, invisibles) between two of them.
constexpr int kIdentifierDigits = mailcheck::kMinRunDigits;
// Counts in events (findings, *_total) are below this (9 digits at most).
constexpr std::int64_t kMaxCount = 999999999;

// mailcheck::IsDigitRunSeparator.
bool IsIdentifierSeparator(char32_t c);

// mailcheck::HasDigitRun: "373964017574", "3739 6401 7574", "3739-6401-7574",
// "３７３９－６４０１－７５７４", "٣٧٣٩٦٤٠١٧٥٧٤" are identifiers; "********7574",
// "2026-11-29", "03-1234-567" are not.
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
