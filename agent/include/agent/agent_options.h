// AgentOptions: every setting of sendguard-agent (CONTRACTS.md §4), read from the command
// line and from a `--config FILE` through one parameter table — Postfix's pattern: each
// parameter has a name, a type, a default, bounds and a line of help, and the same table
// checks flags, checks the file, and prints the usage. Settings on the command line
// override the file's.
//
// Parsing checks what can be checked without touching the system (syntax, bounds,
// loopback-only listeners, plain HTTP only to a loopback central); Agent::Create checks
// the files. Pure functions; thread-safe.
#ifndef AGENT_AGENT_OPTIONS_H_
#define AGENT_AGENT_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/upstream_client.h"
#include "mailcheck/result.h"

namespace agent {

// A host and port as given ("127.0.0.1:2525", "[::1]:2525", "mail.example:587").
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string ToString() const;
};

struct AgentOptions {
  Endpoint listen;          // --listen: loopback only (required)
  UpstreamConfig upstream;  // --upstream, --upstream-tls, --upstream-ca, timeouts
  std::string upstream_tls_name = "none";
  std::string policy_path;           // --policy (required)
  std::string state_dir;             // --state-dir (required)
  Endpoint control{"127.0.0.1", 0};  // --control-listen: loopback only; 0 = any free port
  std::chrono::milliseconds prompt_timeout{45000};
  // --print-prompt-dir: where the print guard reaches this agent; "" = no print prompts.
  std::string print_prompt_dir;
  // The central service: --central, --central-ca, --agent-token-file, --policy-key (the
  // last two are required with --central and refused without it).
  std::string central_url;
  std::string central_ca;
  std::string token_file;
  std::string key_file;
  std::chrono::milliseconds policy_poll{300000};
  std::uint64_t outbox_max_bytes = std::uint64_t{50} << 20;
  std::string config_file;  // --config, "" when none
  bool check_config = false;
  bool help = false;
};

// Parses the arguments after argv[0]. Errors are one line naming the option (or
// FILE:LINE for a --config file) and what was expected.
mailcheck::Result<AgentOptions> ParseAgentOptions(const std::vector<std::string>& args);

// The usage text, made from the parameter table.
std::string AgentUsage();

// "host:port" or "[v6]:port" → host (without brackets) and port; false on bad syntax.
bool SplitHostPort(std::string_view text, std::string* host, std::uint16_t* port);

// True for a literal loopback address — 127.0.0.0/8, ::1, ::ffff:127.x.y.z — or the name
// "localhost". Resolves nothing: "127.evil.example" is not loopback.
bool IsLoopbackLiteral(std::string_view host);

// Checks a --central URL: http:// or https://, no user information, a host; plain http://
// only to a literal loopback address or localhost (events must not cross a network in
// clear: DESIGN.md decision 6). The error says what is wrong, Japanese first.
mailcheck::Status CheckCentralUrl(const std::string& url);

}  // namespace agent

#endif  // AGENT_AGENT_OPTIONS_H_
