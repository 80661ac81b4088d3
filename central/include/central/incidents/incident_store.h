// IncidentStore: the cases, their timelines and the reviews (DESIGN.md "Incidents,
// following the ordinances"), on the same --db as the other stores (SQLite or
// PostgreSQL through the shared Poco::Data plumbing) with its own schema version table
// (incident_schema_version).
//
// A case is never deleted; its timeline is append-only (a correction is a new entry).
// The case row holds what the timeline implies (state, sections, national-report
// answers) so lists need no replay. Open the Store and ConsoleStore first: reviews read
// their tables. Thread-safe.
#ifndef CENTRAL_INCIDENTS_INCIDENT_STORE_H_
#define CENTRAL_INCIDENTS_INCIDENT_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "central/result.h"
#include "central/time_format.h"

namespace central::incidents {

struct Case {
  std::string id;                     // "2026-0001"
  std::string flow;                   // flow definition id
  std::string path;                   // the flow's path id (incident, disclosure, ...)
  std::string state;                  // the step to do next, or "closed"
  std::vector<std::string> sections;  // empty: unknown (routed to the 個人情報保護責任者)
  std::string source;                 // staff_report, review, manual
  std::string form;                   // the path's form, e.g. 様式第1号
  Micros opened_at = 0;
  std::string opened_by;            // login
  Micros state_since = 0;           // when the case reached its state
  std::string known_on;             // "YYYY-MM-DD": the day the town knew (from the first report)
  std::vector<std::string> events;  // linked event ids
  std::string ppc_json;             // the national-report answers as JSON ("{}" when none)
  Micros notified_at = 0;           // last mail about the current step (0: never)
};

struct TimelineEntry {
  std::int64_t seq = 0;
  std::string case_id;
  Micros at = 0;
  std::string login, user_name, user_section, roles;
  std::string kind;     // opened, step, correction, ppc, sections, note
  std::string step;     // the flow step (kind step/correction)
  std::string outcome;  // the chosen outcome of a step with outcomes
  std::map<std::string, std::string> fields;
  std::int64_t corrects = 0;  // kind correction: the entry it corrects
};

struct Review {
  std::string event_id;
  std::string section;  // the sending agent's section ("" when none)
  std::string agent, user;
  Micros event_time = 0;
  Micros opened_at = 0;
  std::string state;  // open, closed, incident
  std::string closed_by, reason, case_id;
  Micros closed_at = 0;
};

struct CaseChange {
  std::string new_state;  // "" keeps the state
  std::optional<std::vector<std::string>> sections;
  std::optional<std::string> known_on;
  std::optional<std::string> ppc_json;
};

// Whether an event (prompt_confirmed JSON) shows personal information sent outside: an
// external recipient and a personal finding (or a class-1 attachment).
bool NeedsReview(const std::string& event_json);

class IncidentStore {
 public:
  static Result<std::unique_ptr<IncidentStore>> Open(const std::string& db);
  virtual ~IncidentStore() = default;

  // Stores a new case with its first timeline entry. `c.id` holds the year ("2026"); the
  // case gets the next number of that year ("2026-0007"), which is returned.
  virtual Result<std::string> CreateCase(Case c, TimelineEntry first) = 0;
  virtual Result<std::optional<Case>> GetCase(const std::string& id) = 0;
  // Newest first; `state` "" for all, "open" for all but closed.
  virtual Result<std::vector<Case>> ListCases(const std::string& state) = 0;
  // Appends an entry and applies the change, in one transaction. When `expect_state` is
  // not empty and the case is no longer in it (someone else acted), nothing is written
  // and the result is false.
  virtual Result<bool> Append(const std::string& case_id, const std::string& expect_state,
                              TimelineEntry entry, const CaseChange& change) = 0;
  virtual Result<std::vector<TimelineEntry>> Timeline(const std::string& case_id) = 0;
  virtual Status MarkNotified(const std::string& case_id, Micros at) = 0;

  // Opens a review for each prompt_confirmed event that needs one and has none; an event
  // gets at most one, whatever instance or thread sweeps (unique key). Reads only the
  // events queued at intake since the last sweep (review_queue). Returns the reviews this
  // call opened (so exactly one caller sees each new review).
  virtual Result<std::vector<Review>> SweepReviews(Micros now) = 0;
  // state "" for all; oldest first.
  virtual Result<std::vector<Review>> ListReviews(const std::string& state) = 0;
  // Open reviews per section (the dashboard's tile), counted in the database.
  virtual Result<std::map<std::string, std::int64_t>> CountOpenReviews() = 0;
  virtual Result<std::optional<Review>> GetReview(const std::string& event_id) = 0;
  // Closes an open review (state closed or incident); false when it was not open.
  virtual Result<bool> CloseReview(const std::string& event_id, const std::string& state,
                                   const std::string& login, const std::string& reason,
                                   const std::string& case_id, Micros at) = 0;
};

}  // namespace central::incidents

#endif  // CENTRAL_INCIDENTS_INCIDENT_STORE_H_
