// Safe SAX parsing for the XML parts of office documents (OOXML and ODF), and the few
// helpers the text collectors of those formats share.
//
// ParseXml wraps Poco::XML's SAX parser (expat) so that callers see plain callbacks with
// namespace-free local names and never an exception. Office parts never need a DTD, so a
// part with a DOCTYPE is refused (no entity expansion: billion-laughs input is a quick
// kCorrupt, never memory growth); expat's own amplification guard is set tight as a second
// line. The time budget is checked while parsing. Thread-safe: each call has its own parser.
#ifndef DOCCHECK_SRC_EXTRACT_XML_TEXT_H_
#define DOCCHECK_SRC_EXTRACT_XML_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "doccheck/report.h"
#include "extract/extractor.h"

namespace doccheck {

// Attributes of one element, looked up by local name (the namespace prefix is ignored).
class XmlAttributes {
 public:
  virtual ~XmlAttributes() = default;
  // The value of the attribute with local name `local`, or nullopt.
  virtual std::optional<std::string_view> Get(std::string_view local) const = 0;
};

// Receives the events of one part, in document order. Names are local names ("p" for
// "w:p"). Returning false from any callback stops the parse without an error.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual bool StartElement(std::string_view local, const XmlAttributes& attributes) = 0;
  virtual bool EndElement(std::string_view local) = 0;
  virtual bool Characters(std::string_view text) = 0;
};

// Parses the XML part `xml` (named `part` in error messages) into `handler`. Returns
// nullopt on success, kCorrupt for malformed XML or a DOCTYPE, kLimit when the time budget
// runs out.
std::optional<FileError> ParseXml(std::string_view xml, std::string_view part, XmlHandler& handler,
                                  Budget& budget);

// Appends text to a growing block while keeping its separators tidy: no separator at the
// start, no doubled separators, trailing separators dropped by Finish().
class TextBuilder {
 public:
  void Append(std::string_view text) { text_.append(text); }
  // Adds '\n', '\t' or ' ' unless the text is empty or already ends with a separator; a
  // stronger separator replaces a weaker trailing one ('\n' over '\t' over ' ').
  void Separator(char c);
  bool empty() const { return text_.empty(); }
  // The text with trailing separators removed; the builder is left empty.
  std::string Finish();

 private:
  std::string text_;
};

// Collects the running text of a word-processing or presentation part: paragraphs end
// with '\n', the cells of one table row are separated by '\t' (so a label stays next to its
// value), runs of one paragraph are joined without separators. Inside a table cell,
// paragraph and line breaks become spaces. Ruby (furigana) text, field codes and
// markup-compatibility fallbacks (duplicates of the real content) are left out.
class DocumentTextHandler : public XmlHandler {
 public:
  enum class Dialect {
    kOoxml,  // WordprocessingML / DrawingML: text is in <w:t>/<a:t>
    kOdf,    // OpenDocument: text is any character data inside <text:p>/<text:h>
  };
  explicit DocumentTextHandler(Dialect dialect) : dialect_(dialect) {}

  bool StartElement(std::string_view local, const XmlAttributes& attributes) override;
  bool EndElement(std::string_view local) override;
  bool Characters(std::string_view text) override;

  // The text collected so far (trailing separators removed); collection starts afresh.
  std::string TakeText() { return text_.Finish(); }
  bool empty() const { return text_.empty(); }

 private:
  void Break();

  Dialect dialect_;
  TextBuilder text_;
  int skip_depth_ = 0;        // > 0 inside an element whose content is left out
  int text_depth_ = 0;        // > 0 where character data is text
  int run_depth_ = 0;         // > 0 inside an OOXML run
  int cell_depth_ = 0;        // > 0 inside a table cell
  int annotation_depth_ = 0;  // > 0 inside an ODF comment (its author and date are left out)
};

// Cell reference of a 0-based column and 1-based row: (2, 14) -> "C14".
std::string CellRef(std::uint64_t column, std::uint64_t row);
// The same into `*out`, reusing its storage (once per spreadsheet cell).
void AssignCellRef(std::uint64_t column, std::uint64_t row, std::string* out);
// Parses "C14" into 0-based column 2 and row 14; false when `ref` is not a cell reference.
bool ParseCellRef(std::string_view ref, std::uint64_t* column, std::uint64_t* row);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_XML_TEXT_H_
