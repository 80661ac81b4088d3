// Fuzzes the PDF extractor (poppler-cpp in the plugin libsendguard-pdf.so, which
// doccheck loads with dlopen; built with the same sanitizer flags, found through RUNPATH).
#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "extract/container_extractors.h"
#include "fuzz_sink.h"

// The plugin is loaded before libFuzzer counts its modules, so that poppler's coverage
// guides the run (loaded on the first input, it was not among them); the extractor's own
// dlopen of the same name then finds it loaded. Without it every input would only be
// "could not be loaded".
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* env = secure_getenv("SENDGUARD_PDF_PLUGIN");
  if (!dlopen(env && *env ? env : "libsendguard-pdf.so", RTLD_NOW | RTLD_LOCAL)) {
    const char* why = dlerror();
    std::fprintf(stderr, "pdf_fuzz: %s\n", why ? why : "libsendguard-pdf.so cannot be loaded");
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  doccheck::FuzzSink sink;
  doccheck::PdfExtractor().Extract(std::string_view(reinterpret_cast<const char*>(data), size),
                                   sink);
  return 0;
}
