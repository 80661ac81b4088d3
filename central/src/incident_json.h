// A case as JSON: the fields of `incident list --json` (CONTRACTS.md §5a), which the
// console API's case objects extend. Internal to central_core.
#ifndef CENTRAL_SRC_INCIDENT_JSON_H_
#define CENTRAL_SRC_INCIDENT_JSON_H_

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <vector>

#include "central/incidents/incident_store.h"

namespace central::incidents {

// id, state, section (the first; null when unknown), sections, opened_at, source, form,
// flow, path, known_on, ppc_reportable (true/false/null), events — in that order.
Poco::JSON::Object CaseSummaryJson(const Case& c);

// A case's timeline, oldest first: seq, at, login, user_name, kind, step, outcome, fields.
Poco::JSON::Array TimelineJson(const std::vector<TimelineEntry>& timeline);

}  // namespace central::incidents

#endif  // CENTRAL_SRC_INCIDENT_JSON_H_
