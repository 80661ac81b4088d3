// IncidentService and the incident commands.
#include "central/incidents/incident_service.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "central/incidents/ppc_report.h"
#include "central/store.h"
#include "incident_json.h"

namespace central::incidents {

const std::vector<std::string> kServeOptions = {
    "--flows-dir",     "--flow",        "--smtp",           "--mail-from",
    "--notify-domain", "--console-url", "--notify-interval"};

const char kServeUsage[] =
    "       serve ... [--flows-dir DIR] [--flow ID] [--smtp HOST:PORT --notify-domain DOMAIN\n"
    "              [--mail-from ADDR] [--console-url URL]] [--notify-interval SECONDS]\n";

const char kIncidentUsage[] =
    "       sendguard-central incident list --db DB [--json] [--state STATE]\n"
    "       sendguard-central incident show --db DB ID [--json]\n";

struct IncidentService::Impl {
  FlowRegistry flows;
  std::unique_ptr<IncidentStore> store;
  std::unique_ptr<Notifier> notifier;
  std::unique_ptr<IncidentConsole> console;
  int interval_seconds = 3600;
  std::thread timer;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
};

IncidentService::IncidentService() : impl_(new Impl) {}
IncidentService::~IncidentService() { Stop(); }

Result<std::unique_ptr<IncidentService>> IncidentService::Open(
    const std::string& db, const std::string& state_dir, console::ConsoleStore& console_store,
    const std::function<std::string(const std::string&)>& option) {
  using R = Result<std::unique_ptr<IncidentService>>;
  std::unique_ptr<IncidentService> s(new IncidentService);
  std::string dir = option("--flows-dir");
  if (dir.empty() && !state_dir.empty() &&
      std::filesystem::is_directory(std::filesystem::path(state_dir) / "flows"))
    dir = (std::filesystem::path(state_dir) / "flows").string();
  auto flows = FlowRegistry::Load(dir);
  if (!flows.ok()) return R::Error(flows.error());
  s->impl_->flows = std::move(flows.value());
  std::string flow = option("--flow");
  if (flow.empty()) flow = "aizumisato";
  if (!s->impl_->flows.Find(flow))
    return R::Error("--flow " + flow + ": その手順の定義 (flow) はありません");
  auto store = IncidentStore::Open(db);
  if (!store.ok()) return R::Error(store.error());
  s->impl_->store = std::move(store.value());
  if (!option("--smtp").empty()) {
    auto c = ParseSmtpFlag(option("--smtp"));
    if (!c.ok()) return R::Error(c.error());
    SmtpNotifierConfig config = c.value();
    config.domain = option("--notify-domain");
    if (config.domain.empty()) return R::Error("--smtp needs --notify-domain (login@DOMAIN)");
    if (!option("--mail-from").empty()) config.from = option("--mail-from");
    config.base_url = option("--console-url");
    s->impl_->notifier = NewSmtpNotifier(config);
  }
  if (!option("--notify-interval").empty()) {
    const std::string t = option("--notify-interval");
    if (t.find_first_not_of("0123456789") != std::string::npos || t.size() > 6 || std::stoi(t) < 1)
      return R::Error("--notify-interval: expected seconds, got '" + t + "'");
    s->impl_->interval_seconds = std::stoi(t);
  }
  s->impl_->console = std::make_unique<IncidentConsole>(
      *s->impl_->store, console_store, s->impl_->flows, flow, s->impl_->notifier.get());
  return s;
}

IncidentConsole* IncidentService::console() { return impl_->console.get(); }

void IncidentService::StartTimer() {
  impl_->timer = std::thread([this] {
    std::unique_lock<std::mutex> lock(impl_->mutex);
    while (!impl_->stopping) {
      lock.unlock();
      impl_->console->Tick(NowMicros());
      lock.lock();
      impl_->wake.wait_for(lock, std::chrono::seconds(impl_->interval_seconds),
                           [this] { return impl_->stopping; });
    }
  });
}

void IncidentService::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->timer.joinable()) impl_->timer.join();
}

namespace {

std::string ListJson(const std::vector<Case>& cases) {
  Poco::JSON::Array a;
  for (const auto& c : cases) a.add(CaseSummaryJson(c));
  std::ostringstream out;
  a.stringify(out);
  return out.str();
}

}  // namespace

bool RunIncidentCommand(int argc, char** argv, int* exit_code) {
  const std::string a = argc > 1 ? argv[1] : "";
  const std::string b = argc > 2 ? argv[2] : "";
  if (a != "incident" || (b != "list" && b != "show")) return false;
  std::string db, state, id;
  bool json = false;
  for (int i = 3; i < argc; ++i) {
    const std::string x = argv[i];
    if ((x == "--db" || x == "--state") && i + 1 < argc) {
      (x == "--db" ? db : state) = argv[++i];
    } else if (x == "--json") {
      json = true;
    } else if (!x.empty() && x[0] != '-' && b == "show" && id.empty()) {
      id = x;
    } else {
      std::fprintf(stderr, "sendguard-central: unknown argument %s\n%s", x.c_str(), kIncidentUsage);
      *exit_code = 2;
      return true;
    }
  }
  if (db.empty() || (b == "show" && id.empty())) {
    std::fprintf(stderr, "sendguard-central: %s\n%s",
                 db.empty() ? "--db DB is required" : "the case ID is required", kIncidentUsage);
    *exit_code = 2;
    return true;
  }
  auto base = OpenStore(db);  // creates the events table the review sweep reads
  if (!base.ok()) {
    std::fprintf(stderr, "sendguard-central: %s\n", base.error().c_str());
    *exit_code = 1;
    return true;
  }
  auto store = IncidentStore::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "sendguard-central: %s\n", store.error().c_str());
    *exit_code = 1;
    return true;
  }
  const std::string who = "cli";
  if (b == "list") {
    auto cases = store.value()->ListCases(state == "all" ? "" : state);
    if (!cases.ok()) {
      std::fprintf(stderr, "sendguard-central: %s\n", cases.error().c_str());
      *exit_code = 1;
      return true;
    }
    if (json) {
      std::printf("%s\n", ListJson(cases.value()).c_str());
    } else {
      for (const auto& c : cases.value()) {
        std::string sections;
        for (const auto& s : c.sections) sections += (sections.empty() ? "" : ",") + s;
        std::printf("%s\t%s\t%s\t%s\t%s\n", c.id.c_str(), c.state.c_str(),
                    sections.empty() ? "-" : sections.c_str(), FormatTime(c.opened_at).c_str(),
                    c.source.c_str());
      }
    }
    base.value()->RecordAccess(AccessRecord{NowMicros(), who, "incident list", 0, "local"});
    *exit_code = 0;
    return true;
  }
  auto c = store.value()->GetCase(id);
  auto timeline = store.value()->Timeline(id);
  if (!c.ok() || !timeline.ok() || !c.value()) {
    std::fprintf(stderr, "sendguard-central: %s\n",
                 !c.ok() ? c.error().c_str() : "no such case / その事案はありません");
    *exit_code = 1;
    return true;
  }
  base.value()->RecordAccess(
      AccessRecord{NowMicros(), who, "incident show case=" + id, 0, "local"});
  std::string list = ListJson({*c.value()});
  if (json) {
    Poco::JSON::Parser parser;
    auto o = parser.parse(list).extract<Poco::JSON::Array::Ptr>()->getObject(0);
    o->set("timeline", TimelineJson(timeline.value()));
    std::ostringstream out;
    o->stringify(out);
    std::printf("%s\n", out.str().c_str());
  } else {
    const Case& k = *c.value();
    std::printf("事案 %s  状態 %s  受付 %s  (%s, %s)\n", k.id.c_str(), k.state.c_str(),
                FormatTime(k.opened_at).c_str(), k.source.c_str(), k.form.c_str());
    for (const auto& e : timeline.value()) {
      std::printf("%s  %s (%s)  %s %s %s\n", FormatTime(e.at).c_str(), e.user_name.c_str(),
                  e.login.c_str(), e.kind.c_str(), e.step.c_str(), e.outcome.c_str());
      for (const auto& [key, v] : e.fields) std::printf("    %s: %s\n", key.c_str(), v.c_str());
    }
  }
  *exit_code = 0;
  return true;
}

}  // namespace central::incidents
