// Extractor: turns the bytes of one document format into text blocks and embedded
// documents, streamed into an ExtractSink. One extractor per format, listed in the
// registry table in registry.cc. Extractors are stateless and thread-safe; every limit
// is charged to the Budget as bytes are produced, so a bomb stops early.
#ifndef DOCCHECK_SRC_EXTRACT_EXTRACTOR_H_
#define DOCCHECK_SRC_EXTRACT_EXTRACTOR_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doccheck/options.h"
#include "doccheck/report.h"

namespace doccheck {

// Resources left for one top-level file and everything inside it. Not thread-safe: one
// Budget belongs to one top-level check, which runs on one thread.
class Budget {
 public:
  explicit Budget(const Limits& limits);

  // Records `n` more unpacked bytes; false once the tree limit is passed.
  bool ChargeBytes(std::uint64_t n);
  // Records one more archive entry; false once the entry limit is passed.
  bool ChargeEntry();
  // True when the time limit for this top-level file has passed.
  bool Expired() const;

  const Limits& limits() const { return limits_; }
  std::uint64_t bytes_used() const { return bytes_; }

 private:
  Limits limits_;
  std::uint64_t bytes_ = 0;
  std::uint64_t entries_ = 0;
  std::chrono::steady_clock::time_point deadline_;
};

// A piece of text with where it came from.
struct TextBlock {
  std::string_view text;    // UTF-8, unless `raw` is set
  bool raw = false;         // bytes of unknown charset: the text layer detects and decodes
  Location where;           // part/sheet/cell/page; `line`/`offset`, when set, are those of
                            // the block's start (findings add their position in `text`)
  std::string_view header;  // heading of the table column holding this cell ("氏名"), or ""
  // Optional, for decoded text: offset in the original part of each byte of `text` (plus one
  // entry for the end). Without it, `where.offset` + the offset in `text` is used.
  const std::uint32_t* source_offsets = nullptr;
  // Optional, with `source_offsets`: offsets in the original part where its lines start
  // (after each '\n'), ascending. With it, findings carry the line of the original part
  // (as for HTML, whose extracted text has other line breaks than the file).
  const std::vector<std::uint32_t>* source_line_starts = nullptr;
  // Optional, for spreadsheet cells: non-zero when the extractor knows cells of one
  // document with the same id hold the same text (an XLSX shared string's index + 1). A
  // hint that lets the text layer tell a repeated cell without hashing it; a wrong id costs
  // time, never a finding.
  std::uint64_t text_id = 0;
};

class ExtractSink {
 public:
  virtual ~ExtractSink() = default;
  // Text found in the document. Blocks of one part should come in reading order;
  // paragraphs separated by '\n', table cells of one row by '\t'.
  virtual void Text(const TextBlock& block) = 0;
  // A document embedded in this one (archive entry, attachment): checked recursively
  // and reported as a child named `name` (the entry path or attachment file name).
  virtual void Embedded(std::string_view name, std::string_view bytes) = 0;
  // Something could not be fully checked. `message` names the entry, never content.
  virtual void Error(ErrorCode code, std::string message) = 0;
  // Limits and usage for this tree; extractors charge unpacked bytes and entries here.
  virtual Budget& budget() = 0;
  // Nesting depth of the document being extracted (0 = the file given by the user).
  virtual int depth() const = 0;
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  // Format name used in reports: "docx", "zip", "pdf", ...
  virtual std::string_view format() const = 0;
  // Extracts `bytes` into `sink`. Must not throw; problems go to sink.Error().
  virtual void Extract(std::string_view bytes, ExtractSink& sink) const = 0;
};

}  // namespace doccheck

#endif  // DOCCHECK_SRC_EXTRACT_EXTRACTOR_H_
