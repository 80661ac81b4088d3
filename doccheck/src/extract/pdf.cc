// PDF: read by the plugin libsendguard-pdf.so (doccheck/plugin/pdf_plugin.cc), the only
// code that links poppler. It is loaded with dlopen on the first PDF, so a process that
// never reads one maps none of poppler's libraries. Found as SENDGUARD_PDF_PLUGIN when
// that is set (a path; for tests and unusual installs), else by name through the
// program's RUNPATH: the build tree's doccheck/ folder, or /usr/lib/sendguard when
// installed. A plugin that cannot be loaded fails closed: the PDF gets an `io` error
// ("not fully checked"), never an empty clean report.
#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "extract/container_extractors.h"
#include "extract/pdf_plugin_abi.h"

namespace doccheck {
namespace {

constexpr char kPluginName[] = "libsendguard-pdf.so";

struct Plugin {
  SgPdfExtractFn extract = nullptr;
  std::string error;  // why it could not be loaded
};

// Loaded once per process and kept for its lifetime (never dlclose'd: poppler keeps
// process-wide state).
const Plugin& LoadPlugin() {
  static const Plugin plugin = [] {
    Plugin p;
    // secure_getenv: ignored in a set-user-ID program, where it would load anyone's code.
    const char* env = secure_getenv("SENDGUARD_PDF_PLUGIN");
    const std::string path = env && *env ? env : kPluginName;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      p.error = why ? why : path + ": cannot be loaded";
      return p;
    }
    p.extract = reinterpret_cast<SgPdfExtractFn>(dlsym(handle, SG_PDF_EXTRACT_SYMBOL));
    if (!p.extract) p.error = path + ": has no " SG_PDF_EXTRACT_SYMBOL;
    return p;
  }();
  return plugin;
}

ErrorCode CodeOf(int code) {
  switch (code) {
    case SG_PDF_ENCRYPTED:
      return ErrorCode::kEncrypted;
    case SG_PDF_UNSUPPORTED:
      return ErrorCode::kUnsupported;
    case SG_PDF_LIMIT:
      return ErrorCode::kLimit;
    case SG_PDF_CORRUPT:
    default:
      return ErrorCode::kCorrupt;
  }
}

int OnText(void* ctx, int page, const char* utf8, size_t size) {
  ExtractSink& sink = *static_cast<ExtractSink*>(ctx);
  if (!sink.budget().ChargeBytes(size)) {
    sink.Error(ErrorCode::kLimit,
               "text of the PDF is over the size limit (at page " + std::to_string(page) + ")");
    return 0;
  }
  Location where;
  where.page = page;
  sink.Text(TextBlock{std::string_view(utf8, size), false, where, ""});
  return 1;
}

void OnError(void* ctx, int code, const char* message) {
  static_cast<ExtractSink*>(ctx)->Error(CodeOf(code), message ? message : "");
}

int OnExpired(void* ctx) { return static_cast<ExtractSink*>(ctx)->budget().Expired() ? 1 : 0; }

class Pdf : public Extractor {
 public:
  std::string_view format() const override { return "pdf"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override {
    const Plugin& plugin = LoadPlugin();
    if (!plugin.extract) {
      sink.Error(ErrorCode::kIo, "the PDF reader could not be loaded (" + plugin.error +
                                     "): the PDF was not checked");
      return;
    }
    const SgPdfSink c_sink{&sink, OnText, OnError, OnExpired};
    plugin.extract(bytes.data(), bytes.size(), &c_sink);
  }
};

}  // namespace

const Extractor& PdfExtractor() {
  static const Pdf kExtractor;
  return kExtractor;
}

}  // namespace doccheck
