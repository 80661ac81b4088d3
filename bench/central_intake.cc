// Central's intake without HTTP: checking a batch of 100 typical violation events
// (ParseEventBatch: validation, the stored text, search terms), and storing such batches
// in SQLite through the real Store (events, search index, day counts, in one transaction
// each). CPU time per event is the figure that holds on a shared machine.
//
//   cmake --build build --target central_intake && build/bench/central_intake
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "central/event_intake.h"
#include "central/store.h"

namespace {

// The event of bench/central_load.cc: about 600 bytes, what an agent sends after a block.
std::string Event(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"send_blocked","time":"2026-11-29T14:00:00Z","user":"yamada.taro",)"
         R"("host":"PC-SOMU-012","agent_version":"0.1.0","policy_version":3,"verdict":"block",)"
         R"("sender":"yamada@city.honjo.lg.jp","recipients":[{"address":"a@example.com",)"
         R"("external":true},{"address":"b@example.net","external":true}],)"
         R"("subject":"住民票の写し ********5678","attachments":[{"name":"名簿.xlsx","class":1,)"
         R"("findings":{"my_number":3,"person_name":12},"fully_checked":true}],)"
         R"("findings":{"my_number":3,"person_name":12},"samples":["1234 **** ***8"],)"
         R"("reasons":["attachment_my_number"],"reply":"550"})";
}

std::string Body(long long first, int n) {
  std::string body = R"({"events":[)";
  for (int i = 0; i < n; ++i) body += (i ? "," : "") + Event("ev-" + std::to_string(first + i));
  return body + "]}";
}

void BM_ParseEventBatch(benchmark::State& state) {
  const std::string body = Body(0, 100);
  for (auto _ : state) {
    central::EventBatch batch = central::ParseEventBatch(body, "pc-1", 1);
    if (batch.accepted.size() != 100) state.SkipWithError("not accepted");
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ParseEventBatch);

void BM_StoreSqlite(benchmark::State& state) {
  const std::string dir = "/tmp/central_intake_bench." + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  auto store = central::OpenStore("sqlite:" + dir + "/central.db");
  if (!store.ok()) {
    state.SkipWithError(store.error().c_str());
    return;
  }
  long long next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    central::EventBatch batch = central::ParseEventBatch(Body(next, 100), "pc-1", 1);
    next += 100;
    state.ResumeTiming();
    auto stored = store.value()->InsertEvents(batch.accepted);
    if (!stored.ok() || stored.value().stored != 100) state.SkipWithError("not stored");
  }
  state.SetItemsProcessed(state.iterations() * 100);
  store.value().reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StoreSqlite)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
