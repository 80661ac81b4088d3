// Fuzzes the text layer end to end through the public API: sniffing, charset detection
// and decoding, CSV and HTML extraction, normalisation and every detector. The first
// byte picks the name the document is checked under (plain, CSV or HTML).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "doccheck/checker.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const doccheck::Checker checker;
  if (size == 0) return 0;
  static constexpr std::string_view kNames[] = {"x.txt", "x.csv", "x.html"};
  const std::string_view name = kNames[data[0] % 3];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const doccheck::FileReport report = checker.CheckBytes(name, bytes);
  (void)report;
  return 0;
}
