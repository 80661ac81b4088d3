// A lean XML scanner for the large, simple parts of office documents (XLSX worksheets and
// shared strings), where expat behind Poco's SAX adapter cost a std::string per name and
// attribute and a fifth of the time. Same callbacks as ParseXml (xml_text.h), same local
// names, same character data (CR LF and lone CR read as LF, the five predefined entities
// and character references decoded, CDATA sections passed through).
//
// Strict where the format is: input must be UTF-8 (a UTF-16 BOM or another declared
// encoding is left to ParseXml, see LeanXmlApplies); a DOCTYPE, an entity that is not
// predefined, a tag that is not closed or not matched, a bad attribute, a control
// character or malformed UTF-8 stop the parse with kCorrupt at that point, after what
// came before it was delivered (as expat does). Lenient only where nothing is lost: the
// XML declaration's content and the characters allowed in names are not checked (expat
// would refuse such a part; this scanner reads it). No DTD means no entity expansion, so
// billion-laughs input is a quick error. Memory: the open-element stack (a view per
// level) and one scratch string for decoded text, both bounded by the part's size.
// Thread-safe: each call has its own state.
#ifndef DOCCHECK_SRC_EXTRACT_LEAN_XML_H_
#define DOCCHECK_SRC_EXTRACT_LEAN_XML_H_

#include <optional>
#include <string_view>

#include "doccheck/report.h"
#include "extract/extractor.h"
#include "extract/xml_text.h"

namespace doccheck {

// False when `xml` is not UTF-8 by its BOM or XML declaration (ParseXml handles it).
bool LeanXmlApplies(std::string_view xml);

// Parses `xml` (named `part` in messages) into `handler`. nullopt on success, kCorrupt
// for malformed XML or a DOCTYPE, kLimit when the time budget runs out.
std::optional<FileError> ParseLeanXml(std::string_view xml, std::string_view part,
                                      XmlHandler& handler, Budget& budget);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_LEAN_XML_H_
