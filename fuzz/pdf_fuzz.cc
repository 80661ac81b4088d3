// Fuzzes the PDF extractor (poppler-cpp in the plugin libsendguard-pdf.so, which
// doccheck loads with dlopen; built with the same sanitizer flags, found through RUNPATH).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/container_extractors.h"
#include "fuzz_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  doccheck::FuzzSink sink;
  doccheck::PdfExtractor().Extract(std::string_view(reinterpret_cast<const char*>(data), size),
                                   sink);
  return 0;
}
