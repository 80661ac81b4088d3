// Where the sendguard-central command line finds its database and state directory when
// they are not on the command line: explicit --db, then the environment
// (SENDGUARD_CENTRAL_DB), then the configuration file (--config FILE, SENDGUARD_CENTRAL_CONFIG,
// or /etc/sendguard/central.conf, the service's environment file); --state-dir likewise
// (SENDGUARD_CENTRAL_STATE_DIR). See docs/CENTRAL_CLI.md.
#ifndef CENTRAL_CLI_CONFIG_H_
#define CENTRAL_CLI_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "central/result.h"

namespace central {

inline constexpr char kDefaultCentralConfig[] = "/etc/sendguard/central.conf";

// Reads an environment file as systemd's EnvironmentFile= does, strictly: KEY=VALUE lines
// (KEY letters, digits and '_', not starting with a digit), blank lines, '#' or ';'
// comments; a value may be in double quotes (\" and \\ escape) or single quotes. An
// unreadable file or a malformed line is an error naming the file and the line number.
Result<std::map<std::string, std::string>> ReadEnvFile(const std::string& path);

// Completes a command line (argv as strings) with --db and --state-dir from the
// environment and the configuration file, for the commands that take them, and removes
// --config FILE. Commands that take no --db are left alone. An error (no database anywhere,
// an unreadable or malformed configuration file) is a message for the user; the caller
// exits with the usage status.
Status CompleteCommandLine(std::vector<std::string>* args);

}  // namespace central

#endif  // CENTRAL_CLI_CONFIG_H_
