#include "central/cli.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "central/api_server.h"
#include "central/cli_config.h"
#include "central/cli_output.h"
#include "central/console/console.h"
#include "central/console/console_cli.h"
#include "central/console/console_store.h"
#include "central/console/console_time.h"
#include "central/csv.h"
#include "central/event_intake.h"
#include "central/incident_forms_cli.h"
#include "central/incidents/incident_service.h"
#include "central/policy_publisher.h"
#include "central/policy_signer.h"
#include "central/store.h"

namespace central {
namespace {

namespace fs = std::filesystem;

// kConfig: the configuration cannot work (a busy port, plain HTTP off loopback): the same
// status as kUsage and as the agent's configuration errors, without the usage text.
constexpr int kOk = 0, kUserError = 1, kUsage = 2, kConfig = 2;

constexpr char kUsageText[] =
    "usage: sendguard-central serve --listen HOST:PORT --state-dir DIR [--db DB]\n"
    "                               [--tls-cert FILE --tls-key FILE] [--time-zone ZONE]\n"
    "                               [--header-timeout SECONDS] [--max-connections-per-address N]\n"
    "                               [--check-config]\n"
    "       sendguard-central agent enroll --db DB --name NAME [--replace] [--json]\n"
    "       sendguard-central agent revoke --db DB --name NAME\n"
    "       sendguard-central agents list --db DB [--json]\n"
    "       sendguard-central policy push --db DB --state-dir DIR FILE [--json]\n"
    "       sendguard-central events list --db DB [--json] [--kind KIND] [--agent NAME]\n"
    "                                     [--since TIME]\n"
    "       sendguard-central report access --db DB --from TIME --to TIME\n"
    "DB is sqlite:PATH (default for serve: sqlite:STATE_DIR/central.db) or\n"
    "postgresql://user[:password]@host[:port]/dbname. TIME is RFC 3339\n"
    "(2026-11-29T14:00:00Z) or a date (2026-11-29, midnight UTC).\n"
    "Without --db: $SENDGUARD_CENTRAL_DB, else SENDGUARD_CENTRAL_DB= in --config FILE\n"
    "(default /etc/sendguard/central.conf); --state-dir likewise (SENDGUARD_CENTRAL_STATE_DIR).\n"
    "Plain HTTP is served on loopback addresses only; any other --listen needs --tls-cert\n"
    "and --tls-key.\n";

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "sendguard-central: %s\n", message.c_str());
  if (code == kUsage) std::fputs(kUsageText, stderr);
  return code;
}

int FailConfig(const std::string& message) {
  std::fprintf(stderr, "sendguard-central: %s\n", message.c_str());
  return kConfig;
}

// A parsed command line: --options with values, flags, and the rest.
struct Args {
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
  std::vector<std::string> positional;

  std::string Get(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? "" : it->second;
  }
  bool Has(const std::string& name) const { return options.count(name) > 0; }
};

// Parses argv[first..] given which options take a value and which are flags; "" on
// success, else the usage error.
std::string ParseArgs(int argc, char** argv, int first, const std::set<std::string>& valued,
                      const std::set<std::string>& flags, Args* out) {
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (valued.count(a)) {
      if (i + 1 >= argc) return a + " needs a value";
      out->options[a] = argv[++i];
    } else if (flags.count(a)) {
      out->flags.insert(a);
    } else if (a.size() > 1 && a[0] == '-') {
      return "unknown option " + a;
    } else {
      out->positional.push_back(a);
    }
  }
  return "";
}

std::string LoginName() {
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  const char* user = std::getenv("USER");
  return user ? user : "unknown";
}

// Opens the store named by --db; errors are printed.
std::unique_ptr<Store> Open(const std::string& db, const StoreOptions& options = {}) {
  auto store = OpenStore(db, options);
  if (!store.ok()) {
    Fail(kUserError,
         store.error() + "\n(データベースを開けませんでした / cannot open the database)");
    return nullptr;
  }
  return std::move(store).value();
}

// Runs a data command and writes its access record (Art. 12: CLI use is recorded too).
int Recorded(Store& store, const std::string& action, const std::function<int()>& command) {
  const Micros started = NowMicros();
  const int code = command();
  Status s = store.RecordAccess(AccessRecord{started, "cli:" + LoginName(), action, code, "local"});
  if (!s.ok()) {
    std::fprintf(stderr, "sendguard-central: %s\n", s.message().c_str());
    return code == kOk ? kUserError : code;
  }
  return code;
}

// Times in tables: whole seconds, so that columns line up.
std::string TableTime(Micros t) { return FormatTime(t - t % 1000000); }

bool SplitHostPort(const std::string& s, std::string* host, std::uint16_t* port) {
  const std::size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  const std::string p = s.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const long v = std::strtol(p.c_str(), nullptr, 10);
  if (v > 65535) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  *port = static_cast<std::uint16_t>(v);
  return true;
}

int Serve(int argc, char** argv) {
  Args args;
  if (auto e = ParseArgs(
          argc, argv, 2,
          [] {
            std::set<std::string> v = {"--listen",
                                       "--db",
                                       "--state-dir",
                                       "--tls-cert",
                                       "--tls-key",
                                       "--header-timeout",
                                       "--max-connections-per-address",
                                       "--time-zone"};
            v.insert(incidents::kServeOptions.begin(), incidents::kServeOptions.end());
            return v;
          }(),
          {"--check-config"}, &args);
      !e.empty())
    return Fail(kUsage, e);
  if (!args.positional.empty()) return Fail(kUsage, "unexpected argument " + args.positional[0]);
  ApiServerConfig config;
  if (!SplitHostPort(args.Get("--listen"), &config.host, &config.port))
    return Fail(kUsage, "--listen: expected HOST:PORT, got '" + args.Get("--listen") + "'");
  const std::string state_dir = args.Get("--state-dir");
  if (state_dir.empty()) return Fail(kUsage, "--state-dir DIR is required");
  if (args.Has("--header-timeout")) {
    // Seconds, fractions allowed (tests use short ones): 0.1 to 300.
    char* end = nullptr;
    const std::string text = args.Get("--header-timeout");
    const double seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(seconds >= 0.1 && seconds <= 300))
      return Fail(kUsage, "--header-timeout: expected seconds from 0.1 to 300, got '" + text + "'");
    config.header_timeout_ms = static_cast<int>(seconds * 1000);
  }
  if (args.Has("--max-connections-per-address")) {
    const std::string text = args.Get("--max-connections-per-address");
    const long n = std::strtol(text.c_str(), nullptr, 10);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || n < 1 ||
        n > 100000)
      return Fail(kUsage,
                  "--max-connections-per-address: expected 1 to 100000, got '" + text + "'");
    config.max_connections_per_address = static_cast<int>(n);
  }
  config.tls_cert = args.Get("--tls-cert");
  config.tls_key = args.Get("--tls-key");
  if (config.tls_cert.empty() != config.tls_key.empty())
    return Fail(kUsage, "--tls-cert and --tls-key go together");
  if (config.tls_cert.empty() && !IsLoopbackHost(config.host)) {
    return Fail(kUsage, "--listen " + config.host +
                            ": plain HTTP is allowed on loopback only; give --tls-cert and "
                            "--tls-key to serve other addresses\n(ループバック以外で待ち受ける"
                            "には TLS の証明書と鍵 (--tls-cert, --tls-key) が必要です)");
  }
  for (const std::string* f : {&config.tls_cert, &config.tls_key}) {
    if (!f->empty() && !fs::exists(*f)) return Fail(kUserError, "no such file " + *f);
  }
  auto signer = PolicySigner::LoadOrCreate(state_dir);
  if (!signer.ok()) return Fail(kUserError, signer.error());
  const std::string db = args.Has("--db")
                             ? args.Get("--db")
                             : "sqlite:" + (fs::path(state_dir) / "central.db").string();
  auto store = Open(db, StoreOptions{.index_writer = true});
  if (!store) return kUserError;
  // The web console (DESIGN.md "The web console"), on the same listener.
  auto console_store = console::ConsoleStore::Open(db);
  if (!console_store.ok()) return Fail(kUserError, console_store.error());
  if (Status tz = console::UseTimeZone(args.Has("--time-zone") ? args.Get("--time-zone")
                                                               : console::kDefaultTimeZone);
      !tz.ok())
    return Fail(kUsage, tz.message());
  // The incident workflow (DESIGN.md "Incidents, following the ordinances").
  auto incident_service = incidents::IncidentService::Open(
      db, state_dir, *console_store.value(), [&](const std::string& k) { return args.Get(k); });
  if (!incident_service.ok()) return Fail(kUserError, incident_service.error());
  console::ConsoleConfig console_config;
  console_config.tls = !config.tls_cert.empty();
  console_config.incidents = incident_service.value()->console();
  console_config.dashboard_tiles = incident_service.value()->console()->DashboardTiles();
  console::Console web_console(console_config, *store, *console_store.value(), signer.value());
  config.console = &web_console;
  if (args.flags.count("--check-config")) {
    std::puts("configuration OK");
    return kOk;
  }
  // The dashboard's day counts are kept in the console's time zone: recounted at the first
  // start and when --time-zone changed (not by --check-config, which changes nothing).
  if (auto counted = console_store.value()->PrepareEventCounts(); !counted.ok()) {
    return Fail(kUserError, counted.error());
  } else if (counted.value() >= 0) {
    std::printf("sendguard-central: ダッシュボードの日別件数を集計しました: %lld 件 (%s)\n",
                static_cast<long long>(counted.value()), console::CurrentTimeZone().c_str());
  }

  // SIGTERM/SIGINT: stop accepting, finish requests in flight, exit. Blocked before the
  // server's threads start so that only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ApiServer server(config, *store);
  if (Status s = server.Start(); !s.ok()) return FailConfig(s.message());
  incident_service.value()->StartTimer();
  {
    std::ofstream port_file(fs::path(state_dir) / "central.port");
    port_file << server.port() << "\n";
  }
  std::printf("sendguard-central: listening on %s://%s:%u, database %s\n",
              config.tls_cert.empty() ? "http" : "https", config.host.c_str(), server.port(),
              db.rfind("sqlite:", 0) == 0 ? db.c_str() : "postgresql");
  std::printf("sendguard-central: policy public key for agents: %s/policy.pub\n",
              state_dir.c_str());
  std::printf("sendguard-central: web console: %s://%s:%u/ (times in %s)\n",
              config.tls_cert.empty() ? "http" : "https", config.host.c_str(), server.port(),
              console::CurrentTimeZone().c_str());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::printf("sendguard-central: %s: stopping\n", strsignal(signal_number));
  std::fflush(stdout);
  server.Stop();
  incident_service.value()->Stop();
  return kOk;
}

std::string RequireDb(const Args& args) {
  if (args.Has("--db")) return args.Get("--db");
  if (args.Has("--state-dir"))
    return "sqlite:" + (fs::path(args.Get("--state-dir")) / "central.db").string();
  return "";
}

bool ValidAgentName(const std::string& name) {
  if (name.empty() || name.size() > 128 || HasUnmaskedIdentifier(name)) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

int AgentEnroll(int argc, char** argv) {
  Args args;
  if (auto e = ParseArgs(argc, argv, 3, {"--db", "--name", "--state-dir"}, {"--replace", "--json"},
                         &args);
      !e.empty())
    return Fail(kUsage, e);
  const bool replace = args.flags.count("--replace") > 0;
  const std::string db = RequireDb(args);
  if (db.empty()) return Fail(kUsage, "--db DB is required");
  const std::string name = args.Get("--name");
  if (!args.Has("--name")) return Fail(kUsage, "--name NAME is required");
  if (!ValidAgentName(name)) {
    return Fail(kUserError,
                "--name: 1-128 printable characters, no run of 10 or more digits "
                "(エージェント名が正しくありません)");
  }
  auto store = Open(db);
  if (!store) return kUserError;
  return Recorded(
      *store, std::string(replace ? "agent enroll --replace " : "agent enroll ") + name, [&] {
        const std::string token = NewAgentToken();
        if (replace) {
          // A new token for a desktop that lost its own, or was revoked and is trusted again.
          Status s = store->ReplaceAgentToken(name, HashAgentToken(token));
          if (!s.ok())
            return Fail(kUserError, s.message() + " (そのエージェントは登録されていません)");
          PrintAgentToken(name, "", token, true, args.flags.count("--json") > 0);
          return kOk;
        }
        Status s = store->EnrollAgent(name, HashAgentToken(token), NowMicros());
        if (!s.ok())
          return Fail(
              kUserError,
              s.message() + " (その名前のエージェントは登録済みです。新しいトークンは --replace)");
        PrintAgentToken(name, "", token, false, args.flags.count("--json") > 0);
        return kOk;
      });
}

int AgentRevoke(int argc, char** argv) {
  Args args;
  if (auto e = ParseArgs(argc, argv, 3, {"--db", "--name", "--state-dir"}, {}, &args); !e.empty())
    return Fail(kUsage, e);
  const std::string db = RequireDb(args);
  if (db.empty()) return Fail(kUsage, "--db DB is required");
  if (!args.Has("--name")) return Fail(kUsage, "--name NAME is required");
  const std::string name = args.Get("--name");
  auto store = Open(db);
  if (!store) return kUserError;
  return Recorded(*store, "agent revoke " + name, [&] {
    Status s = store->RevokeAgent(name);
    if (!s.ok()) return Fail(kUserError, s.message() + " (そのエージェントは登録されていません)");
    std::printf(
        "エージェント %s を失効させました。そのトークンは今後受け付けません (稼働中の central では "
        "%d 秒以内に)\n(agent %s revoked: its token is refused from now on (a running central "
        "stops accepting it within %d s))\n",
        name.c_str(), kTokenCacheSeconds, name.c_str(), kTokenCacheSeconds);
    return kOk;
  });
}

std::string JsonText(Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

int AgentsList(int argc, char** argv) {
  Args args;
  if (auto e = ParseArgs(argc, argv, 3, {"--db", "--state-dir"}, {"--json"}, &args); !e.empty())
    return Fail(kUsage, e);
  const std::string db = RequireDb(args);
  if (db.empty()) return Fail(kUsage, "--db DB is required");
  auto store = Open(db);
  if (!store) return kUserError;
  return Recorded(*store, "agents list", [&] {
    auto agents = store->ListAgents();
    if (!agents.ok()) return Fail(kUserError, agents.error());
    if (args.flags.count("--json")) {
      std::string out = "[";
      for (const AgentInfo& a : agents.value()) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("name", a.name);
        o.set("enrolled_at", FormatTime(a.enrolled_at));
        if (a.last_seen)
          o.set("last_seen", FormatTime(a.last_seen));
        else
          o.set("last_seen", Poco::Dynamic::Var());
        o.set("agent_version", a.agent_version);
        o.set("policy_version", a.policy_version);
        o.set("outbox_backlog", a.outbox_backlog);
        o.set("host", a.host);
        o.set("user", a.user);
        o.set("revoked", a.revoked);
        out += (out.size() > 1 ? ",\n " : "") + JsonText(o);
      }
      std::printf("%s]\n", out.c_str());
      return kOk;
    }
    std::printf("%-20s %-20s %-20s %-10s %-7s %-8s %s\n", "NAME", "ENROLLED", "LAST SEEN",
                "VERSION", "POLICY", "BACKLOG", "STATE");
    for (const AgentInfo& a : agents.value()) {
      std::printf("%-20s %-20s %-20s %-10s %-7lld %-8lld %s\n", a.name.c_str(),
                  TableTime(a.enrolled_at).c_str(),
                  a.last_seen ? TableTime(a.last_seen).c_str() : "never",
                  a.agent_version.empty() ? "-" : a.agent_version.c_str(),
                  static_cast<long long>(a.policy_version),
                  static_cast<long long>(a.outbox_backlog), a.revoked ? "revoked" : "active");
    }
    std::printf("%zu agent(s)\n", agents.value().size());
    return kOk;
  });
}

int PolicyPush(int argc, char** argv) {
  Args args;
  if (auto e = ParseArgs(argc, argv, 3, {"--db", "--state-dir"}, {"--json"}, &args); !e.empty())
    return Fail(kUsage, e);
  if (!args.Has("--state-dir"))
    return Fail(kUsage, "--state-dir DIR is required (the signing key lives there)");
  const std::string db = RequireDb(args);
  if (args.positional.size() != 1) return Fail(kUsage, "policy push needs exactly one FILE");
  const std::string file = args.positional[0];
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail(kUserError, "cannot read " + file + " (ポリシーファイルを読めません)");
  std::stringstream text;
  text << in.rdbuf();
  auto signer = PolicySigner::LoadOrCreate(args.Get("--state-dir"));
  if (!signer.ok()) return Fail(kUserError, signer.error());
  auto store = Open(db);
  if (!store) return kUserError;
  return Recorded(*store, "policy push " + file, [&] {
    auto version = PublishPolicyText(*store, signer.value(), text.str(), NowMicros());
    if (!version.ok()) {
      return Fail(kUserError, file +
                                  ": the policy was not published (ポリシーは配布されません"
                                  "でした):\n" +
                                  version.error());
    }
    PrintPolicyVersion(version.value(), args.flags.count("--json") > 0);
    return kOk;
  });
}

int EventsList(int argc, char** argv) {
  Args args;
  if (auto e = ParseArgs(argc, argv, 3, {"--db", "--state-dir", "--kind", "--agent", "--since"},
                         {"--json"}, &args);
      !e.empty())
    return Fail(kUsage, e);
  const std::string db = RequireDb(args);
  if (db.empty()) return Fail(kUsage, "--db DB is required");
  EventFilter filter;
  if (args.Has("--kind")) filter.kind = args.Get("--kind");
  if (args.Has("--agent")) filter.agent = args.Get("--agent");
  if (args.Has("--since")) {
    filter.since = ParseTime(args.Get("--since"), true);
    if (!filter.since)
      return Fail(kUsage, "--since: expected RFC 3339 time or YYYY-MM-DD, got '" +
                              args.Get("--since") + "'");
  }
  auto store = Open(db);
  if (!store) return kUserError;
  return Recorded(*store, "events list", [&] {
    auto events = store->ListEvents(filter);
    if (!events.ok()) return Fail(kUserError, events.error());
    if (args.flags.count("--json")) {
      std::string out = "[";
      for (const StoredEvent& e : events.value()) {
        try {
          Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
          auto o = parser.parse(e.json).extract<Poco::JSON::Object::Ptr>();
          o->set("agent", e.agent);
          o->set("received_at", FormatTime(e.received_at));
          out += (out.size() > 1 ? ",\n " : "") + JsonText(*o);
        } catch (const Poco::Exception& ex) {
          std::fprintf(stderr, "sendguard-central: event %s: stored JSON unreadable: %s\n",
                       e.id.c_str(), ex.displayText().c_str());
        }
      }
      std::printf("%s]\n", out.c_str());
      return kOk;
    }
    std::printf("%-20s %-18s %-16s %-12s %-8s %s\n", "TIME", "KIND", "AGENT", "USER", "VERDICT",
                "SUBJECT");
    for (const StoredEvent& e : events.value()) {
      std::string user, verdict, subject;
      try {
        Poco::JSON::Parser parser;
        auto o = parser.parse(e.json).extract<Poco::JSON::Object::Ptr>();
        user = o->optValue<std::string>("user", "-");
        verdict = o->optValue<std::string>("verdict", "-");
        subject = o->optValue<std::string>("subject", "");
      } catch (const Poco::Exception&) {
      }
      std::printf("%-20s %-18s %-16s %-12s %-8s %s\n", TableTime(e.time).c_str(), e.kind.c_str(),
                  e.agent.c_str(), user.c_str(), verdict.c_str(), subject.c_str());
    }
    std::printf("%zu event(s)\n", events.value().size());
    return kOk;
  });
}

int ReportAccess(int argc, char** argv) {
  Args args;
  if (auto e = ParseArgs(argc, argv, 3, {"--db", "--state-dir", "--from", "--to"}, {}, &args);
      !e.empty())
    return Fail(kUsage, e);
  const std::string db = RequireDb(args);
  if (db.empty()) return Fail(kUsage, "--db DB is required");
  const auto from = ParseTime(args.Get("--from"), true);
  const auto to = ParseTime(args.Get("--to"), true);
  if (!from || !to) return Fail(kUsage, "--from and --to: expected RFC 3339 times or YYYY-MM-DD");
  auto store = Open(db);
  if (!store) return kUserError;
  return Recorded(*store, "report access", [&] {
    auto records = store->ListAccess(*from, *to);
    if (!records.ok()) return Fail(kUserError, records.error());
    const std::string csv = AccessRecordsCsv(records.value());
    std::fwrite(csv.data(), 1, csv.size(), stdout);
    return kOk;
  });
}

}  // namespace

int RunCli(int original_argc, char** original_argv) {
  // --db and --state-dir from the environment or the configuration file (cli_config.h).
  std::vector<std::string> words(original_argv, original_argv + original_argc);
  if (Status s = CompleteCommandLine(&words); !s.ok()) return FailConfig(s.message());
  std::vector<char*> pointers;
  for (std::string& w : words) pointers.push_back(w.data());
  pointers.push_back(nullptr);
  const int argc = static_cast<int>(words.size());
  char** argv = pointers.data();
  const std::string a = argc > 1 ? argv[1] : "";
  const std::string b = argc > 2 ? argv[2] : "";
  if (a == "-h" || a == "--help" || a == "help") {
    std::fputs(kUsageText, stdout);
    std::fputs(console::kConsoleUsage, stdout);
    std::fputs(kFormUsage, stdout);
    std::fputs(incidents::kIncidentUsage, stdout);
    std::fputs(incidents::kServeUsage, stdout);
    return kOk;
  }
  if (int code = 0; console::RunConsoleCommand(argc, argv, &code)) return code;
  if (int code = 0; RunFormCommand(argc, argv, &code)) return code;
  if (int code = 0; incidents::RunIncidentCommand(argc, argv, &code)) return code;
  if (a == "serve") return Serve(argc, argv);
  if (a == "agent" && b == "enroll") return AgentEnroll(argc, argv);
  if (a == "agent" && b == "revoke") return AgentRevoke(argc, argv);
  if ((a == "agents" || a == "agent") && b == "list") return AgentsList(argc, argv);
  if (a == "policy" && b == "push") return PolicyPush(argc, argv);
  if (a == "events" && b == "list") return EventsList(argc, argv);
  if (a == "report" && b == "access") return ReportAccess(argc, argv);
  return Fail(kUsage, a.empty() ? "no command given"
                                : "unknown command '" + a + (b.empty() ? "" : " " + b) + "'");
}

}  // namespace central
