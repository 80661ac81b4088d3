// The readers inside libsendguard-mime.so, the only code that links vmime; mime_plugin.cc
// hands them to the host as the table SgMimeApi (mime/mime_plugin_abi.h), whose entries
// document them. None lets an exception out.
#ifndef MIME_PLUGIN_READERS_H_
#define MIME_PLUGIN_READERS_H_

#include <cstddef>

#include "mime/mime_plugin_abi.h"

namespace mime_plugin {

// mail_fields.cc: what mailcheck reads.
void ParseAddressList(const char* value, std::size_t size, void* ctx, SgMimeMailboxFn mailbox);
int DecodeDisplayName(const char* name, std::size_t size, void* ctx, SgMimeBytesFn out);
void DecodeHeaderText(const char* value, std::size_t size, void* ctx, SgMimeBytesFn out);
void ExtractParts(const char* message, std::size_t size, int max_depth, int with_content, void* ctx,
                  SgMimePartFn part);

// eml_reader.cc: what doccheck reads of an EML file.
void ReadEml(const char* data, std::size_t size, const SgEmlSink& sink);

}  // namespace mime_plugin

#endif  // MIME_PLUGIN_READERS_H_
