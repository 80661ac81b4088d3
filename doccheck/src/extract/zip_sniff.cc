#include "extract/zip_sniff.h"

#include <string>

#include "doccheck/options.h"
#include "extract/zip_reader.h"

namespace doccheck {
namespace {

// Content types of the OOXML main parts (macro-enabled and template variants included).
std::string_view FormatFromContentTypes(std::string_view types) {
  if (types.find("wordprocessingml.document.main") != std::string_view::npos ||
      types.find("wordprocessingml.template.main") != std::string_view::npos ||
      types.find("ms-word.document.macroEnabled.main") != std::string_view::npos ||
      types.find("ms-word.template.macroEnabledTemplate.main") != std::string_view::npos) {
    return "docx";
  }
  if (types.find("spreadsheetml.sheet.main") != std::string_view::npos ||
      types.find("spreadsheetml.template.main") != std::string_view::npos ||
      types.find("ms-excel.sheet.macroEnabled.main") != std::string_view::npos ||
      types.find("ms-excel.template.macroEnabled.main") != std::string_view::npos) {
    return "xlsx";
  }
  if (types.find("presentationml.presentation.main") != std::string_view::npos ||
      types.find("presentationml.slideshow.main") != std::string_view::npos ||
      types.find("presentationml.template.main") != std::string_view::npos ||
      types.find("ms-powerpoint.presentation.macroEnabled.main") != std::string_view::npos ||
      types.find("ms-powerpoint.slideshow.macroEnabled.main") != std::string_view::npos) {
    return "pptx";
  }
  return "zip";
}

std::string_view FormatFromMimetype(std::string_view mimetype) {
  while (!mimetype.empty() &&
         (mimetype.back() == '\n' || mimetype.back() == '\r' || mimetype.back() == ' ')) {
    mimetype.remove_suffix(1);
  }
  if (mimetype == "application/vnd.oasis.opendocument.text" ||
      mimetype == "application/vnd.oasis.opendocument.text-template") {
    return "odt";
  }
  if (mimetype == "application/vnd.oasis.opendocument.spreadsheet" ||
      mimetype == "application/vnd.oasis.opendocument.spreadsheet-template") {
    return "ods";
  }
  if (mimetype == "application/vnd.oasis.opendocument.presentation" ||
      mimetype == "application/vnd.oasis.opendocument.presentation-template") {
    return "odp";
  }
  return "zip";
}

}  // namespace

std::string_view SniffZipFormat(std::string_view bytes) {
  // Sniffing reads two small entries; it has its own tiny budget.
  Limits limits;
  limits.max_file_bytes = 1 << 20;
  limits.max_tree_bytes = 4 << 20;
  Budget budget(limits);
  ZipArchive zip(bytes, 100000);
  if (!zip.ok()) return "zip";
  std::string data;
  if (const ZipEntry* e = zip.Find("mimetype")) {
    if (!zip.Read(*e, budget, 256, &data)) return FormatFromMimetype(data);
  }
  if (const ZipEntry* e = zip.Find("[Content_Types].xml")) {
    if (!zip.Read(*e, budget, 1 << 20, &data)) return FormatFromContentTypes(data);
  }
  // A damaged package (often a truncated file, whose [Content_Types].xml is at the end):
  // recognise it by its main part so that it is reported as the document it is.
  for (const ZipEntry& e : zip.entries()) {
    if (e.name == "word/document.xml") return "docx";
    if (e.name == "xl/workbook.xml") return "xlsx";
    if (e.name == "ppt/presentation.xml") return "pptx";
  }
  return "zip";
}

}  // namespace doccheck
