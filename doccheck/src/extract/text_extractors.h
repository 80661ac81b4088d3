// Extractors for the text formats: plain text, CSV/TSV and HTML. One per file.
#ifndef DOCCHECK_SRC_EXTRACT_TEXT_EXTRACTORS_H_
#define DOCCHECK_SRC_EXTRACT_TEXT_EXTRACTORS_H_

#include "extract/extractor.h"

namespace doccheck {

const Extractor& PlainTextExtractor();  // "txt": the whole text as one raw block
const Extractor& CsvExtractor();        // "csv": one block per cell, headed by row 1
const Extractor& HtmlExtractor();       // "html": visible text, cells tab-separated

// "A", "B", ... "Z", "AA" for a 0-based column index.
std::string ColumnName(int column);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_TEXT_EXTRACTORS_H_
