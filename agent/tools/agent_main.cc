// sendguard-agent: the local SMTP proxy between the mail client and the organisation's
// mail server (CONTRACTS.md §4). A thin main over the agent library.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/audit_log.h"
#include "agent/central_client.h"
#include "agent/control_api.h"
#include "agent/desktop_notifier.h"
#include "agent/event_builder.h"
#include "agent/event_sender.h"
#include "agent/outbox.h"
#include "agent/policy_updater.h"
#include "agent/prompt_registry.h"
#include "agent/relay.h"
#include "agent/smtp_server.h"
#include "agent/upstream_client.h"
#include "doccheck/checker.h"
#include "mailcheck/policy.h"

namespace {

constexpr char kUsage[] =
    "usage: sendguard-agent --listen 127.0.0.1:PORT --upstream HOST:PORT\n"
    "                       [--upstream-tls none|starttls|tls] [--upstream-ca FILE]\n"
    "                       --policy FILE --state-dir DIR [--prompt-timeout SECONDS]\n"
    "                       [--control-listen 127.0.0.1:PORT] [--upstream-timeout SECONDS]\n"
    "                       [--central URL --agent-token-file FILE --policy-key FILE]\n"
    "                       [--central-ca FILE]\n"
    "                       [--policy-poll SECONDS] [--outbox-max-mib MIB]\n"
    "                       [--config FILE] [--check-config]\n"
    "FILE holds the same settings, one per line, without the dashes:\n"
    "  upstream = mail.city.honjo.lg.jp:587\n"
    "Options given on the command line override the file.\n";

// The settings a config file may hold: every option that takes a value.
constexpr const char* kSettings[] = {
    "listen",     "upstream",         "upstream-tls",     "upstream-ca",    "policy",
    "state-dir",  "prompt-timeout",   "upstream-timeout", "control-listen", "central",
    "central-ca", "agent-token-file", "policy-key",       "policy-poll",    "outbox-max-mib"};

std::string Trim(std::string s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && space(s[start])) ++start;
  return s.substr(start);
}

// Reads `name = value` lines (blank lines and # comments ignored) into the equivalent
// command-line arguments. On failure returns false with the error naming file and line.
bool ReadConfigFile(const std::string& path, std::vector<std::string>* args, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "--config: cannot read " + path;
    return false;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::size_t eq = line.find('=');
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (eq == std::string::npos) {
      *error = where + "expected 'setting = value', got '" + line + "'";
      return false;
    }
    const std::string name = Trim(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (std::find(std::begin(kSettings), std::end(kSettings), name) == std::end(kSettings)) {
      *error = where + "unknown setting '" + name + "'";
      return false;
    }
    args->push_back("--" + name);
    args->push_back(value);
  }
  return true;
}

bool SplitHostPort(const std::string& s, std::string* host, std::uint16_t* port) {
  const std::size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string p = s.substr(colon + 1);
  char* end = nullptr;
  const long v = std::strtol(p.c_str(), &end, 10);
  if (p.empty() || *end || v < 0 || v > 65535) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  *port = static_cast<std::uint16_t>(v);
  return true;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "sendguard-agent: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen, upstream, tls = "none", ca, policy_path, state_dir;
  std::string control_listen = "127.0.0.1:0", prompt_timeout = "45", upstream_timeout = "60";
  std::string central_url, central_ca, token_file, key_file, policy_poll = "300", outbox_max = "50";
  bool check_config = false;
  // A --config file's settings come first, so the command line overrides them.
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--config") continue;
    if (i + 1 >= args.size()) return Fail("--config needs a value");
    std::vector<std::string> from_file;
    std::string error;
    if (!ReadConfigFile(args[i + 1], &from_file, &error)) return Fail(error);
    args.insert(args.begin(), from_file.begin(), from_file.end());
    break;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    std::string ignored;
    bool ok = true;
    if (a == "--listen")
      ok = value(&listen);
    else if (a == "--upstream")
      ok = value(&upstream);
    else if (a == "--upstream-tls")
      ok = value(&tls);
    else if (a == "--upstream-ca")
      ok = value(&ca);
    else if (a == "--policy")
      ok = value(&policy_path);
    else if (a == "--state-dir")
      ok = value(&state_dir);
    else if (a == "--prompt-timeout")
      ok = value(&prompt_timeout);
    else if (a == "--upstream-timeout")
      ok = value(&upstream_timeout);
    else if (a == "--control-listen")
      ok = value(&control_listen);
    else if (a == "--central")
      ok = value(&central_url);
    else if (a == "--central-ca")
      ok = value(&central_ca);
    else if (a == "--agent-token-file")
      ok = value(&token_file);
    else if (a == "--policy-key")
      ok = value(&key_file);
    else if (a == "--policy-poll")
      ok = value(&policy_poll);
    else if (a == "--outbox-max-mib")
      ok = value(&outbox_max);
    else if (a == "--config")
      ok = value(&ignored);  // read above
    else if (a == "--check-config")
      check_config = true;
    else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      return Fail("unknown option " + a + "\n" + kUsage);
    }
    if (!ok) return Fail(a + " needs a value");
  }

  agent::ServerConfig server;
  if (!SplitHostPort(listen, &server.host, &server.port))
    return Fail("--listen: expected 127.0.0.1:PORT, got '" + listen + "'");
  if (!IsLoopback(server.host))
    return Fail("--listen: only loopback addresses are allowed, got " + server.host);
  agent::UpstreamConfig up;
  if (!SplitHostPort(upstream, &up.host, &up.port) || up.port == 0)
    return Fail("--upstream: expected HOST:PORT, got '" + upstream + "'");
  if (!agent::ParseTls(tls, &up.tls))
    return Fail("--upstream-tls: expected none, starttls or tls, got '" + tls + "'");
  if (!ca.empty() && !std::filesystem::exists(ca)) return Fail("--upstream-ca: no such file " + ca);
  up.ca_file = ca;
  if (policy_path.empty()) return Fail("--policy FILE is required");
  auto policy = mailcheck::LoadPolicyFile(policy_path);
  if (!policy.ok()) return Fail("--policy " + policy_path + ": " + policy.error());
  if (state_dir.empty()) return Fail("--state-dir DIR is required");
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec || !std::filesystem::is_directory(state_dir))
    return Fail("--state-dir: cannot create " + state_dir);
  std::string control_host;
  std::uint16_t control_port = 0;
  if (!SplitHostPort(control_listen, &control_host, &control_port) || !IsLoopback(control_host)) {
    return Fail("--control-listen: expected a loopback 127.0.0.1:PORT, got '" + control_listen +
                "'");
  }
  char* end = nullptr;
  const double timeout = std::strtod(prompt_timeout.c_str(), &end);
  if (prompt_timeout.empty() || *end || timeout < 0 || timeout > 3600) {
    return Fail("--prompt-timeout: expected seconds between 0 and 3600, got '" + prompt_timeout +
                "'");
  }
  const long up_timeout = std::strtol(upstream_timeout.c_str(), &end, 10);
  if (upstream_timeout.empty() || *end || up_timeout < 1 || up_timeout > 90) {
    return Fail(
        "--upstream-timeout: expected seconds between 1 and 90 (the mail client waits 100), got '" +
        upstream_timeout + "'");
  }
  up.reply_timeout_seconds = static_cast<int>(up_timeout);
  up.connect_timeout_seconds = std::min(15, static_cast<int>(up_timeout));
  // The central service (CONTRACTS.md §4): all three or none.
  std::string agent_token, policy_key;
  if (!central_url.empty()) {
    if (central_url.rfind("http://", 0) != 0 && central_url.rfind("https://", 0) != 0)
      return Fail("--central: expected an http:// or https:// URL, got '" + central_url + "'");
    // Events and policy must not cross a network in clear (DESIGN.md decision 6).
    if (central_url.rfind("http://", 0) == 0) {
      std::string host = central_url.substr(7);
      host = host.substr(0, host.find('/'));
      std::uint16_t port = 0;
      std::string bare;
      if (!SplitHostPort(host, &bare, &port)) bare = host;
      if (!IsLoopback(bare))
        return Fail("--central: plain http:// only to a loopback address; use https:// for " +
                    bare);
    }
    if (!central_ca.empty() && ::access(central_ca.c_str(), R_OK) != 0)
      return Fail("--central-ca: cannot read " + central_ca);
    if (token_file.empty()) return Fail("--central needs --agent-token-file FILE");
    if (key_file.empty()) return Fail("--central needs --policy-key FILE");
    auto token = agent::CentralClient::LoadToken(token_file);
    if (!token.ok()) return Fail("--agent-token-file " + token.error());
    agent_token = token.value();
    auto key = agent::PolicyUpdater::LoadPublicKey(key_file);
    if (!key.ok()) return Fail("--policy-key " + key.error());
    policy_key = key.value();
  } else if (!token_file.empty() || !key_file.empty()) {
    return Fail("--agent-token-file and --policy-key need --central URL");
  }
  const double poll_seconds = std::strtod(policy_poll.c_str(), &end);
  if (policy_poll.empty() || *end || poll_seconds < 0.1 || poll_seconds > 86400)
    return Fail("--policy-poll: expected seconds between 0.1 and 86400, got '" + policy_poll + "'");
  const long outbox_mib = std::strtol(outbox_max.c_str(), &end, 10);
  if (outbox_max.empty() || *end || outbox_mib < 1 || outbox_mib > 102400)
    return Fail("--outbox-max-mib: expected MiB between 1 and 102400, got '" + outbox_max + "'");
  if (check_config) {
    std::puts("configuration OK");
    return 0;
  }

  // SIGTERM/SIGINT: stop accepting, let sessions in flight finish, exit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  agent::PolicyStore policies(policy.value());
  // With --central: the durable outbox, its sender, and the policy updater. A saved
  // policy from central that verifies and is newer than --policy's is used from the start.
  const agent::EventContext context = agent::EventContext::FromSystem(SENDGUARD_VERSION);
  std::unique_ptr<agent::Outbox> outbox;
  std::unique_ptr<agent::CentralClient> central;
  std::unique_ptr<agent::EventSender> sender;
  std::unique_ptr<agent::PolicyUpdater> updater;
  std::unique_ptr<agent::EventRecorder> recorder;
  if (!central_url.empty()) {
    agent::OutboxOptions outbox_options;
    outbox_options.max_bytes = static_cast<std::uint64_t>(outbox_mib) << 20;
    auto opened = agent::Outbox::Open(state_dir + "/outbox", outbox_options);
    if (!opened.ok()) return Fail(opened.error());
    outbox = std::move(opened).value();
    central = std::make_unique<agent::CentralClient>(central_url, agent_token, central_ca);
    sender = std::make_unique<agent::EventSender>(*outbox, *central);
    updater = std::make_unique<agent::PolicyUpdater>(policies, policy_key, state_dir, context,
                                                     outbox.get(), central.get());
    updater->LoadSaved();
    recorder = std::make_unique<agent::EventRecorder>(*outbox, context, policies);
  }
  const doccheck::Checker checker;
  const agent::UpstreamClient client(up);
  agent::PromptRegistry prompts;
  agent::Relay relay(policies, checker, client, &prompts,
                     std::chrono::milliseconds(static_cast<long long>(timeout * 1000)));
  agent::AuditLog audit(state_dir + "/audit.jsonl");
  relay.AddObserver(&audit);
  if (recorder) relay.AddObserver(recorder.get());
  agent::ControlApi control(
      control_host, control_port, state_dir, prompts, policies, checker,
      agent::ControlStatus{
          up.host + ":" + std::to_string(up.port) + " (" + tls + ")",
          [&]() -> std::string {
            if (!central) return "off";
            return central->reachable() ? "ok" : "offline";
          },
          [&]() -> std::uint64_t { return outbox ? outbox->pending() + recorder->unwritten() : 0; },
          [&]() -> std::string { return outbox ? outbox->Warning() : ""; }});
  agent::SmtpServer smtp(server, relay);
  std::unique_ptr<agent::DesktopNotifier> notifier;  // needs the control port for its link
  try {
    control.Start();
    notifier = std::make_unique<agent::DesktopNotifier>(
        "http://127.0.0.1:" + std::to_string(control.port()) + "/confirm",
        static_cast<int>(timeout * 1000));
    relay.AddObserver(notifier.get());
    smtp.Start();
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  if (central) {
    sender->Start();
    updater->Start(
        std::chrono::milliseconds(static_cast<long long>(poll_seconds * 1000)),
        [&] { sender->Nudge(); }, [&] { return std::uint64_t{outbox->pending()}; });
    std::printf("sendguard-agent: reporting to central %s (%zu events pending)\n",
                central_url.c_str(), outbox->pending());
  }
  std::printf("sendguard-agent: listening on %s:%u, relaying to %s:%u (%s)\n", server.host.c_str(),
              smtp.port(), up.host.c_str(), up.port, tls.c_str());
  std::printf(
      "sendguard-agent: confirmation page (one-time link) %s, control API token in "
      "%s/control.token\n",
      control.NewPageLink().c_str(), state_dir.c_str());
  std::fflush(stdout);
  // The policy in force is reloaded on SIGHUP and when its file changes; a file that does
  // not validate is reported and the policy in force stays (DESIGN.md decision 7). The
  // same thread retries events the disk refused.
  std::mutex reload_mutex;
  auto reload = [&](const char* why) {
    std::lock_guard<std::mutex> lock(reload_mutex);
    auto next = mailcheck::LoadPolicyFile(policy_path);
    if (!next.ok()) {
      std::fprintf(stderr, "sendguard-agent: %s: keeping the policy in force: %s\n", why,
                   next.error().c_str());
      return;
    }
    if (central && next.value()->version() <= policies.Get()->version()) {
      std::fprintf(stderr,
                   "sendguard-agent: %s: %s has version %d, not newer than %d from central; "
                   "kept\n",
                   why, policy_path.c_str(), next.value()->version(), policies.Get()->version());
      return;
    }
    policies.Set(next.value());
    std::printf("sendguard-agent: %s: policy version %d in force\n", why, next.value()->version());
    std::fflush(stdout);
  };
  std::atomic<bool> stopping{false};
  std::thread watcher([&] {
    std::error_code ec;
    auto last = std::filesystem::last_write_time(policy_path, ec);
    while (!stopping) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      if (recorder) recorder->Flush();  // events the disk refused, if any
      const auto now = std::filesystem::last_write_time(policy_path, ec);
      if (!ec && now != last) {
        last = now;
        reload("policy file changed");
      }
    }
  });
  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) reload("SIGHUP");
  stopping = true;
  watcher.join();
  smtp.Stop();
  if (recorder) {
    recorder->Flush();
    if (const std::size_t lost = recorder->unwritten())
      std::fprintf(stderr, "sendguard-agent: ERROR: %zu events could not be written to disk\n",
                   lost);
  }
  if (updater) updater->Stop();
  if (sender) sender->Stop();
  control.Stop();
  return 0;
}
