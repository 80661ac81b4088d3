// Loads synthetic events into a central database through the real Store::InsertEvents (so
// the search index is filled as at intake), for bench/run_console_bench.sh.
//
//   console_load --db DB --events N [--sections 20] [--agents-per-section 10] [--weeks 12]
//
// Events are spread over the last `weeks` weeks, across agents in sections 課01..課NN,
// with Japanese subjects, 1–3 recipients at a handful of domains (one rare domain in
// 0.1 % of events) and kinds weighted like a town's week (mostly allowed sends, some
// blocks, prompts and BCC conversions). Deterministic (fixed seed). Prints the load time.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "central/console/console_store.h"
#include "central/console/console_time.h"
#include "central/store.h"
#include "central/time_format.h"

namespace {

const char* const kSubjects[] = {
    "住民票の写しの送付について", "課税台帳の確認依頼",  "会議資料の送付",
    "児童手当の申請書類",         "見積書の送付 (再送)", "研修のご案内",
    "固定資産税の通知について",   "Re: 打合せ日程",      "議事録の共有",
    "介護保険の認定結果",         "道路占用許可申請",    "Monthly report",
};
const char* const kDomains[] = {
    "tax-office.example.co.jp", "partner.example.co.jp", "example.com",
    "pref.sample.lg.jp",        "mail.example.ne.jp",    "consult.example.jp"};
const char* const kKinds[] = {"send_allowed",  "send_allowed",  "send_allowed",     "send_allowed",
                              "send_allowed",  "send_prompted", "prompt_confirmed", "send_blocked",
                              "bcc_converted", "print_allowed", "print_blocked",    "print_held"};

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  long events = 0;
  int sections = 20, per_section = 10, weeks = 12;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--db") db = v;
    if (k == "--events") events = std::atol(v.c_str());
    if (k == "--sections") sections = std::atoi(v.c_str());
    if (k == "--agents-per-section") per_section = std::atoi(v.c_str());
    if (k == "--weeks") weeks = std::atoi(v.c_str());
  }
  if (db.empty() || events <= 0) {
    std::fprintf(stderr,
                 "usage: console_load --db DB --events N [--sections S] "
                 "[--agents-per-section A] [--weeks W]\n");
    return 2;
  }
  auto store = central::OpenStore(db);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.error().c_str());
    return 1;
  }
  auto cs = central::console::ConsoleStore::Open(db);
  if (!cs.ok()) {
    std::fprintf(stderr, "%s\n", cs.error().c_str());
    return 1;
  }
  // As a running `serve` (default time zone): the day counts are kept as events arrive.
  if (central::Status tz = central::console::UseTimeZone(central::console::kDefaultTimeZone);
      !tz.ok()) {
    std::fprintf(stderr, "%s\n", tz.message().c_str());
    return 1;
  }
  if (auto counted = cs.value()->PrepareEventCounts(); !counted.ok()) {
    std::fprintf(stderr, "%s\n", counted.error().c_str());
    return 1;
  }
  std::vector<std::string> agents;
  const central::Micros now = central::NowMicros();
  for (int s = 1; s <= sections; ++s) {
    char section[32];
    std::snprintf(section, sizeof section, "課%02d", s);
    (void)cs.value()->AddSection(section, now);
    for (int a = 1; a <= per_section; ++a) {
      const std::string name = "pc-" + std::to_string(s) + "-" + std::to_string(a);
      (void)store.value()->EnrollAgent(name, "bench-token-" + name, now);
      (void)cs.value()->SetAgentSection(name, section);
      agents.push_back(name);
    }
  }
  std::mt19937_64 rng(20261202);
  const central::Micros span = static_cast<central::Micros>(weeks) * 7 * 24 * 3600 * 1000000LL;
  const auto start = std::chrono::steady_clock::now();
  std::vector<central::StoredEvent> batch;
  for (long i = 0; i < events; ++i) {
    const std::string id = "bench-" + std::to_string(i);
    const std::string& agent = agents[rng() % agents.size()];
    const char* kind = kKinds[rng() % std::size(kKinds)];
    const central::Micros t = now - span + static_cast<central::Micros>(rng() % span);
    std::string recipients;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int r = 0; r < n; ++r) {
      const char* domain = i % 1000 == 7 && r == 0 ? "rare.example.org" : kDomains[rng() % 6];
      recipients += std::string(r ? "," : "") + R"({"address":"user)" +
                    std::to_string(rng() % 500) + "@" + domain + R"(","external":true})";
    }
    std::string json = R"({"id":")" + id + R"(","kind":")" + kind + R"(","time":")" +
                       central::FormatTime(t) + R"(","user":"user)" + std::to_string(rng() % 2000) +
                       R"(","subject":")" + kSubjects[rng() % std::size(kSubjects)] +
                       R"(","recipients":[)" + recipients + R"(],"verdict":"allow","reasons":[]})";
    batch.push_back(central::StoredEvent{id, agent, kind, t, t, std::move(json)});
    if (batch.size() == 1000 || i + 1 == events) {
      auto r = store.value()->InsertEvents(batch);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.error().c_str());
        return 1;
      }
      batch.clear();
      if ((i + 1) % 100000 == 0) std::fprintf(stderr, "  %ld events\n", i + 1);
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("loaded %ld events in %.1f s (%.0f events/s)\n", events, secs, events / secs);
  return 0;
}
