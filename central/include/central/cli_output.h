// What the sendguard-central commands print on success: a sentence for people (Japanese
// first, English in brackets) when stdout is a terminal, the bare value scripts capture
// when it is not (the contract of CONTRACTS.md §5: `policy push` prints the version,
// `agent enroll` the token), and one JSON object with --json.
#ifndef CENTRAL_CLI_OUTPUT_H_
#define CENTRAL_CLI_OUTPUT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace central {

bool StdoutIsTerminal();

// policy push: {"version": N} with json; "N" piped; a sentence on a terminal.
void PrintPolicyVersion(std::int64_t version, bool json);

// agent enroll: {"name", "section", "token", "replaced"} with json; otherwise the token
// alone on stdout, and on a terminal a sentence on stderr (the token stays alone on stdout
// even then, so that `token=$(...)` captures it in either case).
void PrintAgentToken(const std::string& name, const std::string& section, const std::string& token,
                     bool replaced, bool json);

// section add: {"section": NAME} with json, else a sentence.
void PrintSectionAdded(const std::string& name, bool json);

// user add: {"login", "name", "section", "roles"} with json, else a sentence naming the
// roles in Japanese (role_names_ja).
void PrintUserAdded(const std::string& login, const std::string& name, const std::string& section,
                    const std::vector<std::string>& roles, const std::string& role_names_ja,
                    bool json);

}  // namespace central

#endif  // CENTRAL_CLI_OUTPUT_H_
