// Package: the ZIP container of an office document (OOXML or ODF) as its extractors see
// it. Reads parts with every limit applied and reports what goes wrong to the sink, so the
// DOCX/XLSX/PPTX/ODF extractors only decide which parts to read and what text they hold.
//
// Promises: a damaged ZIP (truncated, no central directory) is reported once as kCorrupt
// and what can be salvaged is still offered; each part read is charged as one entry and its
// bytes as it is inflated; after a limit error (`stopped()`), nothing more is read.
// Not thread-safe; one Package lives for one Extract call.
#ifndef DOCCHECK_SRC_EXTRACT_PACKAGE_H_
#define DOCCHECK_SRC_EXTRACT_PACKAGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/xml_text.h"
#include "extract/zip_reader.h"

namespace doccheck {

// One relationship of an OOXML part (from its _rels/NAME.rels).
struct Relationship {
  std::string id;
  std::string type;    // full type URI; compare with EndsWith(type, "/officeDocument")
  std::string target;  // resolved to a package path ("word/header1.xml")
  bool external = false;
};

class Package {
 public:
  // Opens the container in `bytes` (which must outlive the Package). `format` names the
  // document kind in messages ("docx").
  Package(std::string_view bytes, std::string_view format, ExtractSink& sink);

  // False when the bytes are not a ZIP container at all (already reported as kCorrupt).
  bool ok() const { return zip_.ok(); }
  // True after a limit or time error: the caller should stop.
  bool stopped() const { return stopped_; }
  const ZipArchive& zip() const { return zip_; }
  ExtractSink& sink() { return sink_; }

  // Reads the part `entry` into `*out`. False (with the error reported) when it could not
  // be read completely.
  bool Read(const ZipEntry& entry, std::string* out);
  // Reads the part named `name`; false without an error when there is no such part.
  bool Read(std::string_view name, std::string* out);
  // Reads and parses the XML part `name` into `handler`. False when missing or failing
  // (failures reported).
  bool Parse(std::string_view name, XmlHandler& handler);
  // The same with the lean scanner (lean_xml.h) for large, simple UTF-8 parts; parts in
  // another encoding go to Parse's parser.
  bool ParseLean(std::string_view name, XmlHandler& handler);
  // Hands the part `entry` to the sink as an embedded document named by its path.
  void Embed(const ZipEntry& entry);
  // Reports `error` to the sink, noting limit errors so that stopped() becomes true.
  void Report(FileError error);

  // Relationships of the OOXML part `part` ("" for the package itself); empty when none.
  std::vector<Relationship> Relationships(std::string_view part);

 private:
  ZipArchive zip_;
  std::string_view format_;
  ExtractSink& sink_;
  bool stopped_ = false;
};

// Hands every entry under `prefix` that may be a document (not an image, an OLE blob or
// a directory) to the sink as Embedded; used for objects embedded in office documents.
void EmbedOfficeObjects(Package& package, std::string_view prefix);

bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);

// Resolves an OOXML relationship target against the part that holds it
// ("word/document.xml" + "../customXml/item1.xml" -> "customXml/item1.xml").
std::string ResolvePartPath(std::string_view base_part, std::string_view target);

// The number in a part name such as "ppt/slides/slide12.xml" (12), or 0 when none.
int PartNumber(std::string_view name);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_PACKAGE_H_
