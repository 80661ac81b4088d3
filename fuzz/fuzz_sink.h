// FuzzSink: an ExtractSink for fuzz targets. It touches every byte it is given (so the
// sanitizers see reads of bad memory), keeps nothing, and enforces small limits so that
// one input stays fast.
#ifndef FUZZ_FUZZ_SINK_H_
#define FUZZ_FUZZ_SINK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "extract/extractor.h"

namespace doccheck {

inline Limits FuzzLimits() {
  Limits limits;
  limits.max_file_bytes = 8u << 20;
  limits.max_tree_bytes = 32u << 20;
  limits.max_entries = 1000;
  limits.max_seconds = 10;
  return limits;
}

class FuzzSink : public ExtractSink {
 public:
  FuzzSink() : budget_(FuzzLimits()) {}
  void Text(const TextBlock& block) override {
    Touch(block.text);
    Touch(block.header);
    Touch(block.where.part);
    Touch(block.where.sheet);
    Touch(block.where.cell);
  }
  void Embedded(std::string_view name, std::string_view bytes) override {
    Touch(name);
    Touch(bytes);
  }
  void Error(ErrorCode, std::string message) override { Touch(message); }
  Budget& budget() override { return budget_; }
  int depth() const override { return 0; }
  std::uint64_t checksum() const { return checksum_; }

 private:
  void Touch(std::string_view s) {
    for (char c : s) checksum_ += static_cast<unsigned char>(c);
  }
  Budget budget_;
  std::uint64_t checksum_ = 0;
};

}  // namespace doccheck

#endif  // FUZZ_FUZZ_SINK_H_
