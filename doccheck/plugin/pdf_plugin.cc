// libsendguard-pdf.so: doccheck's PDF reader, the only code that links poppler-cpp.
// doccheck loads it with dlopen on the first PDF (extract/pdf.cc) and calls
// sendguard_pdf_extract_v1 (extract/pdf_plugin_abi.h).
//
// One text block per page (page set, 1-based), text as poppler's physical layout gives
// it. A PDF that needs a password is SG_PDF_ENCRYPTED (one that opens without one is
// read); pages without extractable text are reported as SG_PDF_UNSUPPORTED, so a
// scanned image is never silently clean. Poppler's own messages are silenced.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "extract/pdf_plugin_abi.h"

namespace {

void IgnorePopplerMessage(const std::string&, void*) {}

// Poppler's error callback is process-wide; install the silent one once.
void SilencePoppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(IgnorePopplerMessage, nullptr); });
}

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != '\f') return false;
  }
  return true;
}

// "page 3 has" / "pages 2, 5, 7 and 12 more have".
std::string DescribePages(const std::vector<int>& pages) {
  constexpr std::size_t kListed = 10;
  std::string s = pages.size() == 1 ? "page " : "pages ";
  for (std::size_t i = 0; i < pages.size() && i < kListed; ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(pages[i]);
  }
  if (pages.size() > kListed) s += " and " + std::to_string(pages.size() - kListed) + " more";
  s += pages.size() == 1 ? " has" : " have";
  return s;
}

void Error(const SgPdfSink& sink, int code, const std::string& message) {
  sink.error(sink.ctx, code, message.c_str());
}

void Extract(const char* data, std::size_t size, const SgPdfSink& sink) {
  SilencePoppler();
  if (size > static_cast<std::size_t>(INT_MAX)) {
    Error(sink, SG_PDF_LIMIT, "PDF is too large to open");
    return;
  }
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(data, static_cast<int>(size)));
  if (!doc) {
    Error(sink, SG_PDF_CORRUPT, "PDF could not be opened (damaged or not a PDF)");
    return;
  }
  if (doc->is_locked()) {
    Error(sink, SG_PDF_ENCRYPTED, "PDF is password-protected");
    return;
  }
  const int pages = doc->pages();
  std::vector<int> blank;
  for (int i = 0; i < pages; ++i) {
    if (sink.expired(sink.ctx)) {
      Error(sink, SG_PDF_LIMIT,
            "time limit reached at page " + std::to_string(i + 1) + " of " + std::to_string(pages));
      return;
    }
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) {
      Error(sink, SG_PDF_CORRUPT, "page " + std::to_string(i + 1) + " could not be read");
      continue;
    }
    poppler::byte_array utf8 = page->text().to_utf8();
    std::string_view text(utf8.data(), utf8.size());
    while (!text.empty() && (text.back() == '\f' || text.back() == '\n' || text.back() == ' ')) {
      text.remove_suffix(1);
    }
    if (IsBlank(text)) {
      blank.push_back(i + 1);
      continue;
    }
    if (!sink.text(sink.ctx, i + 1, text.data(), text.size())) return;
  }
  if (!blank.empty()) {
    Error(sink, SG_PDF_UNSUPPORTED, DescribePages(blank) + " no extractable text (scanned image?)");
  }
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void sendguard_pdf_extract_v1(
    const char* data, size_t size, const SgPdfSink* sink) {
  try {
    Extract(data, size, *sink);
  } catch (const std::bad_alloc&) {
    Error(*sink, SG_PDF_LIMIT, "out of memory while reading the PDF");
  } catch (...) {
    Error(*sink, SG_PDF_CORRUPT, "PDF could not be read");
  }
}
