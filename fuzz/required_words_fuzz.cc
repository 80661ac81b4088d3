// Fuzzes the one-pass search for the detectors' required words (detect/required_words.h)
// against a plain search of every word, and the chunked stream scanner on two threads
// against one thread. The first byte splits the input into a column heading and a text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "detect/detector.h"
#include "detect/required_words.h"
#include "text/block_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace doccheck;
  if (size == 0) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t split = data[0] < all.size() ? data[0] : all.size();
  const std::string_view header = all.substr(0, split);
  const std::string_view text = all.substr(split);

  const std::vector<const Detector*>& detectors = AllDetectors();
  const std::uint64_t present = RequiredWords::ForAllDetectors().Present(text, header);
  for (std::size_t i = 0; i < detectors.size() && i < 64; ++i) {
    const std::vector<std::string_view> words = detectors[i]->RequiredWords();
    bool want = words.empty();
    for (std::string_view w : words) {
      want = want || text.find(w) != std::string_view::npos ||
             header.find(w) != std::string_view::npos;
    }
    if (want != (((present >> i) & 1) != 0)) std::abort();
  }

  auto scan = [&](int threads) {
    std::vector<Finding> out;
    TextStreamScanner scanner(Charset::kUtf8, Location{}, &out, 64, threads);
    for (std::size_t at = 0; at < all.size(); at += 100) scanner.Feed(all.substr(at, 100), false);
    scanner.Feed({}, true);
    return out;
  };
  const std::vector<Finding> one = scan(1);
  const std::vector<Finding> two = scan(2);
  if (one.size() != two.size()) std::abort();
  for (std::size_t i = 0; i < one.size(); ++i) {
    if (one[i].kind != two[i].kind || one[i].normalized != two[i].normalized ||
        one[i].location.offset != two[i].location.offset)
      std::abort();
  }
  return 0;
}
