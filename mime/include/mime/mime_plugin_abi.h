// The C interface between sendguard and its MIME reader plugin (libsendguard-mime.so,
// built from mime/plugin/). vmime and the 14 libraries it brings (GnuTLS, GNU SASL,
// p11-kit, nettle, GMP, ...) are mapped only by the plugin, which is loaded with dlopen
// the first time a mail needs vmime's parser (mime/mime_plugin.h): ordinary internal
// mail that mailcheck's fast paths read (mailcheck/src/fast_path.h) never loads it.
// Plain C types only: the plugin and its host share no C++ object layout. Every byte
// string is a pointer and a size; it is valid only during the call that passes it.
#ifndef MIME_MIME_PLUGIN_ABI_H_
#define MIME_MIME_PLUGIN_ABI_H_

#include <stddef.h>
#include <stdint.h>

extern "C" {

// Receives one byte string (a decoded header value, a display name).
typedef void (*SgMimeBytesFn)(void* ctx, const char* data, size_t size);

// One mailbox of an address list (mailcheck::ParsedMailbox).
struct SgMimeMailbox {
  const char* local;
  size_t local_size;
  const char* domain;
  size_t domain_size;
  const char* display_name;
  size_t display_name_size;
  const char* group;
  size_t group_size;
};
typedef void (*SgMimeMailboxFn)(void* ctx, const struct SgMimeMailbox* mailbox);

// One leaf of the MIME tree (mailcheck::MessagePart), in message order.
typedef void (*SgMimePartFn)(void* ctx, const char* name, size_t name_size, const char* content,
                             size_t content_size, int is_body);

// Error codes of the EML reader; doccheck maps them to doccheck::ErrorCode.
enum SgEmlError {
  SG_EML_CORRUPT = 1,
  SG_EML_LIMIT = 2,
};

// Where the EML reader (doccheck's "eml" format) delivers what it read.
struct SgEmlSink {
  void* ctx;
  // The largest decoded MIME part allowed (doccheck's max_file_bytes).
  uint64_t max_part_bytes;
  // Text of part `part` ("header", "body"); `raw`: bytes of unknown charset.
  void (*text)(void* ctx, const char* part, int raw, const char* data, size_t size);
  // An attachment, HTML body or attached message, named by its (safe) file name.
  void (*embedded)(void* ctx, const char* name, size_t name_size, const char* data, size_t size);
  // Something could not be read; `message` is English and names no mail content.
  void (*error)(void* ctx, int code, const char* message);
  // Charges `size` decoded bytes to the size budget; 0 when it is spent.
  int (*charge)(void* ctx, size_t size);
  // Non-zero once the time limit for the file has passed.
  int (*expired)(void* ctx);
};

// What the plugin offers. The functions never let a vmime exception out; the callbacks
// are called on the calling thread before the function returns.
struct SgMimeApi {
  // mailcheck::ParseAddressList(value, fast_path=false): every mailbox, groups expanded.
  void (*parse_address_list)(const char* value, size_t size, void* ctx, SgMimeMailboxFn mailbox);
  // mailcheck::DecodeDisplayName. Returns 0, or non-zero when vmime threw (its message is
  // then passed to `out` instead of a result).
  int (*decode_display_name)(const char* name, size_t size, void* ctx, SgMimeBytesFn out);
  // mailcheck::DecodeHeaderText(value, fast_path=false).
  void (*decode_header_text)(const char* value, size_t size, void* ctx, SgMimeBytesFn out);
  // mailcheck::ExtractParts.
  void (*extract_parts)(const char* message, size_t size, int max_depth, int with_content,
                        void* ctx, SgMimePartFn part);
  // doccheck's EML extractor: the subject, the body text, every attachment.
  void (*read_eml)(const char* data, size_t size, const struct SgEmlSink* sink);
};

// The one function the plugin exports (looked up by this name).
typedef const struct SgMimeApi* (*SgMimeApiFn)(void);
#define SG_MIME_API_SYMBOL "sendguard_mime_api_v1"

}  // extern "C"

#endif  // MIME_MIME_PLUGIN_ABI_H_
