#include "extract/xml_text.h"

#include <Poco/Exception.h>
#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/ContentHandler.h>
#include <Poco/SAX/LexicalHandler.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/SAX/SAXParser.h>

#include <algorithm>
#include <cstring>
#include <exception>

namespace doccheck {
namespace {

// Thrown from inside SAX callbacks to abandon a parse; caught in ParseXml.
struct StopParse {
  std::optional<FileError> error;
};

class PocoAttributes : public XmlAttributes {
 public:
  explicit PocoAttributes(const Poco::XML::Attributes& attributes) : attributes_(attributes) {}
  std::optional<std::string_view> Get(std::string_view local) const override {
    const int n = attributes_.getLength();
    for (int i = 0; i < n; ++i) {
      const std::string& name = attributes_.getLocalName(i);
      std::string_view bare = name;
      if (bare.empty()) {
        // Without namespace processing of attributes, the local name is the qname.
        bare = attributes_.getQName(i);
        std::size_t colon = bare.find(':');
        if (colon != std::string_view::npos) bare.remove_prefix(colon + 1);
      }
      if (bare == local) return std::string_view(attributes_.getValue(i));
    }
    return std::nullopt;
  }

 private:
  const Poco::XML::Attributes& attributes_;
};

// Adapts Poco's SAX interfaces to XmlHandler, refusing DTDs and watching the clock.
class Adapter : public Poco::XML::ContentHandler, public Poco::XML::LexicalHandler {
 public:
  Adapter(XmlHandler& handler, Budget& budget, std::string_view part)
      : handler_(handler), budget_(budget), part_(part) {}

  void setDocumentLocator(const Poco::XML::Locator*) override {}
  void startDocument() override {}
  void endDocument() override {}
  void startPrefixMapping(const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {}
  void endPrefixMapping(const Poco::XML::XMLString&) override {}
  void ignorableWhitespace(const Poco::XML::XMLChar ch[], int start, int length) override {
    characters(ch, start, length);
  }
  void processingInstruction(const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {}
  void skippedEntity(const Poco::XML::XMLString&) override {}

  void startElement(const Poco::XML::XMLString&, const Poco::XML::XMLString& local_name,
                    const Poco::XML::XMLString& qname,
                    const Poco::XML::Attributes& attributes) override {
    Tick();
    PocoAttributes attrs(attributes);
    if (!handler_.StartElement(Local(local_name, qname), attrs)) throw StopParse{};
  }
  void endElement(const Poco::XML::XMLString&, const Poco::XML::XMLString& local_name,
                  const Poco::XML::XMLString& qname) override {
    if (!handler_.EndElement(Local(local_name, qname))) throw StopParse{};
  }
  void characters(const Poco::XML::XMLChar ch[], int start, int length) override {
    if (length <= 0) return;
    if (!handler_.Characters(std::string_view(ch + start, static_cast<std::size_t>(length)))) {
      throw StopParse{};
    }
  }

  void startDTD(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                const Poco::XML::XMLString&) override {
    throw StopParse{FileError{ErrorCode::kCorrupt,
                              std::string(part_) + " has a DOCTYPE (not allowed in this format)"}};
  }
  void endDTD() override {}
  void startEntity(const Poco::XML::XMLString&) override {}
  void endEntity(const Poco::XML::XMLString&) override {}
  void startCDATA() override {}
  void endCDATA() override {}
  void comment(const Poco::XML::XMLChar[], int, int) override {}

 private:
  static std::string_view Local(const Poco::XML::XMLString& local_name,
                                const Poco::XML::XMLString& qname) {
    if (!local_name.empty()) return local_name;
    std::string_view q = qname;
    std::size_t colon = q.find(':');
    return colon == std::string_view::npos ? q : q.substr(colon + 1);
  }
  void Tick() {
    if ((++elements_ & 0xFFF) == 0 && budget_.Expired()) {
      throw StopParse{
          FileError{ErrorCode::kLimit, "time limit reached while reading " + std::string(part_)}};
    }
  }

  XmlHandler& handler_;
  Budget& budget_;
  std::string_view part_;
  unsigned elements_ = 0;
};

// True when the prolog of `xml` (before the root element) holds a DOCTYPE. Only the
// prolog can: this is what lets a DTD-free parse be guaranteed cheaply.
bool PrologHasDoctype(std::string_view xml) {
  std::size_t i = 0;
  if (xml.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < xml.size()) {
    char c = xml[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (xml.compare(i, 2, "<?") == 0) {
      std::size_t end = xml.find("?>", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 2;
    } else if (xml.compare(i, 4, "<!--") == 0) {
      std::size_t end = xml.find("-->", i + 4);
      if (end == std::string_view::npos) return false;
      i = end + 3;
    } else {
      return xml.compare(i, 9, "<!DOCTYPE") == 0;
    }
  }
  return false;
}

}  // namespace

std::optional<FileError> ParseXml(std::string_view xml, std::string_view part, XmlHandler& handler,
                                  Budget& budget) {
  if (PrologHasDoctype(xml)) {
    return FileError{ErrorCode::kCorrupt,
                     std::string(part) + " has a DOCTYPE (not allowed in this format)"};
  }
  try {
    Poco::XML::SAXParser parser;
    // Names are matched by local name only, so namespace processing (which costs Poco a
    // split and several string copies per element and attribute) is left off.
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACE_PREFIXES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    parser.setProperty(Poco::XML::SAXParser::PROPERTY_BLA_MAXIMUM_AMPLIFICATION, "2.0");
    parser.setProperty(Poco::XML::SAXParser::PROPERTY_BLA_ACTIVATION_THRESHOLD, "65536");
    Adapter adapter(handler, budget, part);
    parser.setContentHandler(&adapter);
    parser.setProperty(Poco::XML::XMLReader::PROPERTY_LEXICAL_HANDLER,
                       static_cast<Poco::XML::LexicalHandler*>(&adapter));
    parser.parseMemoryNP(xml.data(), xml.size());
  } catch (StopParse& stop) {
    return std::move(stop.error);
  } catch (const Poco::Exception& e) {
    return FileError{ErrorCode::kCorrupt, std::string(part) + " is not well-formed XML"};
  } catch (const std::bad_alloc&) {
    return FileError{ErrorCode::kLimit, "out of memory while reading " + std::string(part)};
  } catch (const std::exception&) {
    return FileError{ErrorCode::kCorrupt, std::string(part) + " could not be parsed"};
  }
  return std::nullopt;
}

void TextBuilder::Separator(char c) {
  if (text_.empty()) return;
  char last = text_.back();
  if (last == '\n') return;
  if (last == '\t' || last == ' ') {
    // The stronger separator wins: '\n' over '\t' over ' '.
    if (c == '\n' || (c == '\t' && last == ' ')) text_.back() = c;
    return;
  }
  text_.push_back(c);
}

std::string TextBuilder::Finish() {
  while (!text_.empty() && (text_.back() == '\n' || text_.back() == '\t' || text_.back() == ' ')) {
    text_.pop_back();
  }
  std::string out = std::move(text_);
  text_.clear();
  return out;
}

bool DocumentTextHandler::StartElement(std::string_view local, const XmlAttributes& attributes) {
  if (skip_depth_ > 0) {
    ++skip_depth_;
    return true;
  }
  if (dialect_ == Dialect::kOoxml) {
    if (local == "Fallback" || local == "rt" || local == "instrText" || local == "rPh") {
      skip_depth_ = 1;
    } else if (local == "t" || local == "delText") {
      ++text_depth_;
    } else if (local == "r") {
      ++run_depth_;
    } else if (local == "tc") {
      ++cell_depth_;
    } else if (run_depth_ > 0 && local == "tab") {
      text_.Separator('\t');
    } else if (local == "br" || local == "cr") {
      Break();
    } else if (run_depth_ > 0 && local == "noBreakHyphen") {
      text_.Append("-");
    }
  } else {
    if (local == "ruby-text" || local == "note-citation" || local == "tracked-changes" ||
        local == "sheet-name" || local == "page-number" || local == "page-count" ||
        local == "file-name" ||
        (annotation_depth_ > 0 && (local == "creator" || local == "date"))) {
      skip_depth_ = 1;
    } else if (local == "annotation") {
      ++annotation_depth_;
      text_.Separator('\n');
    } else if (local == "note-body") {
      text_.Separator('\n');
    } else if (local == "p" || local == "h") {
      ++text_depth_;
    } else if (local == "table-cell") {
      ++cell_depth_;
    } else if (text_depth_ > 0 && local == "s") {
      std::size_t count = 1;
      if (auto c = attributes.Get("c")) {
        count = 0;
        for (char ch : *c) {
          if (ch < '0' || ch > '9' || count > 1000) break;
          count = count * 10 + static_cast<std::size_t>(ch - '0');
        }
        count = std::min<std::size_t>(std::max<std::size_t>(count, 1), 64);
      }
      text_.Append(std::string(count, ' '));
    } else if (text_depth_ > 0 && local == "tab") {
      text_.Separator('\t');
    } else if (text_depth_ > 0 && local == "line-break") {
      Break();
    }
  }
  return true;
}

bool DocumentTextHandler::EndElement(std::string_view local) {
  if (skip_depth_ > 0) {
    --skip_depth_;
    return true;
  }
  if (dialect_ == Dialect::kOoxml) {
    if ((local == "t" || local == "delText") && text_depth_ > 0) {
      --text_depth_;
    } else if (local == "r" && run_depth_ > 0) {
      --run_depth_;
    } else if (local == "p" || local == "comment") {
      Break();
    } else if (local == "tc" && cell_depth_ > 0) {
      --cell_depth_;
      text_.Separator('\t');
    } else if (local == "tr") {
      text_.Separator('\n');
    }
  } else {
    if ((local == "p" || local == "h") && text_depth_ > 0) {
      --text_depth_;
      Break();
    } else if (local == "table-cell" && cell_depth_ > 0) {
      --cell_depth_;
      text_.Separator('\t');
    } else if (local == "table-row") {
      text_.Separator('\n');
    } else if (local == "annotation" && annotation_depth_ > 0) {
      --annotation_depth_;
      text_.Separator('\n');
    }
  }
  return true;
}

bool DocumentTextHandler::Characters(std::string_view text) {
  if (skip_depth_ == 0 && text_depth_ > 0) text_.Append(text);
  return true;
}

void DocumentTextHandler::Break() { text_.Separator(cell_depth_ > 0 ? ' ' : '\n'); }

std::string CellRef(std::uint64_t column, std::uint64_t row) {
  std::string out;
  AssignCellRef(column, row, &out);
  return out;
}

void AssignCellRef(std::uint64_t column, std::uint64_t row, std::string* out) {
  // Built backwards in a buffer: called once per spreadsheet cell.
  char buf[48];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + row % 10);
    row /= 10;
  } while (row > 0);
  std::uint64_t n = column + 1;
  while (n > 0) {
    *--p = static_cast<char>('A' + (n - 1) % 26);
    n = (n - 1) / 26;
  }
  const std::size_t size = static_cast<std::size_t>(buf + sizeof buf - p);
  out->resize(size);  // within the small-string buffer: no allocation, no aliasing checks
  std::memcpy(out->data(), p, size);
}

bool ParseCellRef(std::string_view ref, std::uint64_t* column, std::uint64_t* row) {
  std::size_t i = 0;
  std::uint64_t col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 4) {
    col = col * 26 + static_cast<std::uint64_t>(ref[i] - 'A' + 1);
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  std::uint64_t r = 0;
  for (std::size_t j = i; j < ref.size(); ++j) {
    if (ref[j] < '0' || ref[j] > '9' || j - i > 9) return false;
    r = r * 10 + static_cast<std::uint64_t>(ref[j] - '0');
  }
  *column = col - 1;
  *row = r;
  return true;
}

}  // namespace doccheck
