// The `sendguard` backend program. Design (docs/PRINT_GUARD.md):
//
//  1. CUPS runs it for a queue whose device URI is "sendguard:/<real URI>": as `lp` when
//     the file is world-executable (the default), as root when it is mode 0700 (needed
//     only to wrap a root-only backend such as usb).
//  2. It reads the job: the file in argv[6] (raw queues) or, when filters feed it on
//     stdin, a private copy of stdin; the document is checked from the original files
//     cupsd keeps in its RequestRoot when they are readable (text is checked from its
//     text, not from texttopdf output, whose fonts have no ToUnicode map).
//  3. The policy's "print" actions decide: allow → the real backend runs with
//     argv[0] = DEVICE_URI = the real URI and the job file as argv[6], and its exit status
//     is ours; hold → CUPS_BACKEND_HOLD (a 管理者 releases with `lp -i ID -H resume`; a
//     marker under spool_dir/held/ recognises the same job coming back and prints it);
//     block → CUPS_BACKEND_CANCEL. The reason goes to the job's state message through an
//     "WARNING:" line on stderr (cupsd clears a job's INFO-level message when the job leaves
//     the processing state, but keeps a WARNING one, so `lpstat -l` shows it). prompt →
//     the printing user's agent is asked (print_guard/agent_prompt.h) and the job prints
//     or is cancelled as the user says; no agent or no answer holds it (the safe outcome).
//  4. Events are written (fsync'd) to spool_dir/outbox/ before the backend ends, then sent
//     to central with the machine's agent token when one is configured; what central did
//     not take stays there and goes with the next job or `sendguard --flush-events`.
#include "print_guard/backend.h"

#include <cups/backend.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "agent/central_client.h"
#include "agent/event_sender.h"
#include "agent/outbox.h"
#include "agent/policy_store.h"
#include "agent/policy_updater.h"
#include "mailcheck/policy.h"
#include "print_guard/agent_prompt.h"
#include "print_guard/decision.h"
#include "print_guard/job.h"
#include "print_guard/print_event.h"

#ifndef SENDGUARD_VERSION
#define SENDGUARD_VERSION "0.0.0"
#endif

namespace print_guard {
namespace {

using mailcheck::PrintAction;
using mailcheck::Result;

volatile sig_atomic_t g_child = 0;

// SIGTERM (the job was cancelled): passed on to the real backend while it runs; before
// that — in particular while the printing user's answer is awaited — the backend ends at
// once, so a cancelled job is never printed by a late "print" (the agent sees the hang-up
// and ends the prompt).
void ForwardSignal(int sig) {
  if (g_child > 0) {
    kill(static_cast<pid_t>(g_child), sig);
  } else {
    _exit(CUPS_BACKEND_CANCEL);
  }
}

// One line on stderr for cupsd: "INFO: ...", "ERROR: ...", "DEBUG: ...".
void Tell(const char* level, const std::string& text) {
  std::string line = text;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "%s: %s\n", level, line.c_str());
  std::fflush(stderr);
}

std::string Trim(std::string s) {
  const auto not_space = [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  while (!s.empty() && !not_space(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && !not_space(s[i])) ++i;
  return s.substr(i);
}

std::string Env(const char* key, const std::string& fallback = "") {
  const char* v = std::getenv(key);
  return v && *v ? std::string(v) : fallback;
}

// The machine's link to central (the token of `agent enroll --name print-HOST`); null,
// said in the job's debug log, when central is not configured or the token is unreadable.
std::unique_ptr<agent::CentralClient> CentralFor(const GuardConfig& config) {
  if (config.central.empty()) return nullptr;
  Result<std::string> token = agent::CentralClient::LoadToken(config.token_file);
  if (!token.ok()) {
    Tell("DEBUG", "sendguard: events kept in the outbox: " + token.error());
    return nullptr;
  }
  return std::make_unique<agent::CentralClient>(config.central, token.value(), config.ca_file);
}

// Sends what the outbox holds to central (a few batches at most). Failures stay in the
// outbox for the next run.
void FlushEvents(agent::CentralClient* central, agent::Outbox* outbox) {
  if (!central || !outbox || outbox->pending() == 0) return;
  agent::EventSender sender(*outbox, *central);
  for (int i = 0; i < 10 && outbox->pending() > 0; ++i) {
    if (!sender.SendOnce()) {
      Tell("DEBUG", "sendguard: central did not take the events; they stay in the outbox");
      return;
    }
  }
}

// Central's signed policy for the print guard (DESIGN.md decision 7), as the agent takes
// it: verified with the pinned key (`policy_key`), kept in spool_dir/policy/ (policy.json
// and policy.json.sig) and used while it verifies and is newer than the `policy` file's.
// Each job (and --flush-events) asks central for a newer one after deciding, so the next
// job uses it.
struct SignedPolicy {
  std::unique_ptr<agent::PolicyStore> store;
  std::unique_ptr<agent::PolicyUpdater> updater;
};

// The policy in force; an error (the job is held) when the policy file or the key cannot
// be used.
Result<SignedPolicy> LoadPolicy(const GuardConfig& config, agent::Outbox* outbox,
                                agent::CentralClient* central) {
  using R = Result<SignedPolicy>;
  std::shared_ptr<const mailcheck::Policy> policy = mailcheck::DefaultPolicy();
  if (access(config.policy.c_str(), F_OK) == 0) {
    Result<std::shared_ptr<const mailcheck::Policy>> p = mailcheck::LoadPolicyFile(config.policy);
    if (!p.ok()) return R::Error(p.error());
    policy = p.value();
  }
  SignedPolicy out;
  out.store = std::make_unique<agent::PolicyStore>(policy);
  if (config.policy_key.empty()) return out;
  Result<std::string> key = agent::PolicyUpdater::LoadPublicKey(config.policy_key);
  if (!key.ok()) return R::Error(key.error());
  const std::string dir = config.spool_dir + "/policy";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  out.updater = std::make_unique<agent::PolicyUpdater>(
      *out.store, key.value(), dir, agent::EventContext::FromSystem(SENDGUARD_VERSION), outbox,
      central);
  out.updater->LoadSaved();
  return out;
}

// The outbox, or nullptr (said on stderr) when the spool directory cannot hold it.
std::unique_ptr<agent::Outbox> OpenOutbox(const GuardConfig& config) {
  Result<std::unique_ptr<agent::Outbox>> outbox = agent::Outbox::Open(config.spool_dir + "/outbox");
  if (!outbox.ok()) {
    Tell("ERROR", "sendguard: イベントを保存できません (cannot open the event outbox: " +
                      outbox.error() + ")");
    return nullptr;
  }
  return std::move(outbox).value();
}

void Record(agent::Outbox* outbox, const agent::Event& event) {
  if (!outbox) return;
  mailcheck::Status status = outbox->Add(event);
  if (!status.ok()) {
    Tell("ERROR",
         "sendguard: イベントを保存できません (cannot write the event: " + status.message() + ")");
  }
}

// Runs the real backend on `file` and returns its exit status (CUPS_BACKEND_FAILED when
// it cannot be run). While it runs, `during` is called (the events go to central).
template <typename During>
int RunRealBackend(const BackendJob& job, const std::string& file, During during) {
  const std::string serverbin = Env("CUPS_SERVERBIN", "/usr/lib/cups");
  const std::string backend = serverbin + "/backend/" + UriScheme(job.real_uri);
  if (access(backend.c_str(), X_OK) != 0) {
    Tell("ERROR", "sendguard: 本来のバックエンド " + backend +
                      " を実行できません (cannot run the real backend " + backend + ": " +
                      std::strerror(errno) + ")");
    return CUPS_BACKEND_STOP;
  }
  std::vector<std::string> args = {
      job.real_uri, job.job_id, job.user, job.title, std::to_string(job.copies), job.options, file};
  const pid_t pid = fork();
  if (pid < 0) {
    Tell("ERROR", std::string("sendguard: fork: ") + std::strerror(errno));
    return CUPS_BACKEND_RETRY;
  }
  if (pid == 0) {
    signal(SIGTERM, SIG_DFL);
    setenv("DEVICE_URI", job.real_uri.c_str(), 1);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(backend.c_str(), argv.data());
    std::fprintf(stderr, "ERROR: sendguard: exec %s: %s\n", backend.c_str(), std::strerror(errno));
    _exit(CUPS_BACKEND_STOP);
  }
  g_child = pid;
  during();
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_child = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return CUPS_BACKEND_FAILED;
}

// The original documents of the job in cupsd's RequestRoot ("d00042-001", ...), when
// this process may read them.
std::vector<std::string> OriginalDocuments(const GuardConfig& config, const std::string& job_id) {
  std::vector<std::string> files;
  const long id = std::strtol(job_id.c_str(), nullptr, 10);
  if (id <= 0) return files;
  for (int doc = 1; doc < 1000; ++doc) {
    char name[64];
    std::snprintf(name, sizeof name, "/d%05ld-%03d", id, doc);
    const std::string path = config.request_root + name;
    if (access(path.c_str(), R_OK) != 0) break;
    files.push_back(path);
  }
  return files;
}

// Markers of held jobs that never came back (cancelled by a 管理者) are removed after
// 90 days, so the directory does not grow without bound.
void RemoveStaleMarkers(const std::string& held_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto limit = fs::file_time_type::clock::now() - std::chrono::hours(24 * 90);
  for (fs::directory_iterator it(held_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code time_ec;
    const auto written = fs::last_write_time(it->path(), time_ec);
    if (!time_ec && written < limit) fs::remove(it->path(), time_ec);
  }
}

int Flush(const GuardConfig& config) {
  std::unique_ptr<agent::Outbox> outbox = OpenOutbox(config);
  if (!outbox) return 1;
  std::unique_ptr<agent::CentralClient> central = CentralFor(config);
  Result<SignedPolicy> policy = LoadPolicy(config, outbox.get(), central.get());
  if (policy.ok() && policy.value().updater) policy.value().updater->PollOnce();
  FlushEvents(central.get(), outbox.get());
  std::printf("%zu event(s) pending\n", outbox->pending());
  return outbox->pending() == 0 ? 0 : 1;
}

}  // namespace

Result<GuardConfig> LoadGuardConfig(const std::string& path) {
  GuardConfig config;
  std::ifstream in(path);
  if (!in) return config;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::size_t eq = line.find('=');
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (eq == std::string::npos) {
      return Result<GuardConfig>::Error(
          where + "\"key = value\" の形式ではありません (expected key = value)");
    }
    const std::string key = Trim(line.substr(0, eq));
    const std::string value = Trim(line.substr(eq + 1));
    if (key == "policy") {
      config.policy = value;
    } else if (key == "spool_dir") {
      config.spool_dir = value;
    } else if (key == "central") {
      config.central = value;
    } else if (key == "token_file") {
      config.token_file = value;
    } else if (key == "ca_file") {
      config.ca_file = value;
    } else if (key == "request_root") {
      config.request_root = value;
    } else if (key == "policy_key") {
      config.policy_key = value;
    } else if (key == "prompt_dir") {
      config.prompt_dir = value;
    } else if (key == "prompt_timeout") {
      char* end = nullptr;
      const long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n < 1 || n > 3600) {
        return Result<GuardConfig>::Error(
            where + "prompt_timeout は1〜3600の整数です (must be an integer in 1..3600)");
      }
      config.prompt_timeout = static_cast<int>(n);
    } else if (key == "max_job_bytes") {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n == 0) {
        return Result<GuardConfig>::Error(
            where + "max_job_bytes は正の整数です (must be a positive integer)");
      }
      config.max_job_bytes = n;
    } else {
      return Result<GuardConfig>::Error(where + "不明な設定 " + key + " (unknown key " + key + ")");
    }
  }
  return config;
}

int RunBackend(int argc, char** argv) {
  if (argc == 1) {
    // backend(7) discovery: the scheme alone; queues are made with sendguard:/<real URI>.
    std::printf("network sendguard \"Unknown\" \"sendguard print guard\"\n");
    return CUPS_BACKEND_OK;
  }
  signal(SIGPIPE, SIG_IGN);
  const std::string config_path = Env("SENDGUARD_PRINT_CONFIG", "/etc/sendguard/print-guard.conf");
  Result<GuardConfig> loaded = LoadGuardConfig(config_path);
  if (!loaded.ok()) {
    Tell("ERROR",
         "sendguard: 設定ファイルが不正なため印刷を保留しました (held: bad configuration: " +
             loaded.error() + ")");
    return CUPS_BACKEND_HOLD;
  }
  const GuardConfig& config = loaded.value();
  if (argc == 2 && std::string(argv[1]) == "--flush-events") return Flush(config);

  std::vector<std::string> args(argv, argv + argc);
  std::map<std::string, std::string> env;
  for (const char* key : {"DEVICE_URI", "CONTENT_TYPE", "PRINTER"}) env[key] = Env(key);
  Result<BackendJob> parsed = ParseBackendJob(args, env);
  if (!parsed.ok()) {
    Tell("ERROR", "sendguard: " + parsed.error());
    return CUPS_BACKEND_STOP;
  }
  const BackendJob& job = parsed.value();
  struct sigaction sa {};
  sa.sa_handler = ForwardSignal;
  sigaction(SIGTERM, &sa, nullptr);

  // The bytes the real backend gets: argv[6], or a private copy of stdin.
  std::string job_file = job.file;
  std::string spooled;
  const std::string temp_dir = Env("TMPDIR", "/tmp");
  if (job_file.empty()) {
    std::uint64_t size = 0;
    Result<std::string> copy = SpoolStream(0, temp_dir, &size);
    if (!copy.ok()) {
      Tell("ERROR", "sendguard: " + copy.error());
      return CUPS_BACKEND_RETRY;
    }
    spooled = copy.value();
    job_file = spooled;
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      if (!path.empty()) unlink(path.c_str());
    }
  } cleanup{spooled};

  // The policy: central's signed one or the file's; a policy file that does not compile
  // or a policy key that cannot be read holds the job (fail closed).
  std::unique_ptr<agent::Outbox> outbox = OpenOutbox(config);
  std::unique_ptr<agent::CentralClient> central = CentralFor(config);
  Result<SignedPolicy> loaded_policy = LoadPolicy(config, outbox.get(), central.get());
  if (!loaded_policy.ok()) {
    Tell("WARNING",
         "sendguard: ポリシーを読めないため印刷を保留しました (held: the policy cannot be read)");
    Tell("ERROR", "sendguard: " + loaded_policy.error());
    return CUPS_BACKEND_HOLD;
  }
  SignedPolicy& signed_policy = loaded_policy.value();
  const std::shared_ptr<const mailcheck::Policy> policy = signed_policy.store->Get();
  // After the decision: events to central, and a newer signed policy for the next job.
  const auto talk_to_central = [&] {
    if (signed_policy.updater) signed_policy.updater->PollOnce();
    FlushEvents(central.get(), outbox.get());
  };
  doccheck::Checker checker(policy->doccheck_options());
  CheckSettings settings;
  settings.max_job_bytes = config.max_job_bytes;
  settings.temp_dir = temp_dir;

  // Check the original documents when cupsd lets us read them, else the bytes we got.
  std::vector<std::string> documents;
  if (job.file.empty()) documents = OriginalDocuments(config, job.job_id);
  if (documents.empty()) documents.push_back(job_file);
  JobCheck check;
  PrintDecision decision;
  bool first = true;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    JobCheck one = CheckJob(checker, documents[i], i == 0 ? job.content_type : "", settings);
    PrintDecision d = Decide(policy->print(), one);
    if (first || d.action > decision.action ||
        (d.action == decision.action && d.reasons.size() > decision.reasons.size())) {
      check = std::move(one);
      decision = std::move(d);
      first = false;
    }
  }
  Tell("DEBUG", "sendguard: " + std::string(mailcheck::PrintActionName(decision.action)) + " job " +
                    job.job_id + " (format " + check.report.format + ")");

  const agent::EventContext context = agent::EventContext::FromSystem(SENDGUARD_VERSION);
  const int policy_version = policy->version();

  // A job that was held and has been released (`lp -i ID -H resume`) comes back with the
  // same id and bytes: it prints, once.
  const std::string held_dir = config.spool_dir + "/held";
  const std::string digest = FileDigest(job_file);
  const std::string marker = held_dir + "/" + (job.printer.empty() ? "queue" : job.printer) + "-" +
                             job.job_id + "-" + digest;
  bool released = false;
  if (decision.action != PrintAction::kAllow && !digest.empty() &&
      access(marker.c_str(), F_OK) == 0) {
    released = true;
    unlink(marker.c_str());
  }

  bool confirmed = false;
  if (decision.action == PrintAction::kPrompt && !released) {
    // The printing user decides on their agent's confirmation page; no answer → hold.
    Record(outbox.get(),
           BuildPrintEvent("print_prompted", job, check, decision, policy_version, context));
    Tell("INFO", decision.message);
    PromptRequest request;
    request.prompt_dir = config.prompt_dir;
    request.timeout = std::chrono::seconds(config.prompt_timeout);
    std::string why;
    const PromptAnswer answer = AskAgent(request, job, check, decision, &why);
    if (answer == PromptAnswer::kPrint) {
      confirmed = true;
    } else if (answer == PromptAnswer::kCancel) {
      decision.action = PrintAction::kBlock;
      decision.message =
          "sendguard: 利用者が印刷を取り消しました。 (sendguard: the user cancelled the job)";
      Record(outbox.get(),
             BuildPrintEvent("print_cancelled", job, check, decision, policy_version, context));
      Tell("WARNING", decision.message);
      talk_to_central();
      return CUPS_BACKEND_CANCEL;
    } else {
      if (!why.empty()) Tell("DEBUG", "sendguard: the user's agent was not reached: " + why);
      decision.action = PrintAction::kHold;
      decision.message = DecisionMessage(
          PrintAction::kHold, decision.reasons,
          answer == PromptAnswer::kTimeout
              ? "（時間内に利用者の確認がなかったため保留しています）"
              : "（印刷した利用者の sendguard に確認を求められなかったため保留しています。"
                "ログインして sendguard が動いているか確かめてください）");
    }
  }

  if (decision.action == PrintAction::kAllow || released || confirmed) {
    if (confirmed) {
      Record(outbox.get(),
             BuildPrintEvent("print_confirmed", job, check, decision, policy_version, context));
      Tell("INFO", "sendguard: 利用者が確認したため印刷します (printing: the user confirmed)");
    } else if (released) {
      Record(outbox.get(),
             BuildPrintEvent("print_released", job, check, decision, policy_version, context));
      Tell("INFO", "sendguard: 管理者が解除した保留ジョブを印刷します (printing a released job)");
    } else if (check.report.HasFindings()) {
      Record(outbox.get(),
             BuildPrintEvent("print_allowed", job, check, decision, policy_version, context));
    }
    return RunRealBackend(job, job_file, talk_to_central);
  }

  if (decision.action == PrintAction::kHold) {
    std::error_code ec;
    std::filesystem::create_directories(held_dir, ec);
    RemoveStaleMarkers(held_dir);
    std::ofstream(marker) << job.user << "\n";
    Record(outbox.get(),
           BuildPrintEvent("print_held", job, check, decision, policy_version, context));
    Tell("WARNING", decision.message);
    talk_to_central();
    return CUPS_BACKEND_HOLD;
  }

  Record(outbox.get(),
         BuildPrintEvent("print_blocked", job, check, decision, policy_version, context));
  Tell("WARNING", decision.message);
  talk_to_central();
  return CUPS_BACKEND_CANCEL;
}

}  // namespace print_guard
