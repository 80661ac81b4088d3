#include "incident_json.h"

#include <Poco/JSON/Array.h>

#include "central/incidents/ppc_report.h"

namespace central::incidents {

Poco::JSON::Object CaseSummaryJson(const Case& c) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", c.id);
  o.set("state", c.state);
  o.set("section", c.sections.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(c.sections[0]));
  Poco::JSON::Array sections;
  for (const auto& s : c.sections) sections.add(s);
  o.set("sections", sections);
  o.set("opened_at", FormatTime(c.opened_at));
  o.set("source", c.source);
  o.set("form", c.form);
  o.set("flow", c.flow);
  o.set("path", c.path);
  o.set("known_on", c.known_on);
  auto reportable = PpcReportable(PpcAnswersFromJson(c.ppc_json));
  o.set("ppc_reportable", reportable ? Poco::Dynamic::Var(*reportable) : Poco::Dynamic::Var());
  Poco::JSON::Array events;
  for (const auto& e : c.events) events.add(e);
  o.set("events", events);
  return o;
}

Poco::JSON::Array TimelineJson(const std::vector<TimelineEntry>& timeline) {
  Poco::JSON::Array tl;
  for (const auto& e : timeline) {
    Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
    x.set("seq", e.seq);
    x.set("at", FormatTime(e.at));
    x.set("login", e.login);
    x.set("user_name", e.user_name);
    x.set("kind", e.kind);
    x.set("step", e.step);
    x.set("outcome", e.outcome);
    Poco::JSON::Object fields(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, v] : e.fields) fields.set(k, v);
    x.set("fields", fields);
    tl.add(x);
  }
  return tl;
}

}  // namespace central::incidents
