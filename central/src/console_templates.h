// The console's page templates (Mustache, rendered by libmstch, which HTML-escapes every
// {{value}}; only {{{content}}} of the layout, itself a rendered template, is unescaped)
// and its style sheet. Compiled in, so that central serves every asset itself.
#ifndef CENTRAL_SRC_CONSOLE_TEMPLATES_H_
#define CENTRAL_SRC_CONSOLE_TEMPLATES_H_

#include <string>

namespace central::console {

// The template named `name` ("layout", "login", "home", "events", "event", "agents",
// "agent_token", "policy", "policy_check", "policy_history", "access", "message");
// an empty string for an unknown name.
const std::string& PageTemplate(const std::string& name);

const std::string& StyleSheet();

}  // namespace central::console

#endif  // CENTRAL_SRC_CONSOLE_TEMPLATES_H_
