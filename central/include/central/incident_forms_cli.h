// The forms' commands of sendguard-central: `form list` and `form render`, so that a form
// can be printed without the web console (docs/INCIDENT_FORMS.md).
#ifndef CENTRAL_INCIDENT_FORMS_CLI_H_
#define CENTRAL_INCIDENT_FORMS_CLI_H_

namespace central {

// Runs the command when argv names a form command and sets *exit_code (0 ok, 1 user
// error, 2 usage); returns false, touching nothing, otherwise.
bool RunFormCommand(int argc, char** argv, int* exit_code);

// The usage lines of those commands.
extern const char kFormUsage[];

}  // namespace central

#endif  // CENTRAL_INCIDENT_FORMS_CLI_H_
