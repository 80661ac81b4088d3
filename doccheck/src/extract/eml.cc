// EML (RFC 5322 / MIME): read by the MIME reader plugin libsendguard-mime.so
// (mime/plugin/eml_reader.cc, the only code that links vmime), loaded on the first mail
// that needs it (mime/mime_plugin.h). The subject is part "header", the body text part
// "body", every attachment, HTML body and attached message an Embedded child named by its
// decoded file name. A plugin that cannot be loaded fails closed: the mail gets an `io`
// error ("not fully checked"), never an empty clean report.
#include <string>
#include <string_view>

#include "extract/container_extractors.h"
#include "mime/mime_plugin.h"

namespace doccheck {
namespace {

void OnText(void* ctx, const char* part, int raw, const char* data, size_t size) {
  Location where;
  where.part = part;
  static_cast<ExtractSink*>(ctx)->Text(
      TextBlock{std::string_view(data, size), raw != 0, where, ""});
}

void OnEmbedded(void* ctx, const char* name, size_t name_size, const char* data, size_t size) {
  static_cast<ExtractSink*>(ctx)->Embedded(std::string_view(name, name_size),
                                           std::string_view(data, size));
}

void OnError(void* ctx, int code, const char* message) {
  static_cast<ExtractSink*>(ctx)->Error(
      code == SG_EML_LIMIT ? ErrorCode::kLimit : ErrorCode::kCorrupt, message ? message : "");
}

int OnCharge(void* ctx, size_t size) {
  return static_cast<ExtractSink*>(ctx)->budget().ChargeBytes(size) ? 1 : 0;
}

int OnExpired(void* ctx) { return static_cast<ExtractSink*>(ctx)->budget().Expired() ? 1 : 0; }

class Eml : public Extractor {
 public:
  std::string_view format() const override { return "eml"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override {
    const mime::MimePlugin& plugin = mime::LoadMimePlugin();
    if (!plugin.api) {
      sink.Error(ErrorCode::kIo, "the mail reader could not be loaded (" + plugin.error +
                                     "): the mail was not checked");
      return;
    }
    const SgEmlSink c_sink{
        &sink,    sink.budget().limits().max_file_bytes, OnText, OnEmbedded, OnError, OnCharge,
        OnExpired};
    plugin.api->read_eml(bytes.data(), bytes.size(), &c_sink);
  }
};

}  // namespace

const Extractor& EmlExtractor() {
  static const Eml kExtractor;
  return kExtractor;
}

}  // namespace doccheck
