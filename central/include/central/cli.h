// The sendguard-central command line (CONTRACTS.md §5): serve, agent enroll, agents list,
// policy push, events list, report access. Exit status: 0 ok, 1 user error (bad data, a
// refused request, a database that cannot be opened), 2 usage (also: no database given
// anywhere, a malformed configuration file). --db and --state-dir may come from the
// environment or the configuration file (cli_config.h); what is printed: cli_output.h.
#ifndef CENTRAL_CLI_H_
#define CENTRAL_CLI_H_

namespace central {

int RunCli(int argc, char** argv);

}  // namespace central

#endif  // CENTRAL_CLI_H_
