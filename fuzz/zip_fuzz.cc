// Fuzzes the ZIP reader and every ZIP-based extractor with raw archive bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/container_extractors.h"
#include "extract/zip_sniff.h"
#include "fuzz_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doccheck;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)SniffZipFormat(bytes);
  for (const Extractor* e : {&ZipArchiveExtractor(), &DocxExtractor(), &XlsxExtractor(),
                             &PptxExtractor(), &OdtExtractor(), &OdsExtractor(), &OdpExtractor()}) {
    FuzzSink sink;
    e->Extract(bytes, sink);
  }
  return 0;
}
