// The table of extractors by format name.
#ifndef DOCCHECK_SRC_EXTRACT_REGISTRY_H_
#define DOCCHECK_SRC_EXTRACT_REGISTRY_H_

#include <string_view>

#include "extract/extractor.h"

namespace doccheck {

// The extractor for `format` (as SniffFormat names it), or nullptr.
const Extractor* FindExtractor(std::string_view format);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_REGISTRY_H_
