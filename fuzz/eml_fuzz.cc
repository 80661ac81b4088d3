// Fuzzes the EML extractor (vmime and ICU charset conversion in the MIME reader plugin,
// libsendguard-mime.so, built with the same sanitizers).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "extract/container_extractors.h"
#include "fuzz_sink.h"
#include "mime/mime_plugin.h"

// The plugin is loaded before libFuzzer counts its modules, so that its coverage guides
// the run; without it every input would only be "could not be loaded".
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const mime::MimePlugin& plugin = mime::LoadMimePlugin();
  if (!plugin.api) {
    std::fprintf(stderr, "eml_fuzz: %s\n", plugin.error.c_str());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  doccheck::FuzzSink sink;
  doccheck::EmlExtractor().Extract(std::string_view(reinterpret_cast<const char*>(data), size),
                                   sink);
  return 0;
}
