// Flow definitions: how a town's ordinance moves an incident from the first report to its
// close (DESIGN.md "Incidents, following the ordinances"), as data. Each definition is a
// JSON document (central/flows/*.json, built in; more, or replacements, from a directory
// given at start) naming the roles, and per path (漏えい等事案, 不正開示 …) the steps: the
// role that acts, who is notified, what must be recorded, whether it repeats, where it
// leads. A third town adds a file; nothing is rebuilt.
//
// Definitions are validated when loaded; errors are in Japanese and name the file and the
// step. A loaded FlowRegistry is immutable and safe to share between threads.
#ifndef CENTRAL_INCIDENTS_FLOW_H_
#define CENTRAL_INCIDENTS_FLOW_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "central/result.h"

namespace central::incidents {

// One thing a step records. Keys are those of the printable forms (incident_forms.h)
// wherever the meaning is the same, so a case fills a form by key.
struct FlowField {
  std::string key;
  std::string label;
  std::string type;  // text, textarea, date, choice, sections
  bool required = false;
  std::vector<std::string> choices;  // type choice
  // Required when another field (or "outcome") has this value.
  std::string required_if_key, required_if_value;
  std::string ppc;        // the national report item it feeds (summary, items, persons, ...)
  bool known_at = false;  // a date field: the day the town knew of the incident
};

struct FlowOutcome {
  std::string id, label, next;  // next: a step id or "closed"
};

struct FlowStep {
  std::string id, title, article;
  std::string role;                 // the role code that acts (or one ranked above)
  std::vector<std::string> notify;  // role codes mailed when the step is reached
  std::string form;                 // the printable form it fills (incident_forms.h id), or ""
  std::vector<FlowField> fields;
  bool repeatable = false;  // any number of times once `after` is done; does not move the case
  std::string after;
  int due_days = 0;  // days after the step is reached before it is overdue (0: no limit)
  std::vector<FlowOutcome> outcomes;  // empty: the next step in the list
};

struct FlowPath {
  std::string id, title, form;
  std::vector<FlowStep> steps;
  const FlowStep* Step(const std::string& id) const;
  // The step the case moves to after `step` (with `outcome` for a step that has outcomes);
  // "closed" after the last. Repeatable steps are skipped.
  std::string NextAfter(const FlowStep& step, const std::string& outcome) const;
  int IndexOf(const std::string& step_id) const;  // -1 when absent
};

inline constexpr char kClosed[] = "closed";

struct Flow {
  std::string id, town, rules;
  std::map<std::string, std::string> role_names;  // code -> the town's name for it
  std::vector<std::string> rank;                  // lowest first
  std::set<std::string> all_sections_roles;       // act for every section
  std::string unknown_section_role;               // acts when the section is unknown (Art. 15-2)
  std::vector<FlowPath> paths;

  const FlowPath* Path(const std::string& id) const;
  std::string RoleName(const std::string& code) const;
  int Rank(const std::string& code) const;  // -1 for a role outside the flow
};

// Parses and validates one definition. `origin` (a file name) prefixes every error.
Result<Flow> ParseFlow(const std::string& json, const std::string& origin);

class FlowRegistry {
 public:
  // The built-in definitions, then every *.json in `dir` (when not empty) — a file with a
  // built-in id replaces it. Fails on the first invalid definition.
  static Result<FlowRegistry> Load(const std::string& dir);
  const Flow* Find(const std::string& id) const;
  const std::vector<Flow>& All() const { return flows_; }

 private:
  std::vector<Flow> flows_;
};

// The built-in definitions' JSON texts (central/flows/*.json, embedded at build time).
const std::vector<std::pair<std::string, std::string>>& BuiltInFlowTexts();

}  // namespace central::incidents

#endif  // CENTRAL_INCIDENTS_FLOW_H_
