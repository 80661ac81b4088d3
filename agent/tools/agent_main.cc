// sendguard-agent: the local SMTP proxy between the mail client and the organisation's
// mail server (CONTRACTS.md §4). A thin main over agent::Agent: parse the settings, build,
// start, wait for signals (SIGHUP reloads the policy and token files; SIGTERM/SIGINT stop).
// Exit status: 0 stopped cleanly, 2 a configuration error (bad setting, unreadable file,
// a port already in use).
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "agent/agent_options.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "sendguard-agent: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Buffers of 1 MiB and more (a scanned attachment's text, its sheet XML) come from mmap
  // and go back to the system when freed. glibc's default raises this threshold after the
  // first large free, and from then on keeps such buffers in the freeing thread's arena:
  // after scans on many SMTP workers the agent held ~300 MB it no longer used
  // (docs/PERFORMANCE.md, "A scanned attachment"). Set before any thread starts.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  auto options = agent::ParseAgentOptions(std::vector<std::string>(argv + 1, argv + argc));
  if (!options.ok()) return Fail(options.error());
  if (options.value().help) {
    std::fputs(agent::AgentUsage().c_str(), stdout);
    return 0;
  }
  // Signals are taken by sigwait below; every thread started from here inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto created = agent::Agent::Create(options.value(), SENDGUARD_VERSION);
  if (!created.ok()) return Fail(created.error());
  if (options.value().check_config) {
    std::puts("configuration OK");
    return 0;
  }
  agent::Agent& agent = *created.value();
  const auto started = agent.Start();
  if (!started.ok()) return Fail(started.message());
  std::fputs(agent.StartupMessage(::isatty(STDOUT_FILENO) == 1).c_str(), stdout);
  std::fflush(stdout);
  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) agent.Reload("SIGHUP");
  agent.Stop();
  return 0;
}
