// Throughput of doccheck's text layer on mixed Japanese/ASCII text with sparse personal
// data (the same generator as bench/make_text_input.py, in memory): normalisation, the
// shared digit-run pass, each detector alone, and the whole block scan.
//
//   build/bench/text_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "detect/detector.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "text/block_scanner.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

std::string MyNumber(std::mt19937& rng) {
  static constexpr int kW[11] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  std::string d;
  int sum = 0;
  for (int i = 0; i < 11; ++i) {
    const int v = static_cast<int>(rng() % 10);
    d.push_back(static_cast<char>('0' + v));
    sum += v * kW[i];
  }
  const int r = sum % 11;
  d.push_back(static_cast<char>('0' + (r <= 1 ? 0 : 11 - r)));
  return d;
}

const std::string& Sample() {
  static const std::string text = [] {
    static const char* kProse[] = {
        "令和8年度の予算編成方針について、各課の要求額を取りまとめた。",
        "The committee reviewed the network upgrade schedule and agreed on phase 2.",
        "市民課窓口の混雑状況を踏まえ、番号札の運用を見直すこととした。",
        "議事録：出席者12名、欠席者2名。次回は2026年12月15日に開催する。",
        "Server log: request id 4829 completed in 35 ms, status 200, bytes 10240.",
        "道路補修工事の契約金額は 12,345,000円（税込）である。",
        "本件に関する問い合わせは総務課までお願いします。",
        "注文番号 202611420973 の納品を確認した。検収日 2026/10/16。",
        "Backup job finished at 02:15; 1,024 files copied, 0 errors.",
        "防災訓練は10月17日午前9時から市民体育館で実施する。"};
    std::mt19937 rng(20261122);
    std::string s;
    while (s.size() < (4u << 20)) {
      if (rng() % 500 == 0) {
        switch (rng() % 4) {
          case 0:
            s += "個人番号：" + MyNumber(rng);
            break;
          case 1:
            s += "連絡先：090-" + std::to_string(1000 + rng() % 9000) + "-" +
                 std::to_string(1000 + rng() % 9000);
            break;
          case 2:
            s += "住所：埼玉県本庄市銀座" + std::to_string(1 + rng() % 8) + "丁目" +
                 std::to_string(1 + rng() % 29) + "番" + std::to_string(1 + rng() % 29) + "号";
            break;
          default:
            s += "生年月日：昭和" + std::to_string(20 + rng() % 40) + "年" +
                 std::to_string(1 + rng() % 12) + "月" + std::to_string(1 + rng() % 28) + "日";
        }
      } else {
        s += kProse[rng() % 10];
      }
      s.push_back('\n');
    }
    return s;
  }();
  return text;
}

void SetBytes(benchmark::State& state, std::size_t n) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void BM_Normalize(benchmark::State& state) {
  NormalizedText out;
  for (auto _ : state) {
    NormalizeForDetection(Sample(), &out);
    benchmark::DoNotOptimize(out.text.data());
  }
  SetBytes(state, Sample().size());
}
BENCHMARK(BM_Normalize)->Unit(benchmark::kMillisecond);

void BM_NumberTokens(benchmark::State& state) {
  const std::string text = NormalizeForDetection(Sample());
  std::vector<NumberToken> tokens;
  std::string pool;
  for (auto _ : state) {
    tokens.clear();
    FindNumberTokens(text, &tokens, &pool);
    benchmark::DoNotOptimize(tokens.data());
  }
  SetBytes(state, text.size());
}
BENCHMARK(BM_NumberTokens)->Unit(benchmark::kMillisecond);

void BM_Detector(benchmark::State& state) {
  const Detector* d = AllDetectors()[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(std::string(d->name()));
  const std::string text = NormalizeForDetection(Sample());
  std::vector<NumberToken> tokens;
  std::string pool;
  FindNumberTokens(text, &tokens, &pool);
  std::vector<Candidate> out;
  for (auto _ : state) {
    TableIndex tables;
    ScanText scan{text, "", &tokens, &tables};
    out.clear();
    d->Detect(scan, out);
    benchmark::DoNotOptimize(out.data());
  }
  SetBytes(state, text.size());
}
BENCHMARK(BM_Detector)
    ->DenseRange(0, static_cast<int>(AllDetectors().size()) - 1)
    ->Unit(benchmark::kMillisecond);

void BM_ScanTextBlock(benchmark::State& state) {
  std::vector<Finding> findings;
  for (auto _ : state) {
    findings.clear();
    ScanTextBlock(Sample(), BlockInfo{}, &findings);
    benchmark::DoNotOptimize(findings.data());
  }
  SetBytes(state, Sample().size());
  state.counters["findings"] = static_cast<double>(findings.size());
}
BENCHMARK(BM_ScanTextBlock)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace doccheck

BENCHMARK_MAIN();
