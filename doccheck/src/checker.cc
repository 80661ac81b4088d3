#include "doccheck/checker.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <vector>

#include "classify.h"
#include "extract/extractor.h"
#include "extract/registry.h"
#include "extract/sniff.h"
#include "text/block_scanner.h"
#include "text/decode.h"

namespace doccheck {

Budget::Budget(const Limits& limits)
    : limits_(limits),
      deadline_(std::chrono::steady_clock::now() +
                std::chrono::milliseconds(static_cast<long long>(limits.max_seconds * 1000))) {}

bool Budget::ChargeBytes(std::uint64_t n) {
  bytes_ += n;
  return bytes_ <= limits_.max_tree_bytes;
}

bool Budget::ChargeEntry() { return ++entries_ <= limits_.max_entries; }

bool Budget::Expired() const { return std::chrono::steady_clock::now() > deadline_; }

namespace {

constexpr std::size_t kSniffBytes = 64 * 1024;
// Plain text is read and scanned in chunks of this size. 1 MiB rather than 4: each
// detector passes over the chunk (and its digit runs) on its own, and a chunk with its
// normalised copy and number tokens then stays near the core's 1-2 MiB L2 cache instead
// of streaming from L3 for every pass (100 MB text: 15 % less CPU, half the memory).
constexpr std::size_t kReadChunk = 1u << 20;

// PDF text in physical layout separates table cells by runs of spaces: make each run of
// two or more a tab, so rows read like TSV ("氏名\t生年月日\t旅券番号"). `offsets` maps each
// byte of the result (plus its end) to the input.
std::string LayoutSpacesToTabs(std::string_view text, std::vector<std::uint32_t>* offsets) {
  std::string out;
  out.reserve(text.size());
  offsets->clear();
  offsets->reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == ' ' && i + 1 < text.size() && text[i + 1] == ' ') {
      std::size_t j = i;
      while (j < text.size() && text[j] == ' ') ++j;
      const bool line_start = out.empty() || out.back() == '\n';
      if (!line_start && j < text.size() && text[j] != '\n') {
        out.push_back('\t');
        offsets->push_back(static_cast<std::uint32_t>(i));
      }
      i = j;
      continue;
    }
    out.push_back(text[i]);
    offsets->push_back(static_cast<std::uint32_t>(i));
    ++i;
  }
  offsets->push_back(static_cast<std::uint32_t>(text.size()));
  return out;
}

std::string BaseName(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

struct Checker::Impl {
  Options options;

  FileReport Check(std::string path, std::string_view name, std::string_view bytes, int depth,
                   Budget& budget) const;
  void Finish(FileReport* report) const {
    report->klass = ClassifyFindings(*report, options.class_rules);
    for (const FileReport& c : report->children) report->klass = std::min(report->klass, c.klass);
  }
};

namespace {

// Collects what an extractor produces into a FileReport, recursing into embedded files.
class ReportSink final : public ExtractSink {
 public:
  ReportSink(const Checker::Impl& checker, FileReport* report, int depth, Budget& budget)
      : checker_(checker), report_(report), depth_(depth), budget_(budget) {}

  void Text(const TextBlock& block) override {
    // Spreadsheet cells come by the hundred thousand: the clock is read for every 32nd.
    const bool cell = !block.where.cell.empty();
    if ((!cell || (++cells_seen_ & 31) == 0 || expired_) && !TimeLeft()) return;
    if (block.raw) {
      const Charset charset = DetectCharset(block.text.substr(0, kSniffBytes));
      std::vector<Finding> found;
      TextStreamScanner scanner(charset, block.where, &found);
      scanner.Feed(block.text, true);
      report_->AddFindings(std::move(found), budget_.limits().max_findings);
      return;
    }
    if (cell && !block.where.line && !block.source_offsets) {
      // A spreadsheet or CSV cell.
      const std::uint64_t cap = budget_.limits().max_findings;
      const std::uint64_t kept = report_->findings.size();
      cell_found_.clear();
      cell_counted_.clear();
      cells_.Scan(block.text, block.header, block.where,
                  kept < cap ? static_cast<std::size_t>(cap - kept) : 0, &cell_found_,
                  &cell_counted_, block.text_id);
      if (!cell_found_.empty()) report_->AddFindings(std::move(cell_found_), cap);
      for (const Kind k : cell_counted_) {  // past the cap: counted, as AddFindings does
        ++report_->totals[static_cast<int>(k)];
        ++report_->findings_omitted;
      }
      return;
    }
    BlockInfo info;
    info.where = block.where;
    info.header = block.header;
    info.source_offsets = block.source_offsets;
    info.source_line_starts = block.source_line_starts;
    if (!block.source_offsets) info.base_offset = block.where.offset;
    if (report_->format == "pdf" && !block.source_offsets) {
      std::vector<std::uint32_t> offsets;
      const std::string text = LayoutSpacesToTabs(block.text, &offsets);
      info.source_offsets = offsets.data();
      std::vector<Finding> found;
      ScanTextBlock(text, info, &found);
      report_->AddFindings(std::move(found), budget_.limits().max_findings);
      return;
    }
    std::vector<Finding> found;
    ScanTextBlock(block.text, info, &found);
    report_->AddFindings(std::move(found), budget_.limits().max_findings);
  }

  void Embedded(std::string_view name, std::string_view bytes) override {
    const std::string path = report_->path + "!" + std::string(name);
    if (depth_ + 1 > budget_.limits().max_depth) {
      FileReport child;
      child.path = path;
      child.format = "unknown";
      child.errors.push_back({ErrorCode::kLimit, "nesting deeper than " +
                                                     std::to_string(budget_.limits().max_depth) +
                                                     " levels: " + std::string(name)});
      report_->children.push_back(std::move(child));
      return;
    }
    if (!TimeLeft()) return;
    report_->children.push_back(checker_.Check(path, name, bytes, depth_ + 1, budget_));
  }

  void Error(ErrorCode code, std::string message) override {
    for (const FileError& e : report_->errors) {
      if (e.code == code && e.message == message) return;
    }
    report_->errors.push_back({code, std::move(message)});
  }

  Budget& budget() override { return budget_; }
  int depth() const override { return depth_; }

 private:
  bool TimeLeft() {
    if (!budget_.Expired()) return true;
    expired_ = true;
    Error(ErrorCode::kLimit, "time limit of " +
                                 std::to_string(static_cast<int>(budget_.limits().max_seconds)) +
                                 " s reached");
    return false;
  }

  const Checker::Impl& checker_;
  FileReport* report_;
  int depth_;
  Budget& budget_;
  CellScanner cells_;                // spreadsheet and CSV cells
  std::vector<Finding> cell_found_;  // per cell, kept to spare allocations
  std::vector<Kind> cell_counted_;
  std::uint64_t cells_seen_ = 0;
  bool expired_ = false;
};

}  // namespace

FileReport Checker::Impl::Check(std::string path, std::string_view name, std::string_view bytes,
                                int depth, Budget& budget) const {
  FileReport report;
  report.path = std::move(path);
  try {
    report.format = std::string(SniffFormat(bytes, name));
    if (bytes.size() > options.limits.max_file_bytes) {
      report.errors.push_back(
          {ErrorCode::kLimit, "larger than " + std::to_string(options.limits.max_file_bytes) +
                                  " bytes: " + BaseName(name)});
    } else if (report.format == "encrypted-office") {
      report.errors.push_back(
          {ErrorCode::kEncrypted, "password-protected document: " + BaseName(name)});
    } else if (const Extractor* extractor = FindExtractor(report.format)) {
      ReportSink sink(*this, &report, depth, budget);
      extractor->Extract(bytes, sink);
    } else {
      report.errors.push_back(
          {ErrorCode::kUnsupported, "unsupported file format: " + BaseName(name)});
    }
  } catch (const std::bad_alloc&) {
    report.errors.push_back({ErrorCode::kLimit, "out of memory while reading " + BaseName(name)});
  } catch (const std::exception& e) {
    report.errors.push_back(
        {ErrorCode::kCorrupt, "could not read " + BaseName(name) + ": " + e.what()});
  }
  Finish(&report);
  return report;
}

Checker::Checker(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

Checker::~Checker() = default;

const Options& Checker::options() const { return impl_->options; }

FileReport Checker::CheckBytes(std::string_view name, std::string_view bytes) const {
  Budget budget(impl_->options.limits);
  return impl_->Check(std::string(name), name, bytes, 0, budget);
}

FileReport Checker::CheckFile(const std::string& path, const std::string& display_path) const {
  const std::string shown = display_path.empty() ? path : display_path;
  FileReport report;
  report.path = shown;
  report.format = "unknown";
  std::ifstream in(path, std::ios::binary);
  struct stat st {};
  if (!in || ::stat(path.c_str(), &st) != 0) {
    report.errors.push_back({ErrorCode::kIo, "cannot open " + shown});
    return report;
  }
  if (S_ISDIR(st.st_mode)) {
    report.errors.push_back({ErrorCode::kIo, shown + " is a directory"});
    return report;
  }
  // No bigger than the file: a buffer is zeroed before it is read into, and for many
  // small files zeroing 64 KiB (or a 4 MiB chunk) each cost more than scanning them.
  const auto stat_size = static_cast<std::uint64_t>(st.st_size);
  std::string head(stat_size > 0 && stat_size < kSniffBytes ? stat_size + 1 : kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  std::optional<Charset> head_charset;  // DetectCharset(head), when SniffFormat judged it
  const std::string_view format = SniffFormat(head, path, &head_charset);
  const auto size = static_cast<std::uint64_t>(st.st_size);

  if (format == "txt") {
    // Plain text of any size is streamed: memory stays bounded by the chunk size.
    report.format = "txt";
    Budget budget(impl_->options.limits);
    const std::uint64_t cap = impl_->options.limits.max_findings;
    TextStreamScanner scanner(
        head_charset ? *head_charset : DetectCharset(head), Location{},
        [&report, cap](std::vector<Finding>&& found) { report.AddFindings(std::move(found), cap); },
        kReadChunk, impl_->options.threads_per_file);
    if (head.size() > impl_->options.limits.max_file_bytes) {
      head.resize(impl_->options.limits.max_file_bytes);
      report.errors.push_back({ErrorCode::kLimit, "only the first " + std::to_string(head.size()) +
                                                      " bytes of " + BaseName(shown) +
                                                      " were checked"});
      scanner.Feed(head, true);
      impl_->Finish(&report);
      return report;
    }
    scanner.Feed(head, false);
    // Read straight into the scanner's chunk (UTF-8: the buffer that is scanned), so
    // each byte is copied once before normalisation instead of three times.
    std::size_t want = 0;  // set on first use, to what is left of the file (at least 64 KiB)
    const std::uint64_t limit = impl_->options.limits.max_file_bytes;
    std::uint64_t fed = head.size();
    while (in) {
      if (want == 0) {
        const std::uint64_t left = stat_size > fed ? stat_size - fed : 0;
        want = static_cast<std::size_t>(std::clamp<std::uint64_t>(left, kSniffBytes, kReadChunk));
      }
      if (budget.Expired()) {
        report.errors.push_back({ErrorCode::kLimit, "time limit reached in " + BaseName(shown)});
        break;
      }
      in.read(scanner.Reserve(want), static_cast<std::streamsize>(want));
      const auto got = static_cast<std::size_t>(in.gcount());
      if (fed + got > limit) {
        // Check up to the limit, then say the rest was not checked.
        scanner.Commit(static_cast<std::size_t>(limit - std::min(limit, fed)), false);
        report.errors.push_back({ErrorCode::kLimit, "only the first " + std::to_string(limit) +
                                                        " bytes of " + BaseName(shown) +
                                                        " were checked"});
        break;
      }
      fed += got;
      scanner.Commit(got, false);
      if (got == 0) break;
    }
    if (in.bad()) report.errors.push_back({ErrorCode::kIo, "read error in " + BaseName(shown)});
    scanner.Feed({}, true);
    impl_->Finish(&report);
    return report;
  }
  if (size > impl_->options.limits.max_file_bytes) {
    report.format = std::string(format);
    report.errors.push_back(
        {ErrorCode::kLimit, BaseName(shown) + " is larger than the limit of " +
                                std::to_string(impl_->options.limits.max_file_bytes) + " bytes"});
    return report;
  }
  std::string bytes = std::move(head);
  bytes.resize(size);
  in.read(bytes.data() + std::min<std::uint64_t>(kSniffBytes, size),
          static_cast<std::streamsize>(size > kSniffBytes ? size - kSniffBytes : 0));
  if (in.bad()) {
    report.errors.push_back({ErrorCode::kIo, "read error in " + BaseName(shown)});
    return report;
  }
  Budget budget(impl_->options.limits);
  return impl_->Check(shown, path, bytes, 0, budget);
}

}  // namespace doccheck
