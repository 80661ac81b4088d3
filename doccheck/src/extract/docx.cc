// DOCX: the main document body, then headers, footers, footnotes, endnotes and comments
// (one TextBlock per part), and embedded office documents as Embedded children.
#include <string>

#include "extract/container_extractors.h"
#include "extract/package.h"
#include "extract/xml_text.h"

namespace doccheck {
namespace {

// Parts related to the main document whose text is part of the document.
bool IsTextPartType(std::string_view type) {
  return EndsWith(type, "/header") || EndsWith(type, "/footer") || EndsWith(type, "/footnotes") ||
         EndsWith(type, "/endnotes") || EndsWith(type, "/comments");
}

class Docx : public Extractor {
 public:
  std::string_view format() const override { return "docx"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override;
};

void Docx::Extract(std::string_view bytes, ExtractSink& sink) const {
  Package package(bytes, "docx", sink);
  if (!package.ok()) return;
  std::string main = "word/document.xml";
  for (const Relationship& r : package.Relationships("")) {
    if (EndsWith(r.type, "/officeDocument") && !r.external) main = r.target;
  }
  if (package.zip().Find(main) == nullptr) {
    if (!package.zip().damaged()) {
      sink.Error(ErrorCode::kCorrupt, "docx has no main document part " + main);
    }
    return;
  }
  std::vector<std::string> parts = {main};
  bool related = false;
  for (const Relationship& r : package.Relationships(main)) {
    if (!r.external && IsTextPartType(r.type)) {
      parts.push_back(r.target);
      related = true;
    }
  }
  if (!related) {
    // Damaged or unusual packages: fall back to the conventional part names.
    for (const ZipEntry& e : package.zip().entries()) {
      std::string_view n = e.name;
      if (StartsWith(n, "word/") && EndsWith(n, ".xml") && n.find('/', 5) == std::string::npos &&
          (StartsWith(n, "word/header") || StartsWith(n, "word/footer") ||
           n == "word/footnotes.xml" || n == "word/endnotes.xml" || n == "word/comments.xml")) {
        parts.push_back(e.name);
      }
    }
  }
  for (const std::string& part : parts) {
    if (package.stopped()) return;
    DocumentTextHandler handler(DocumentTextHandler::Dialect::kOoxml);
    package.Parse(part, handler);
    std::string text = handler.TakeText();
    if (!text.empty()) {
      Location where;
      where.part = part;
      sink.Text(TextBlock{text, false, where, ""});
    }
  }
  EmbedOfficeObjects(package, "word/embeddings/");
}

}  // namespace

const Extractor& DocxExtractor() {
  static const Docx kExtractor;
  return kExtractor;
}

}  // namespace doccheck
