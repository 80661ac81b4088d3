#include "agent/agent.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "agent/audit_log.h"
#include "agent/central_client.h"
#include "agent/confirm_header.h"
#include "agent/control_api.h"
#include "agent/desktop_notifier.h"
#include "agent/event_builder.h"
#include "agent/event_sender.h"
#include "agent/outbox.h"
#include "agent/policy_store.h"
#include "agent/policy_updater.h"
#include "agent/print_prompt_server.h"
#include "agent/prompt_registry.h"
#include "agent/relay.h"
#include "agent/smtp_server.h"
#include "agent/upstream_client.h"
#include "mailcheck/policy.h"

namespace agent {

namespace fs = std::filesystem;
using mailcheck::Result;
using mailcheck::Status;

// Everything the agent is made of, in the order it is built; destroyed in reverse.
struct Agent::Parts {
  AgentOptions options;
  std::string version;
  PolicyStore policies;
  // With --central only.
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<CentralClient> central;
  std::unique_ptr<EventSender> sender;
  std::unique_ptr<PolicyUpdater> updater;
  std::unique_ptr<EventRecorder> recorder;
  // Always.
  std::unique_ptr<UpstreamClient> upstream;
  PromptRegistry prompts;
  std::unique_ptr<Relay> relay;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<Confirmations> confirmations;
  std::unique_ptr<ControlApi> control;
  std::unique_ptr<SmtpServer> smtp;
  std::unique_ptr<DesktopNotifier> notifier;
  std::unique_ptr<PrintPromptServer> print_prompts;  // with --print-prompt-dir only
  // The watcher: policy and token file changes, events the disk refused.
  std::mutex reload_mutex;
  std::mutex watch_mutex;
  std::condition_variable watch_wake;
  bool stopping = false;
  std::thread watcher;
  bool started = false;
  bool stopped = false;

  Parts(AgentOptions o, std::string v, std::shared_ptr<const mailcheck::Policy> policy)
      : options(std::move(o)), version(std::move(v)), policies(std::move(policy)) {}
};

namespace {

// The state directory holds the control token, the audit log and the outbox: its owner's
// only (0700). A directory that exists already is tightened too.
Status PrepareStateDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    return Status::Error("--state-dir: cannot create " + dir +
                         (ec ? ": " + ec.message() : std::string()));
  if (::chmod(dir.c_str(), 0700) != 0)
    return Status::Error("--state-dir: cannot make " + dir + " private (0700)");
  return Status::Ok();
}

fs::file_time_type ModifiedAt(const std::string& path) {
  std::error_code ec;
  const fs::file_time_type t = fs::last_write_time(path, ec);
  return ec ? fs::file_time_type::min() : t;
}

}  // namespace

Agent::Agent(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Agent::~Agent() { Stop(); }

Result<std::unique_ptr<Agent>> Agent::Create(const AgentOptions& options, std::string version) {
  using R = Result<std::unique_ptr<Agent>>;
  const AgentOptions& o = options;
  if (!o.upstream.ca_file.empty() && ::access(o.upstream.ca_file.c_str(), R_OK) != 0)
    return R::Error("--upstream-ca: cannot read " + o.upstream.ca_file);
  auto policy = mailcheck::LoadPolicyFile(o.policy_path);
  if (!policy.ok()) return R::Error("--policy " + o.policy_path + ": " + policy.error());
  const Status dir = PrepareStateDir(o.state_dir);
  if (!dir.ok()) return R::Error(dir.message());
  std::string token, key;
  if (!o.central_url.empty()) {
    if (!o.central_ca.empty() && ::access(o.central_ca.c_str(), R_OK) != 0)
      return R::Error("--central-ca: cannot read " + o.central_ca);
    auto t = CentralClient::LoadToken(o.token_file);
    if (!t.ok()) return R::Error("--agent-token-file " + t.error());
    token = t.value();
    auto k = PolicyUpdater::LoadPublicKey(o.key_file);
    if (!k.ok()) return R::Error("--policy-key " + k.error());
    key = k.value();
  }

  auto parts = std::make_unique<Parts>(options, std::move(version), policy.value());
  Parts& p = *parts;
  const EventContext context = EventContext::FromSystem(p.version);
  if (!o.central_url.empty()) {
    OutboxOptions outbox_options;
    outbox_options.max_bytes = o.outbox_max_bytes;
    auto opened = Outbox::Open(o.state_dir + "/outbox", outbox_options);
    if (!opened.ok()) return R::Error(opened.error());
    p.outbox = std::move(opened).value();
    p.central = std::make_unique<CentralClient>(o.central_url, token, o.central_ca);
    p.sender = std::make_unique<EventSender>(*p.outbox, *p.central);
    // A saved policy from central that verifies and is newer than --policy's is used
    // from the start.
    p.updater = std::make_unique<PolicyUpdater>(p.policies, key, o.state_dir, context,
                                                p.outbox.get(), p.central.get());
    p.updater->LoadSaved();
    p.recorder = std::make_unique<EventRecorder>(*p.outbox, context, p.policies);
  }
  p.upstream = std::make_unique<UpstreamClient>(o.upstream);
  p.relay = std::make_unique<Relay>(p.policies, *p.upstream, &p.prompts, o.prompt_timeout);
  p.audit = std::make_unique<AuditLog>(o.state_dir + "/audit.jsonl");
  p.relay->AddObserver(p.audit.get());
  if (p.recorder) p.relay->AddObserver(p.recorder.get());
  // The Thunderbird add-on's one-time confirmations (docs/THUNDERBIRD_ADDON.md).
  auto confirmations = Confirmations::Open(o.state_dir + "/confirm.key");
  if (!confirmations.ok()) return R::Error(confirmations.error());
  p.confirmations = std::move(confirmations).value();
  AuditLog* audit = p.audit.get();
  p.relay->SetConfirmations(
      p.confirmations.get(), [audit](std::string_view why, const SmtpEnvelope& envelope) {
        // Fixed ASCII words only: nothing here needs JSON escaping.
        audit->Append("{\"time\":\"" + EventTimeNow() +
                      "\",\"outcome\":\"confirmation_rejected\",\"why\":\"" + std::string(why) +
                      "\",\"recipients\":" + std::to_string(envelope.rcpt_to.size()) + "}");
        std::fprintf(stderr,
                     "sendguard-agent: confirmation_rejected (%s): the add-on's confirmation "
                     "header was not honoured; asking as usual\n",
                     std::string(why).c_str());
        std::fflush(stderr);
      });
  CentralClient* central = p.central.get();
  Outbox* outbox = p.outbox.get();
  EventRecorder* recorder = p.recorder.get();
  p.control = std::make_unique<ControlApi>(
      o.control.host, o.control.port, o.state_dir, p.prompts, p.policies,
      ControlStatus{o.upstream.host + ":" + std::to_string(o.upstream.port) + " (" +
                        o.upstream_tls_name + ")",
                    [central]() -> std::string { return central ? central->StateName() : "off"; },
                    [outbox, recorder]() -> std::uint64_t {
                      return outbox ? outbox->pending() + recorder->unwritten() : 0;
                    },
                    [outbox]() -> std::string { return outbox ? outbox->Warning() : ""; }});
  p.control->SetConfirmations(p.confirmations.get());
  ServerConfig server;
  server.host = o.listen.host;
  server.port = o.listen.port;
  p.smtp = std::make_unique<SmtpServer>(server, *p.relay);
  return R(std::unique_ptr<Agent>(new Agent(std::move(parts))));
}

Status Agent::Start() {
  Parts& p = *parts_;
  try {
    p.control->Start();
    ControlApi* control = p.control.get();
    p.notifier =
        std::make_unique<DesktopNotifier>([control] { return control->NewPageLink(); },
                                          static_cast<int>(p.options.prompt_timeout.count()));
    p.relay->AddObserver(p.notifier.get());
    p.smtp->Start();
    if (!p.options.print_prompt_dir.empty()) StartPrintPrompts();
  } catch (const std::exception& e) {
    p.control->Stop();
    return Status::Error(e.what());
  }
  if (p.central) {
    p.sender->Start();
    p.updater->Start(
        p.options.policy_poll, [&p] { p.sender->Nudge(); },
        [&p] { return std::uint64_t{p.outbox->pending()}; });
  }
  p.started = true;
  p.watcher = std::thread([this] { WatchFiles(); });
  return Status::Ok();
}

void Agent::StartPrintPrompts() {
  Parts& p = *parts_;
  DesktopNotifier* notifier = p.notifier.get();
  // The backend waits up to its prompt_timeout; a prompt is never kept longer than an hour.
  p.print_prompts = std::make_unique<PrintPromptServer>(
      p.options.print_prompt_dir, p.prompts, std::chrono::seconds(3600),
      PrintPromptServer::Hooks{[notifier](const PromptInfo& prompt) {
                                 const auto left =
                                     std::chrono::duration_cast<std::chrono::milliseconds>(
                                         prompt.deadline - std::chrono::steady_clock::now());
                                 notifier->PrintPrompt(prompt, static_cast<int>(left.count()));
                               },
                               [notifier](const std::string& id) { notifier->Withdraw(id); }});
  const Status started = p.print_prompts->Start();
  if (!started.ok()) {
    // Mail is unaffected; the print guard holds jobs it cannot ask about.
    std::fprintf(stderr,
                 "sendguard-agent: 印刷の確認を受け付けません。確認が必要な印刷は保留されます "
                 "(print prompts are off; such jobs are held): %s\n",
                 started.message().c_str());
    std::fflush(stderr);
    p.print_prompts.reset();
  }
}

void Agent::WatchFiles() {
  Parts& p = *parts_;
  fs::file_time_type policy_time = ModifiedAt(p.options.policy_path);
  fs::file_time_type token_time =
      p.options.token_file.empty() ? fs::file_time_type::min() : ModifiedAt(p.options.token_file);
  std::unique_lock<std::mutex> lock(p.watch_mutex);
  while (!p.stopping) {
    p.watch_wake.wait_for(lock, std::chrono::milliseconds(500));
    if (p.stopping) break;
    lock.unlock();
    if (p.recorder) p.recorder->Flush();  // events the disk refused, if any
    p.audit->Flush();                     // relayed mail's lines held for a group write
    const fs::file_time_type now_policy = ModifiedAt(p.options.policy_path);
    const fs::file_time_type now_token =
        p.options.token_file.empty() ? token_time : ModifiedAt(p.options.token_file);
    if (now_policy != policy_time) {
      policy_time = now_policy;
      ReloadPolicy("policy file changed");
    }
    if (now_token != token_time) {
      token_time = now_token;
      ReloadToken("agent token file changed");
    }
    lock.lock();
  }
}

void Agent::Reload(std::string_view why) {
  ReloadPolicy(why);
  ReloadToken(why);
}

void Agent::ReloadPolicy(std::string_view why) {
  Parts& p = *parts_;
  std::lock_guard<std::mutex> lock(p.reload_mutex);
  const std::string reason(why);
  auto next = mailcheck::LoadPolicyFile(p.options.policy_path);
  if (!next.ok()) {
    std::fprintf(stderr, "sendguard-agent: %s: keeping the policy in force: %s\n", reason.c_str(),
                 next.error().c_str());
    std::fflush(stderr);
    return;
  }
  // With central, its signed policy outranks the local file unless the file is newer.
  const int in_force = p.policies.Get()->version();
  if (p.central && next.value()->version() <= in_force) {
    std::fprintf(stderr,
                 "sendguard-agent: %s: %s has version %d, not newer than %d from central; kept\n",
                 reason.c_str(), p.options.policy_path.c_str(), next.value()->version(), in_force);
    std::fflush(stderr);
    return;
  }
  p.policies.Set(next.value());
  std::printf("sendguard-agent: %s: policy version %d in force\n", reason.c_str(),
              next.value()->version());
  std::fflush(stdout);
}

void Agent::ReloadToken(std::string_view why) {
  Parts& p = *parts_;
  if (!p.central) return;
  std::lock_guard<std::mutex> lock(p.reload_mutex);
  auto token = CentralClient::LoadToken(p.options.token_file);
  if (!token.ok()) {
    std::fprintf(stderr, "sendguard-agent: %s: keeping the agent token in use: %s\n",
                 std::string(why).c_str(), token.error().c_str());
    std::fflush(stderr);
    return;
  }
  p.central->SetToken(token.value());
  p.sender->Nudge();  // events held back by a refused token go now
  std::printf("sendguard-agent: %s: agent token read from %s\n", std::string(why).c_str(),
              p.options.token_file.c_str());
  std::fflush(stdout);
}

void Agent::Stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  if (p.stopped) return;
  p.stopped = true;
  {
    std::lock_guard<std::mutex> lock(p.watch_mutex);
    p.stopping = true;
  }
  p.watch_wake.notify_all();
  if (p.watcher.joinable()) p.watcher.join();
  if (p.print_prompts) p.print_prompts->Stop();
  if (p.smtp) p.smtp->Stop();
  if (p.audit) p.audit->Flush();
  if (p.recorder) {
    p.recorder->Flush();
    if (const std::size_t lost = p.recorder->unwritten())
      std::fprintf(stderr, "sendguard-agent: ERROR: %zu events could not be written to disk\n",
                   lost);
  }
  if (p.started && p.updater) p.updater->Stop();
  if (p.started && p.sender) p.sender->Stop();
  if (p.control) p.control->Stop();
}

std::uint16_t Agent::smtp_port() const { return parts_->smtp->port(); }
std::uint16_t Agent::control_port() const { return parts_->control->port(); }

std::string Agent::StartupMessage(bool with_page_link) const {
  const Parts& p = *parts_;
  const AgentOptions& o = p.options;
  std::string out;
  if (p.central) {
    out += "sendguard-agent: reporting to central " + o.central_url + " (" +
           std::to_string(p.outbox->pending()) + " events pending)\n";
  }
  out += "sendguard-agent: listening on " + o.listen.host + ":" + std::to_string(smtp_port()) +
         ", relaying to " + o.upstream.host + ":" + std::to_string(o.upstream.port) + " (" +
         o.upstream_tls_name + ")\n";
  // The one-time link opens a page session: written only to a terminal, never to a log
  // or journal that others (the adm group) may read.
  const std::string page = "http://127.0.0.1:" + std::to_string(control_port()) + "/confirm";
  out += with_page_link
             ? "sendguard-agent: confirmation page (one-time link) " + p.control->NewPageLink()
             : "sendguard-agent: confirmation page " + page +
                   " (opens from the one-time link in each notification, or POST "
                   "/v1/page-link)";
  out += ", control API token in " + o.state_dir + "/control.token\n";
  if (p.print_prompts)
    out += "sendguard-agent: print prompts answered on " + p.print_prompts->path() + "\n";
  return out;
}

}  // namespace agent
