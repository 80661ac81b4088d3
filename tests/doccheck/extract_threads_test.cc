// The container extractors are shared singletons: running them on several threads at
// once must give exactly what one thread gives (poppler, vmime, Poco and ICU included).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "doccheck/extract_recording_sink.h"
#include "extract/container_extractors.h"

namespace doccheck {
namespace {

TEST(ExtractThreadsTest, ConcurrentRunsMatchASingleRun) {
  const std::vector<std::pair<const Extractor*, std::string>> cases = {
      {&DocxExtractor(), CorpusFile("08_application.docx")},
      {&XlsxExtractor(), CorpusFile("09_residents.xlsx")},
      {&PptxExtractor(), CorpusFile("10_secret_slides.pptx")},
      {&OdtExtractor(), CorpusFile("11_bank_transfer.odt")},
      {&OdsExtractor(), CorpusFile("12_residents.ods")},
      {&PdfExtractor(), CorpusFile("13_passport_residence.pdf")},
      {&ZipArchiveExtractor(), CorpusFile("14_bundle.zip")},
      {&EmlExtractor(), CorpusFile("19_mail_with_docx.eml")},
      {&OdpExtractor(), CorpusFile("23_personnel_plan.odp")},
  };
  std::vector<std::string> expected;
  for (const auto& [extractor, bytes] : cases) {
    RecordingSink sink;
    extractor->Extract(bytes, sink);
    expected.push_back(FormatRecording(sink));
  }
  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < cases.size(); ++i) {
          const std::size_t k = (i + static_cast<std::size_t>(t)) % cases.size();
          RecordingSink sink;
          cases[k].first->Extract(cases[k].second, sink);
          if (round == 0) got[t].resize(cases.size());
          got[t][k] = FormatRecording(sink);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(got[t], expected) << "thread " << t;
}

}  // namespace
}  // namespace doccheck
