// Event intake: the checks docs/CENTRAL_API.md puts on POST /api/v1/events, separate from
// HTTP so they can be tested (and reused) on their own. Pure functions; thread-safe.
#ifndef CENTRAL_EVENT_INTAKE_H_
#define CENTRAL_EVENT_INTAKE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "central/store.h"

namespace central {

constexpr std::size_t kMaxEventsPerBatch = 1000;
constexpr std::size_t kMaxBatchBytes = 4u << 20;

// What an unmasked identifier looks like (DESIGN.md decision 6): 10 or more decimal digits
// in a row, of any script (Unicode Nd: ASCII, full-width ０-９, Arabic-Indic, Devanagari…),
// where up to kMaxIdentifierSeparators separators may stand between two digits.
constexpr int kIdentifierDigits = 10;
constexpr int kMaxIdentifierSeparators = 3;
// Counts in events (findings, *_total) are below this (9 digits at most).
constexpr std::int64_t kMaxCount = 999999999;

// A separator inside a written number: spaces (Unicode Zs: U+0020, U+00A0, U+3000 …, and
// tab), dashes and hyphens (Pd: '-', U+2010–U+2015, U+FE58, U+FE63, U+FF0D …), U+2212
// MINUS SIGN, U+30FC and U+FF70 (the long-vowel marks typed for a hyphen in Japanese), and
// invisible format characters (Cf: soft hyphen, zero-width space and joiners, BOM).
bool IsIdentifierSeparator(char32_t c);

// True when the UTF-8 text s holds an unmasked identifier as defined above:
// "373964017574", "3739 6401 7574", "3739-6401-7574", "３７３９－６４０１－７５７４",
// "٣٧٣٩٦٤٠١٧٥٧٤" are; "********7574", "2026-11-29", "03-1234-567" are not.
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
