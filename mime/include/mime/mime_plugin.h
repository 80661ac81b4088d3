// Loads sendguard's MIME reader, the plugin libsendguard-mime.so (mime_plugin_abi.h), the
// first time something asks for it, and keeps it for the life of the process (never
// dlclose'd). Found as SENDGUARD_MIME_PLUGIN when that is set (a path; for tests and
// unusual installs), else by name through the program's RUNPATH: the build tree's
// doccheck/ folder, or /usr/lib/sendguard when installed. Thread-safe.
//
// Callers fail closed when it cannot be loaded: mailcheck then refuses to decide the
// message (mailcheck::MimeReaderUnavailable), doccheck reports an attached mail as not
// fully checked (an `io` error).
#ifndef MIME_MIME_PLUGIN_H_
#define MIME_MIME_PLUGIN_H_

#include <string>

#include "mime/mime_plugin_abi.h"

namespace mime {

struct MimePlugin {
  const SgMimeApi* api = nullptr;  // null when the plugin could not be loaded
  std::string error;               // then: why (the loader's message, English)
};

// The plugin, loaded on the first call.
const MimePlugin& LoadMimePlugin();

}  // namespace mime

#endif  // MIME_MIME_PLUGIN_H_
