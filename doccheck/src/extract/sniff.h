// Identifies a document's format by its content (the name only breaks ties between
// plain text and CSV). Returns "txt", "csv", "html", "eml", "pdf", "zip", "docx", "xlsx",
// "pptx", "odt", "ods", "odp", "encrypted-office" (an OOXML file with a password), or
// "unknown" for binary content we do not read.
#ifndef DOCCHECK_SRC_EXTRACT_SNIFF_H_
#define DOCCHECK_SRC_EXTRACT_SNIFF_H_

#include <optional>
#include <string_view>

#include "text/decode.h"

namespace doccheck {

// `bytes` should hold the whole document for ZIP-based formats (their directory is at the
// end); for the others the first 64 KiB are enough.
std::string_view SniffFormat(std::string_view bytes, std::string_view name);
// The same; when the format was judged from the text, also sets `*charset` to
// DetectCharset(bytes.substr(0, 64 KiB)), so that a caller holding only those bytes does not
// judge them twice. Left untouched otherwise.
std::string_view SniffFormat(std::string_view bytes, std::string_view name,
                             std::optional<Charset>* charset);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_SNIFF_H_
