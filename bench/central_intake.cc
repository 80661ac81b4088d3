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
#include "typical_event.h"

namespace {

std::string Body(long long first, int n) {
  std::string body = R"({"events":[)";
  for (int i = 0; i < n; ++i)
    body += (i ? "," : "") + TypicalEvent("ev-" + std::to_string(first + i));
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
