// Plain text: handed to the text layer as raw bytes, which detects the charset and scans
// in chunks.
#include "extract/text_extractors.h"

namespace doccheck {
namespace {

class PlainTextExtractorImpl final : public Extractor {
 public:
  std::string_view format() const override { return "txt"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override {
    TextBlock block;
    block.text = bytes;
    block.raw = true;
    sink.Text(block);
  }
};

}  // namespace

const Extractor& PlainTextExtractor() {
  static const PlainTextExtractorImpl extractor;
  return extractor;
}

}  // namespace doccheck
