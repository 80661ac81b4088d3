// Tells the ZIP-based formats apart by content: OOXML by the main part named in
// [Content_Types].xml, ODF by its `mimetype` entry. Called by sniff.cc for bytes that
// start like a ZIP archive. Thread-safe; reads at most the two small entries.
#ifndef DOCCHECK_SRC_EXTRACT_ZIP_SNIFF_H_
#define DOCCHECK_SRC_EXTRACT_ZIP_SNIFF_H_

#include <string_view>

namespace doccheck {

// "docx", "xlsx", "pptx", "odt", "ods", "odp", or "zip" for any other (or broken) archive.
std::string_view SniffZipFormat(std::string_view bytes);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_ZIP_SNIFF_H_
