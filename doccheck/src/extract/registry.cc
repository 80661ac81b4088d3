#include "extract/registry.h"

#include "extract/container_extractors.h"
#include "extract/text_extractors.h"

namespace doccheck {

const Extractor* FindExtractor(std::string_view format) {
  struct Row {
    std::string_view format;
    const Extractor& (*get)();
  };
  static constexpr Row kTable[] = {
      {"txt", &PlainTextExtractor}, {"csv", &CsvExtractor},        {"html", &HtmlExtractor},
      {"eml", &EmlExtractor},       {"zip", &ZipArchiveExtractor}, {"docx", &DocxExtractor},
      {"xlsx", &XlsxExtractor},     {"pptx", &PptxExtractor},      {"odt", &OdtExtractor},
      {"ods", &OdsExtractor},       {"odp", &OdpExtractor},        {"pdf", &PdfExtractor},
  };
  for (const Row& row : kTable) {
    if (row.format == format) return &row.get();
  }
  return nullptr;
}

}  // namespace doccheck
