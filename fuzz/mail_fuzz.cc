// Fuzzes mailcheck's whole decision on arbitrary message bytes: the raw header split,
// address parsing (groups, encoded words, comments), recipient classification, the MIME
// walk, doccheck on every part, the rules and the surgical rewrite. The rewrite must keep
// every byte after the header block.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "doccheck/checker.h"
#include "mailcheck/decide.h"
#include "mailcheck/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const doccheck::Checker checker;
  static const auto policy = mailcheck::DefaultPolicy();
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const auto result = mailcheck::Decide(*policy, checker, raw);
  if (result.ok()) {
    // Body bytes are never changed by the rewrite.
    const std::size_t crlf = raw.find("\r\n\r\n");
    const std::size_t lf = raw.find("\n\n");
    const std::size_t head_end =
        crlf < lf ? crlf + 4 : (lf == std::string_view::npos ? raw.size() : lf + 2);
    const std::string_view body = raw.substr(head_end);
    const std::string& out = result.value().transmit_bytes;
    if (!out.empty() && (out.size() < body.size() ||
                         out.compare(out.size() - body.size(), body.size(), body) != 0)) {
      std::abort();
    }
  }
  return 0;
}
