// libsendguard-mime.so: sendguard's MIME reader, the only code that links vmime. Loaded
// with dlopen the first time a mail needs vmime's parser (mime/src/mime_plugin.cc); its
// one export, sendguard_mime_api_v1, gives the table of readers (mime/mime_plugin_abi.h).
#include "mime/mime_plugin_abi.h"
#include "readers.h"

namespace {

void ReadEml(const char* data, size_t size, const SgEmlSink* sink) {
  mime_plugin::ReadEml(data, size, *sink);
}

constexpr SgMimeApi kApi{
    mime_plugin::ParseAddressList,
    mime_plugin::DecodeDisplayName,
    mime_plugin::DecodeHeaderText,
    mime_plugin::ExtractParts,
    ReadEml,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const SgMimeApi* sendguard_mime_api_v1() {
  return &kApi;
}
