// PDF via poppler-cpp: one TextBlock per page (page set, 1-based), text as poppler's
// physical layout gives it. A PDF that needs a password is kEncrypted (one that opens
// without one is read); pages without extractable text are reported as kUnsupported, so
// a scanned image is never silently clean. Poppler's own messages are silenced.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "extract/container_extractors.h"

namespace doccheck {
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

class Pdf : public Extractor {
 public:
  std::string_view format() const override { return "pdf"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override;
};

void Pdf::Extract(std::string_view bytes, ExtractSink& sink) const {
  SilencePoppler();
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    sink.Error(ErrorCode::kLimit, "PDF is too large to open");
    return;
  }
  Budget& budget = sink.budget();
  try {
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (!doc) {
      sink.Error(ErrorCode::kCorrupt, "PDF could not be opened (damaged or not a PDF)");
      return;
    }
    if (doc->is_locked()) {
      sink.Error(ErrorCode::kEncrypted, "PDF is password-protected");
      return;
    }
    const int pages = doc->pages();
    std::vector<int> blank;
    for (int i = 0; i < pages; ++i) {
      if (budget.Expired()) {
        sink.Error(ErrorCode::kLimit, "time limit reached at page " + std::to_string(i + 1) +
                                          " of " + std::to_string(pages));
        return;
      }
      std::unique_ptr<poppler::page> page(doc->create_page(i));
      if (!page) {
        sink.Error(ErrorCode::kCorrupt, "page " + std::to_string(i + 1) + " could not be read");
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
      if (!budget.ChargeBytes(text.size())) {
        sink.Error(ErrorCode::kLimit, "text of the PDF is over the size limit (at page " +
                                          std::to_string(i + 1) + ")");
        return;
      }
      Location where;
      where.page = i + 1;
      sink.Text(TextBlock{text, false, where, ""});
    }
    if (!blank.empty()) {
      sink.Error(ErrorCode::kUnsupported,
                 DescribePages(blank) + " no extractable text (scanned image?)");
    }
  } catch (const std::bad_alloc&) {
    sink.Error(ErrorCode::kLimit, "out of memory while reading the PDF");
  } catch (const std::exception&) {
    sink.Error(ErrorCode::kCorrupt, "PDF could not be read");
  }
}

}  // namespace

const Extractor& PdfExtractor() {
  static const Pdf kExtractor;
  return kExtractor;
}

}  // namespace doccheck
