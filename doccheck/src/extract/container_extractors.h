// Factories of the container extractors: ZIP archives, OOXML (DOCX, XLSX, PPTX), ODF
// (ODT, ODS, ODP), PDF and EML. Each returns a stateless, thread-safe singleton for the
// registry table in registry.cc.
#ifndef DOCCHECK_SRC_EXTRACT_CONTAINER_EXTRACTORS_H_
#define DOCCHECK_SRC_EXTRACT_CONTAINER_EXTRACTORS_H_

#include "extract/extractor.h"

namespace doccheck {

const Extractor& ZipArchiveExtractor();  // "zip": every entry becomes an Embedded child
const Extractor& DocxExtractor();        // "docx"
const Extractor& XlsxExtractor();        // "xlsx": one block per cell, with sheet/cell/header
const Extractor& PptxExtractor();        // "pptx": one block per slide (page = slide number)
const Extractor& OdtExtractor();         // "odt"
const Extractor& OdsExtractor();         // "ods": one block per cell, with sheet/cell/header
const Extractor& OdpExtractor();         // "odp": one block per slide (page = slide number)
const Extractor& PdfExtractor();         // "pdf": one block per page
const Extractor& EmlExtractor();         // "eml": body text, attachments as Embedded children

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_CONTAINER_EXTRACTORS_H_
