// Agent: sendguard-agent's composition root. It builds every part from AgentOptions — the
// policy store, the upstream client, the relay and its observers (audit log, desktop
// notifier, event recorder), the SMTP listener, the control API, and with --central the
// outbox, its sender and the policy updater — starts and stops them in order, and reloads
// what may change while it runs (the policy file, the agent token file). main() is a thin
// shell over it, and tests can run a whole agent in-process.
//
// Thread-safety: Create, Start and Stop from one thread; Reload from any thread.
#ifndef AGENT_AGENT_H_
#define AGENT_AGENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "agent/agent_options.h"
#include "mailcheck/result.h"

namespace agent {

class Agent {
 public:
  // Checks everything that can be checked before binding: the policy file, the state
  // directory (created 0700), the CA files, and with --central the token and key files.
  // Errors are one line for people.
  static mailcheck::Result<std::unique_ptr<Agent>> Create(const AgentOptions& options,
                                                          std::string version);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Binds the SMTP and control listeners and starts every thread. A port already in use
  // is an error (nothing is started then).
  mailcheck::Status Start();

  // Stops accepting, lets sessions in flight finish, writes what is pending. Idempotent.
  void Stop();

  // Reads the policy file again (kept when invalid, or not newer than central's) and the
  // agent token file (a replaced token is used from the next request). `why` is logged.
  void Reload(std::string_view why);

  std::uint16_t smtp_port() const;
  std::uint16_t control_port() const;

  // What the agent says on start: where it listens, relays and reports. With
  // `with_page_link`, a one-time link to the confirmation page (for a terminal only: the
  // link opens a page session for whoever reads it).
  std::string StartupMessage(bool with_page_link) const;

 private:
  struct Parts;
  explicit Agent(std::unique_ptr<Parts> parts);
  void WatchFiles();
  void StartPrintPrompts();
  void ReloadPolicy(std::string_view why);
  void ReloadToken(std::string_view why);

  std::unique_ptr<Parts> parts_;
};

}  // namespace agent

#endif  // AGENT_AGENT_H_
