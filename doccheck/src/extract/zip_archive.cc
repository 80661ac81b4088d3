// ZIP archives: every file entry becomes an Embedded child named by its path (nested
// archives included; the checker recurses). Encrypted entries are reported and skipped;
// a damaged archive is reported and what can be salvaged is still checked.
#include <string>

#include "extract/container_extractors.h"
#include "extract/package.h"
#include "extract/zip_reader.h"

namespace doccheck {
namespace {

class ZipArchiveFormat : public Extractor {
 public:
  std::string_view format() const override { return "zip"; }
  void Extract(std::string_view bytes, ExtractSink& sink) const override;
};

void ZipArchiveFormat::Extract(std::string_view bytes, ExtractSink& sink) const {
  Budget& budget = sink.budget();
  const Limits& limits = budget.limits();
  ZipArchive zip(
      bytes, static_cast<std::size_t>(std::min<std::uint64_t>(limits.max_entries + 1, 1000000)));
  if (!zip.ok()) {
    sink.Error(ErrorCode::kCorrupt, "not a readable ZIP archive: " + zip.problem());
    return;
  }
  if (zip.damaged()) sink.Error(ErrorCode::kCorrupt, "ZIP archive is damaged: " + zip.problem());
  if (sink.depth() + 1 > limits.max_depth) {
    sink.Error(ErrorCode::kLimit,
               "archive nesting is deeper than " + std::to_string(limits.max_depth) + " levels");
    return;
  }
  std::string data;
  for (const ZipEntry& entry : zip.entries()) {
    if (entry.is_directory() || StartsWith(entry.name, "__MACOSX/")) continue;
    if (budget.Expired()) {
      sink.Error(ErrorCode::kLimit, "time limit reached before archive entry " + entry.name);
      return;
    }
    if (!budget.ChargeEntry()) {
      sink.Error(ErrorCode::kLimit, "archive holds more than " +
                                        std::to_string(limits.max_entries) +
                                        " entries (stopped at " + entry.name + ")");
      return;
    }
    auto error = zip.Read(entry, budget, limits.max_file_bytes, &data);
    if (error) {
      const bool tree_spent =
          error->code == ErrorCode::kLimit && (budget.Expired() || !budget.ChargeBytes(0));
      sink.Error(error->code, std::move(error->message));
      if (tree_spent) return;
      continue;
    }
    sink.Embedded(entry.name, data);
  }
  if (zip.more_entries()) {
    sink.Error(ErrorCode::kLimit,
               "archive holds more than " + std::to_string(limits.max_entries) + " entries");
  }
}

}  // namespace

const Extractor& ZipArchiveExtractor() {
  static const ZipArchiveFormat kExtractor;
  return kExtractor;
}

}  // namespace doccheck
