#include "mime/mime_plugin.h"

#include <dlfcn.h>

#include <cstdlib>

namespace mime {
namespace {

constexpr char kPluginName[] = "libsendguard-mime.so";

}  // namespace

const MimePlugin& LoadMimePlugin() {
  static const MimePlugin plugin = [] {
    MimePlugin p;
    // secure_getenv: ignored in a set-user-ID program, where it would load anyone's code.
    const char* env = secure_getenv("SENDGUARD_MIME_PLUGIN");
    const std::string path = env && *env ? env : kPluginName;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = dlerror();
      p.error = why ? why : path + ": cannot be loaded";
      return p;
    }
    const auto get = reinterpret_cast<SgMimeApiFn>(dlsym(handle, SG_MIME_API_SYMBOL));
    if (!get) {
      p.error = path + ": has no " SG_MIME_API_SYMBOL;
      return p;
    }
    p.api = get();
    if (!p.api) p.error = path + ": " SG_MIME_API_SYMBOL " gave nothing";
    return p;
  }();
  return plugin;
}

}  // namespace mime
