// The incident pages' Mustache templates (rendered by libmstch, which HTML-escapes every
// {{value}}): "cases", "case", "reviews", "report". Compiled in.
#ifndef CENTRAL_SRC_INCIDENT_TEMPLATES_H_
#define CENTRAL_SRC_INCIDENT_TEMPLATES_H_

#include <string>

namespace central::incidents {

// "" for an unknown name.
const std::string& IncidentTemplate(const std::string& name);

}  // namespace central::incidents

#endif  // CENTRAL_SRC_INCIDENT_TEMPLATES_H_
