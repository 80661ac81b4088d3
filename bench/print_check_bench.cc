// Speed of the print guard's check (docs/PRINT_GUARD.md): CheckJob + Decide on the job
// file, as the `sendguard` backend runs them before handing a job to the real printer.
// Inputs are made here with the tests' PDF writer: a 10-page and a 200-page PDF of
// ordinary text (targets: < 100 ms and < 1 s), the 200-page one with a My Number on its
// last page, and a 200-page document as plain text.
//
//   ninja -C build print_check_bench && build/bench/print_check_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "pdf_writer.h"
#include "print_guard/decision.h"
#include "print_guard/job.h"

namespace print_guard {
namespace {

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const std::string path = "/tmp/sendguard-print-bench-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

void RunCheck(benchmark::State& state, const std::string& path, const char* type) {
  const doccheck::Checker checker;
  mailcheck::PrintActions actions;
  actions.my_number = mailcheck::PrintAction::kHold;
  std::size_t findings = 0;
  for (auto _ : state) {
    JobCheck check = CheckJob(checker, path, type, CheckSettings{});
    PrintDecision decision = Decide(actions, check);
    findings += check.report.findings.size();
    benchmark::DoNotOptimize(decision);
  }
  state.counters["findings_per_run"] =
      static_cast<double>(findings) / static_cast<double>(state.iterations());
  unlink(path.c_str());
}

void BM_Pdf10Pages(benchmark::State& state) {
  RunCheck(state, WriteTemp("10.pdf", testing::MakePdf(testing::OrdinaryPages(10))),
           "application/pdf");
}
void BM_Pdf200Pages(benchmark::State& state) {
  RunCheck(state, WriteTemp("200.pdf", testing::MakePdf(testing::OrdinaryPages(200))),
           "application/pdf");
}
void BM_Pdf200PagesMyNumberOnLast(benchmark::State& state) {
  RunCheck(state, WriteTemp("200mn.pdf", testing::MakePdf(testing::OrdinaryPages(200, 200))),
           "application/pdf");
}
void BM_Text200Pages(benchmark::State& state) {
  std::string text;
  for (const std::string& page : testing::OrdinaryPages(200)) text += page + "\f";
  RunCheck(state, WriteTemp("200.txt", text), "text/plain");
}

BENCHMARK(BM_Pdf10Pages)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pdf200Pages)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Pdf200PagesMyNumberOnLast)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Text200Pages)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace print_guard

BENCHMARK_MAIN();
