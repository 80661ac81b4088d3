// Fuzzes the EML extractor (vmime behind our adapter, ICU charset conversion).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/container_extractors.h"
#include "fuzz_sink.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  doccheck::FuzzSink sink;
  doccheck::EmlExtractor().Extract(std::string_view(reinterpret_cast<const char*>(data), size),
                                   sink);
  return 0;
}
