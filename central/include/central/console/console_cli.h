// The console's commands of sendguard-central (CONTRACTS.md §5a): section add/list,
// user add/list (the password read from stdin), and agent enroll with --section.
#ifndef CENTRAL_CONSOLE_CONSOLE_CLI_H_
#define CENTRAL_CONSOLE_CONSOLE_CLI_H_

namespace central::console {

// Runs the command when argv names one of the console's commands and sets *exit_code
// (0 ok, 1 user error, 2 usage); returns false, touching nothing, otherwise.
bool RunConsoleCommand(int argc, char** argv, int* exit_code);

// The usage lines of those commands.
extern const char kConsoleUsage[];

}  // namespace central::console

#endif  // CENTRAL_CONSOLE_CONSOLE_CLI_H_
