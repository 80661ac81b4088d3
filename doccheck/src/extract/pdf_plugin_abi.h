// The C interface between doccheck and its PDF reader plugin (libsendguard-pdf.so, built
// from doccheck/plugin/pdf_plugin.cc). Poppler and its 19 libraries are mapped only by
// the plugin, which doccheck loads with dlopen on the first PDF it meets, so a process
// that never reads a PDF (the agent at idle, most mails) does not pay for them. Plain C
// types only: the plugin and its host share no C++ object layout.
#ifndef DOCCHECK_SRC_EXTRACT_PDF_PLUGIN_ABI_H_
#define DOCCHECK_SRC_EXTRACT_PDF_PLUGIN_ABI_H_

#include <stddef.h>

extern "C" {

// Error codes the plugin reports; doccheck maps them to doccheck::ErrorCode.
enum SgPdfError {
  SG_PDF_ENCRYPTED = 1,
  SG_PDF_CORRUPT = 2,
  SG_PDF_UNSUPPORTED = 3,
  SG_PDF_LIMIT = 4,
};

// Where the plugin delivers what it read; every function gets `ctx` back.
struct SgPdfSink {
  void* ctx;
  // The text of page `page` (1-based), UTF-8. Returns 0 when the size budget is spent:
  // the plugin then stops reading (the host has already recorded the limit error).
  int (*text)(void* ctx, int page, const char* utf8, size_t size);
  // Something could not be read; `message` is English and names no document content.
  void (*error)(void* ctx, int code, const char* message);
  // Non-zero once the time limit for the file has passed.
  int (*expired)(void* ctx);
};

// The one function the plugin exports (looked up by this name): reads the PDF in
// `data`/`size` into `sink`. Never throws.
typedef void (*SgPdfExtractFn)(const char* data, size_t size, const struct SgPdfSink* sink);
#define SG_PDF_EXTRACT_SYMBOL "sendguard_pdf_extract_v1"

}  // extern "C"

#endif  // DOCCHECK_SRC_EXTRACT_PDF_PLUGIN_ABI_H_
