// Speed of doccheck's container extractors, alone (extraction into a sink that only
// counts, embedded documents extracted recursively through the registry, no detectors)
// and through the whole Checker (extraction + text layer + detectors), on:
//   - the corpus' small office documents (latency of one typical attachment);
//   - the big inputs of bench/make_container_inputs.sh (a 200-page PDF, the same text as
//     DOCX, a 50,000-row XLSX and a ~100 MB ZIP of mixed documents), read from
//     $SENDGUARD_BENCH_INPUTS (default /tmp/sendguard-bench); missing inputs are skipped.
//
//   bench/make_container_inputs.sh && build/bench/extract_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "doccheck/checker.h"
#include "extract/container_extractors.h"
#include "extract/registry.h"
#include "extract/sniff.h"

namespace doccheck {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// $SENDGUARD_CORPUS_DIR, else the shared/ folder beside the source tree (as CMake assumes).
std::string CorpusPath(const std::string& name) {
  if (const char* dir = std::getenv("SENDGUARD_CORPUS_DIR")) {
    return std::string(dir) + "/docs/" + name;
  }
  std::string here = __FILE__;
  return here.substr(0, here.rfind('/')) + "/../../shared/corpus/docs/" + name;
}

std::string BigInputPath(const std::string& name) {
  const char* dir = std::getenv("SENDGUARD_BENCH_INPUTS");
  return std::string(dir != nullptr ? dir : "/tmp/sendguard-bench") + "/" + name;
}

// Counts what it is given; extracts embedded documents recursively like the Checker.
class CountingSink : public ExtractSink {
 public:
  CountingSink(Budget& budget, int depth) : budget_(budget), depth_(depth) {}
  void Text(const TextBlock& block) override {
    ++blocks;
    text_bytes += block.text.size();
  }
  void Embedded(std::string_view name, std::string_view bytes) override {
    ++children;
    if (depth_ + 1 > budget_.limits().max_depth) return;
    const Extractor* extractor = FindExtractor(SniffFormat(bytes, name));
    if (extractor == nullptr) return;
    CountingSink child(budget_, depth_ + 1);
    extractor->Extract(bytes, child);
    blocks += child.blocks;
    text_bytes += child.text_bytes;
    children += child.children;
    errors += child.errors;
  }
  void Error(ErrorCode, std::string) override { ++errors; }
  Budget& budget() override { return budget_; }
  int depth() const override { return depth_; }

  std::uint64_t blocks = 0, text_bytes = 0, children = 0, errors = 0;

 private:
  Budget& budget_;
  int depth_;
};

void RunExtract(benchmark::State& state, const Extractor& extractor, const std::string& path) {
  const std::string bytes = ReadFile(path);
  if (bytes.empty()) {
    state.SkipWithError(("missing input " + path).c_str());
    return;
  }
  for (auto _ : state) {
    Budget budget{Limits{}};
    CountingSink sink(budget, 0);
    extractor.Extract(bytes, sink);
    benchmark::DoNotOptimize(sink.text_bytes);
    state.counters["blocks"] = static_cast<double>(sink.blocks);
    state.counters["text_MB"] = static_cast<double>(sink.text_bytes) / 1e6;
    state.counters["children"] = static_cast<double>(sink.children);
    state.counters["errors"] = static_cast<double>(sink.errors);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void RunCheck(benchmark::State& state, const std::string& path) {
  const std::string bytes = ReadFile(path);
  if (bytes.empty()) {
    state.SkipWithError(("missing input " + path).c_str());
    return;
  }
  static const Checker checker;
  for (auto _ : state) {
    FileReport report = checker.CheckBytes(path, bytes);
    benchmark::DoNotOptimize(report.klass);
    state.counters["findings"] = static_cast<double>(report.findings.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

// Small corpus documents: extraction alone.
BENCHMARK_CAPTURE(RunExtract, Docx_08, DocxExtractor(), CorpusPath("08_application.docx"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(RunExtract, Xlsx_09, XlsxExtractor(), CorpusPath("09_residents.xlsx"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(RunExtract, Pptx_10, PptxExtractor(), CorpusPath("10_secret_slides.pptx"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(RunExtract, Ods_12, OdsExtractor(), CorpusPath("12_residents.ods"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(RunExtract, Pdf_13, PdfExtractor(), CorpusPath("13_passport_residence.pdf"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(RunExtract, Eml_19, EmlExtractor(), CorpusPath("19_mail_with_docx.eml"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(RunExtract, Bomb_18, ZipArchiveExtractor(), CorpusPath("18_bomb.zip"))
    ->Unit(benchmark::kMicrosecond);

// Big inputs: extraction alone, then the whole check.
BENCHMARK_CAPTURE(RunExtract, Pdf_200_pages, PdfExtractor(), BigInputPath("pages200.pdf"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RunExtract, Docx_200_pages, DocxExtractor(), BigInputPath("pages200.docx"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RunExtract, Xlsx_50k_rows, XlsxExtractor(), BigInputPath("rows50k.xlsx"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RunExtract, Zip_100MB_mixed, ZipArchiveExtractor(),
                  BigInputPath("mixed100mb.zip"))
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

BENCHMARK_CAPTURE(RunCheck, Pdf_200_pages, BigInputPath("pages200.pdf"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RunCheck, Docx_200_pages, BigInputPath("pages200.docx"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RunCheck, Xlsx_50k_rows, BigInputPath("rows50k.xlsx"))
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace doccheck

BENCHMARK_MAIN();
