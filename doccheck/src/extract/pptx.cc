// PPTX: one TextBlock per slide (page = slide number in presentation order), then the
// slide's notes, SmartArt data and comments with the same page, and embedded documents.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "extract/container_extractors.h"
#include "extract/package.h"
#include "extract/xml_text.h"

namespace doccheck {
namespace {

// The slide list of ppt/presentation.xml: relationship ids in presentation order.
class SlideListHandler : public XmlHandler {
 public:
  explicit SlideListHandler(std::vector<std::string>* ids) : ids_(ids) {}
  bool StartElement(std::string_view local, const XmlAttributes& a) override {
    if (local == "sldId") {
      if (auto id = a.Get("id"); id && !id->empty() && (*id)[0] == 'r') ids_->emplace_back(*id);
    }
    return true;
  }
  bool EndElement(std::string_view) override { return true; }
  bool Characters(std::string_view) override { return true; }

 private:
  std::vector<std::string>* ids_;
};

// True for parts related to a slide whose text belongs to that slide.
bool IsSlideTextPartType(std::string_view type) {
  return EndsWith(type, "/notesSlide") || EndsWith(type, "/diagramData") ||
         EndsWith(type, "/comments");
}

void EmitPart(Package& package, const std::string& part, int page) {
  DocumentTextHandler handler(DocumentTextHandler::Dialect::kOoxml);
  package.Parse(part, handler);
  std::string text = handler.TakeText();
  if (text.empty()) return;
  Location where;
  where.part = part;
  where.page = page;
  package.sink().Text(TextBlock{text, false, where, ""});
}

class Pptx : public Extractor {
 public:
  std::string_view format() const override { return "pptx"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override;
};

void Pptx::Extract(std::string_view bytes, ExtractSink& sink) const {
  Package package(bytes, "pptx", sink);
  if (!package.ok()) return;
  std::string presentation = "ppt/presentation.xml";
  for (const Relationship& r : package.Relationships("")) {
    if (EndsWith(r.type, "/officeDocument") && !r.external) presentation = r.target;
  }
  std::vector<std::string> ids;
  SlideListHandler list_handler(&ids);
  package.Parse(presentation, list_handler);
  std::vector<Relationship> rels = package.Relationships(presentation);
  std::vector<std::string> slides;
  for (const std::string& id : ids) {
    for (const Relationship& r : rels) {
      if (r.id == id && !r.external && EndsWith(r.type, "/slide")) slides.push_back(r.target);
    }
  }
  if (slides.empty()) {
    // Damaged package: the slides found in the archive, in numeric order.
    for (const ZipEntry& e : package.zip().entries()) {
      if (StartsWith(e.name, "ppt/slides/") && EndsWith(e.name, ".xml") &&
          e.name.find('/', 11) == std::string::npos) {
        slides.push_back(e.name);
      }
    }
    std::sort(slides.begin(), slides.end(), [](const std::string& a, const std::string& b) {
      return PartNumber(a) < PartNumber(b);
    });
  }
  for (std::size_t i = 0; i < slides.size(); ++i) {
    if (package.stopped()) return;
    const int page = static_cast<int>(i + 1);
    EmitPart(package, slides[i], page);
    for (const Relationship& r : package.Relationships(slides[i])) {
      if (package.stopped()) return;
      if (!r.external && IsSlideTextPartType(r.type)) EmitPart(package, r.target, page);
    }
  }
  EmbedOfficeObjects(package, "ppt/embeddings/");
}

}  // namespace

const Extractor& PptxExtractor() {
  static const Pptx kExtractor;
  return kExtractor;
}

}  // namespace doccheck
