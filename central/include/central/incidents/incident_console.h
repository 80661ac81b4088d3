// IncidentConsole: the incident workflow's part of the web console — the case list, case
// pages with their timeline and next-step forms, the review queue, the staff report and
// 様式第3号 forms, the national-report panel, and the JSON API under
// /api/v1/console/incidents and /api/v1/console/reviews (docs/CONSOLE_API.md).
//
// The Console authenticates (session, CSRF, same origin) and writes the access record;
// it hands every path Handles() accepts to Handle() and wraps a page reply in its layout.
// Every step is authorised against the case's flow definition (the step's role, or one
// ranked above, for the case's sections). Thread-safe.
#ifndef CENTRAL_INCIDENTS_INCIDENT_CONSOLE_H_
#define CENTRAL_INCIDENTS_INCIDENT_CONSOLE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "central/console/console.h"
#include "central/console/console_store.h"
#include "central/incidents/flow.h"
#include "central/incidents/incident_store.h"
#include "central/incidents/notifier.h"

namespace central::incidents {

struct IncidentRequest {
  const console::WebRequest& req;
  bool api = false;
  std::string rest;  // path after /api/v1/console (API) or the page path
  const std::multimap<std::string, std::string>& params;  // query + form/JSON body
  const console::User& user;
  std::string csrf;
};

struct IncidentReply {
  console::WebResponse response;  // complete unless `page`
  bool page = false;              // wrap `title` + response.body (HTML) in the layout
  std::string title;
  std::string access_note;  // appended to the access record (the case id it touched)
};

// Counts for the dashboard tiles.
struct SectionCounts {
  int open_reviews = 0;
  int overdue_steps = 0;
};

class IncidentConsole {
 public:
  // `default_flow`: the flow id new cases use when the request names none.
  IncidentConsole(IncidentStore& store, console::ConsoleStore& console_store,
                  const FlowRegistry& flows, std::string default_flow, Notifier* notifier);
  ~IncidentConsole();

  static bool Handles(const std::string& rest, bool api);
  IncidentReply Handle(const IncidentRequest& request);

  // Opens reviews for new confirmed sends and mails their managers; re-mails whoever must
  // act on a step overdue for a day or more. Called by serve's timer.
  void Tick(Micros now);

  // Open reviews and overdue steps per section ("" : section unknown).
  std::map<std::string, SectionCounts> CountsBySection(Micros now);

  // The dashboard's tiles (open reviews, overdue steps) counted over the sections the
  // viewing user may see. The returned function refers to this object.
  console::DashboardTiles DashboardTiles();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace central::incidents

#endif  // CENTRAL_INCIDENTS_INCIDENT_CONSOLE_H_
