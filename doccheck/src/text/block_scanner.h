// Runs every detector over decoded text and turns candidates into findings located in
// the original bytes. ScanTextBlock handles one block held in memory; TextStreamScanner
// feeds a text of any size through in line-aligned chunks, so memory does not grow with
// the input. Both are used by one thread at a time; the detectors they call are shared.
#ifndef DOCCHECK_SRC_TEXT_BLOCK_SCANNER_H_
#define DOCCHECK_SRC_TEXT_BLOCK_SCANNER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "doccheck/report.h"
#include "text/decode.h"

namespace doccheck {

struct BlockInfo {
  Location where;                                 // part/sheet/cell/page of the block
  std::string_view header;                        // column heading, or ""
  const std::uint32_t* source_offsets = nullptr;  // per byte of the UTF-8 text: offset in the
                                                  // original; null = same as the text's
  std::uint64_t base_offset = 0;                  // added to every offset
  // Optional: line starts of the original part (see TextBlock); then a finding's line is
  // the original line holding its offset.
  const std::vector<std::uint32_t>* source_line_starts = nullptr;
  int base_line = 0;            // lines before the block's first line
  std::size_t report_from = 0;  // drop candidates starting before this byte
  // Findings carry only their kind (not masked, normalised or located), except
  // classification labels: for findings a report past its cap only counts.
  bool kinds_only = false;
};

// Appends the findings of `utf8` to `out`.
void ScanTextBlock(std::string_view utf8, const BlockInfo& info, std::vector<Finding>* out);

// Spreadsheet and CSV cells, one block each: the findings of a short cell depend only on
// its text and its column heading, and sheets repeat both (that is what shared strings
// are for), so they are remembered per (heading, text) for the life of the scanner, up to
// a fixed memory budget. Not thread-safe: one per report.
class CellScanner {
 public:
  // Appends the findings of the cell `utf8` under the column heading `header`, at `where`
  // (its offset that of the cell's text; no line), to `out`, the same as ScanTextBlock.
  // Findings after the first `detailed` of this cell (a report past its findings cap only
  // counts them) go to `counted` as their kind alone, except classification labels,
  // which always go to `out` complete. `text_id`: TextBlock::text_id (0: none).
  void Scan(std::string_view utf8, std::string_view header, const Location& where,
            std::size_t detailed, std::vector<Finding>* out, std::vector<Kind>* counted,
            std::uint64_t text_id = 0);

  // Cells scanned by the detectors so far (the others came from the cache); for tests.
  std::size_t blocks_scanned() const { return blocks_scanned_; }

 private:
  static constexpr std::size_t kMaxText = 512;         // longer cells are not remembered
  static constexpr std::size_t kMaxBytes = 8u << 20;   // keys and findings held at most;
                                                       // past it the cache starts afresh
  static constexpr std::size_t kSeenSlots = 1u << 14;  // see Scan
  // A cell is remembered the second time it is seen: hashes of cells seen once (a slot
  // each, by hash; a collision forgets the older), so unique cells cost no allocation.
  std::vector<std::uint32_t> seen_;
  // Cells with a text id: one bit per id seen (ids below kMaxIds; others go by hash). No
  // slot is shared, so a text repeated far apart (an address every few thousand rows,
  // after thousands of unique numbers) is still known the second time, and a cell seen
  // for the first time is neither copied into a key nor hashed.
  static constexpr std::uint64_t kMaxIds = std::uint64_t{1} << 24;  // 2 MiB of bits
  std::vector<std::uint64_t> ids_seen_;
  // Cells with a text id seen twice or more are remembered by id, not in cache_: a slot
  // per id (1 + index in by_id_, 0 for none) and an entry holding heading and text to
  // compare, plus the kinds of its findings inline, so that a repeated cell past the
  // report's cap costs two look-ups, not a hash-table walk (three cache misses a cell,
  // an eighth of the bench's time).
  struct ById {
    std::string header, text;
    std::vector<Finding> found;
    std::array<Kind, 4> kinds{};
    std::uint8_t inline_kinds = kNoInlineKinds;  // found.size() when `kinds` hold them all
  };
  static constexpr std::uint8_t kNoInlineKinds = 0xFF;  // some finding is a label, or 5+
  std::vector<std::uint32_t> id_slots_;
  std::vector<ById> by_id_;
  std::size_t blocks_scanned_ = 0;
  struct Cached {
    std::string key;  // heading size, heading and text, as key_
    std::vector<Finding> found;
  };
  std::unordered_map<std::uint64_t, Cached> cache_;  // by the hash of the key
  void ForgetAll();                                  // past kMaxBytes: both caches start afresh
  std::size_t bytes_ = 0;
  std::string key_;
  std::vector<Finding> found_;
};

class TextStreamScanner {
 public:
  // `chunk_bytes`: how much source is decoded and scanned at a time. With `threads` > 1,
  // that many threads scan chunks while the calling thread reads and decodes the next one
  // (a pipeline: no thread waits for a batch to finish); findings still come out in text
  // order, and memory stays at `threads` + 1 chunks.
  using FindingsSink = std::function<void(std::vector<Finding>&&)>;
  TextStreamScanner(Charset charset, Location where, FindingsSink sink,
                    std::size_t chunk_bytes = 4u << 20, int threads = 1);
  // Convenience: appends every finding to `out`.
  TextStreamScanner(Charset charset, Location where, std::vector<Finding>* out,
                    std::size_t chunk_bytes = 4u << 20, int threads = 1);
  ~TextStreamScanner();
  TextStreamScanner(const TextStreamScanner&) = delete;
  TextStreamScanner& operator=(const TextStreamScanner&) = delete;

  // Consecutive source bytes of the text; `last` on the final call (may be empty).
  void Feed(std::string_view bytes, bool last);

  // The same as Feed, without the copy: Reserve gives room for up to `want` source bytes
  // (UTF-8 text is read straight into the chunk that will be scanned), Commit says how
  // many of them were written. Nothing else may be called in between.
  char* Reserve(std::size_t want);
  void Commit(std::size_t written, bool last);

 private:
  struct Job {
    std::string text;
    std::vector<std::uint32_t> offsets;  // empty for UTF-8 (contiguous with the source)
    BlockInfo info;
    std::vector<Finding> findings;
  };

  void Settle(bool last);  // scans what makes whole chunks (everything when `last`)
  void ScanPending(bool last);
  // UTF-8: the open job's text holds [header][carry][source bytes]; Cut scans up to its
  // last line break (false when there is none yet and the caller should feed more).
  void OpenJob();
  bool Cut(bool last);
  // Keeps the carry and heading for the next chunk and hands the job to be scanned.
  void Finish(Job& job, std::size_t prefix_len, int prefix_lines, std::size_t piece_size);
  Job& FreeJob();  // the next slot, its previous job's findings handed to the sink
  void Submit();
  void Drain();  // waits for every job, findings to the sink in order

  // Threads that scan jobs beside the calling thread. They live as long as the scanner
  // (started with the first chunk), so the scratch buffers of ScanTextBlock on each
  // thread stay allocated from one chunk to the next.
  class Workers;

  TextDecoder decoder_;
  Charset charset_;
  Location where_;
  FindingsSink sink_;
  std::size_t chunk_bytes_;
  std::string pending_;  // source bytes not yet in a job (UTF-8: the tail after a cut)
  std::uint64_t pending_base_ = 0;
  std::string header_;  // header line of a table open at the previous chunk's end
  std::string carry_;   // last lines of the previous chunk (UTF-8), for context
  std::vector<std::uint32_t> carry_offsets_;
  int lines_before_carry_ = 0;
  bool first_ = true;
  int threads_ = 1;
  std::vector<Job> jobs_;        // a ring: threads + 1 slots (1 without threads)
  std::vector<bool> in_flight_;  // submitted, findings not yet handed to the sink
  std::size_t next_ = 0;         // the slot to fill next
  bool open_ = false;            // UTF-8: jobs_[next_] is being filled
  std::size_t open_prefix_ = 0;  // its header + carry bytes
  int open_prefix_lines_ = 0;
  std::size_t reserved_from_ = 0;     // where Reserve's room starts
  std::unique_ptr<Workers> workers_;  // after jobs_: stopped before they are destroyed
};

}  // namespace doccheck

#endif  // DOCCHECK_SRC_TEXT_BLOCK_SCANNER_H_
