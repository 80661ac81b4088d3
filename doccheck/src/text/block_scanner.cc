#include "text/block_scanner.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <thread>

#include "detect/detector.h"
#include "detect/labels.h"
#include "detect/number_tokens.h"
#include "detect/required_words.h"
#include "doccheck/text_scan.h"
#include "mask.h"
#include "text/count_bytes.h"
#include "text/normalize.h"

namespace doccheck {
namespace {

// Kinds that are digit runs: where two of them claim the same characters, one wins.
bool Exclusive(Kind k) {
  return IsIdentifierNumber(k) || k == Kind::kCorporateNumber || k == Kind::kPhone ||
         k == Kind::kPostalCode || k == Kind::kBirthDate;
}

void Resolve(std::vector<Candidate>* cands) {
  if (cands->size() < 2) return;  // most cells: nothing to sort, no buffer to allocate
  std::stable_sort(cands->begin(), cands->end(),
                   [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
  std::vector<Candidate> kept;
  kept.reserve(cands->size());
  for (Candidate& c : *cands) {
    bool drop = false;
    for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
      if (it->end <= c.begin && it->begin + 4096 < c.begin) break;
      const bool overlap = it->begin < c.end && c.begin < it->end;
      if (!overlap) continue;
      if (it->kind == c.kind && it->begin == c.begin) {
        drop = true;  // the same finding twice
        break;
      }
      if (Exclusive(it->kind) && Exclusive(c.kind)) {
        if (c.confidence > it->confidence) {
          *it = std::move(c);
        }
        drop = true;
        break;
      }
    }
    if (!drop) kept.push_back(std::move(c));
  }
  *cands = std::move(kept);
}

// Blocks shorter than this (spreadsheet cells, mostly) are looked at as a whole first, for
// what their detectors need (Detector::NeedsLetter).
constexpr std::size_t kShortBlock = 256;

// Bit i set when detector i of AllDetectors() needs a letter.
std::uint64_t NeedLetterDetectors() {
  static const std::uint64_t bits = [] {
    std::uint64_t b = 0;
    const std::vector<const Detector*>& detectors = AllDetectors();
    for (std::size_t i = 0; i < detectors.size() && i < 64; ++i) {
      if (detectors[i]->NeedsLetter()) b |= std::uint64_t{1} << i;
    }
    return b;
  }();
  return bits;
}

// True when `text` holds an ASCII letter or a non-ASCII byte.
bool HasLetter(std::string_view text) {
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || static_cast<unsigned char>((c | 0x20) - 'a') < 26) return true;
  }
  return false;
}

// True when every required word of every detector holds a letter: then a text without
// letters holds none of them, and only the header decides (RequiredWords need not look).
bool AllRequiredWordsHaveLetters() {
  static const bool all = [] {
    for (const Detector* d : AllDetectors()) {
      for (std::string_view w : d->RequiredWords()) {
        if (!HasLetter(w)) return false;
      }
    }
    return true;
  }();
  return all;
}

// Every detector that can find something in the block (see required_words.h).
void RunDetectors(const ScanText& scan, std::vector<Candidate>* cands, std::uint64_t in_header) {
  const std::vector<const Detector*>& detectors = AllDetectors();
  const RequiredWords& words = RequiredWords::ForAllDetectors();
  std::uint64_t present;
  if (scan.text.size() < kShortBlock && !HasLetter(scan.text)) {
    present = words.PresentInText(AllRequiredWordsHaveLetters() ? std::string_view() : scan.text,
                                  in_header) &
              ~NeedLetterDetectors();
  } else {
    present = words.PresentInText(scan.text, in_header);
  }
  for (std::size_t i = 0; i < detectors.size(); ++i) {
    if (i >= 64 || ((present >> i) & 1) != 0) detectors[i]->Detect(scan, *cands);
  }
}

void RunDetectors(const ScanText& scan, std::vector<Candidate>* cands) {
  RunDetectors(scan, cands, RequiredWords::ForAllDetectors().InHeader(scan.header));
}

// Column headings seen lately on this thread, normalised, with the detectors their words
// allow: spreadsheet cells come a row at a time under a few headings, and normalising the
// heading and looking for every required word in it once per cell was a tenth of the time.
class HeadingCache {
 public:
  struct Heading {
    std::string raw;
    std::string normalized;
    std::uint64_t in_header = 0;
    bool valid = false;
  };
  const Heading& Get(std::string_view raw) {
    for (Heading& h : slots_) {
      if (h.valid && h.raw.size() == raw.size() && h.raw == raw) return h;
    }
    Heading& h = slots_[next_];
    next_ = (next_ + 1) % kSlots;
    h.valid = true;
    h.raw.assign(raw);
    h.normalized = raw.empty() ? std::string() : NormalizeForDetection(raw);
    h.in_header = RequiredWords::ForAllDetectors().InHeader(h.normalized);
    return h;
  }

 private:
  static constexpr std::size_t kSlots = 16;
  Heading slots_[kSlots];
  std::size_t next_ = 0;
};

// Scratch space reused across ScanTextBlock calls on one thread: spreadsheets call it
// once per cell, and allocating per cell dominated their cost. Sized by the largest block
// the thread has scanned (a 1 MiB plain-text chunk: a few MB) until ReleaseThreadMemory.
struct Scratch {
  NormalizedText nt;
  std::vector<NumberToken> numbers;
  std::string digit_pool;  // digits of the numbers that are not one run in the text
  std::vector<Candidate> cands;
};
thread_local Scratch scratch;

}  // namespace

void ReleaseThreadMemory() { scratch = Scratch(); }

void ScanTextBlock(std::string_view utf8, const BlockInfo& info, std::vector<Finding>* out) {
  if (utf8.empty()) return;
  NormalizedText& nt = scratch.nt;
  NormalizeForDetection(utf8, &nt);
  thread_local HeadingCache headings;
  const HeadingCache::Heading& heading = headings.Get(info.header);
  std::vector<NumberToken>& numbers = scratch.numbers;
  numbers.clear();
  FindNumberTokens(nt.text, &numbers, &scratch.digit_pool);
  TableIndex tables;
  ScanText scan{nt.text, heading.normalized, &numbers, &tables};
  std::vector<Candidate>& cands = scratch.cands;
  cands.clear();
  RunDetectors(scan, &cands, heading.in_header);
  if (cands.empty()) return;
  Resolve(&cands);

  int line = info.base_line;
  std::size_t counted = 0;
  for (Candidate& c : cands) {
    const std::uint32_t in_text = nt.SourceOffset(c.begin);
    if (in_text < info.report_from) continue;
    line += static_cast<int>(
        CountByte(std::string_view(nt.text).substr(counted, c.begin - counted), '\n'));
    counted = c.begin;
    Finding f;
    f.kind = c.kind;
    if (info.kinds_only && c.kind != Kind::kClassificationLabel) {
      out->push_back(std::move(f));
      continue;
    }
    f.masked = MaskValue(c.kind, c.normalized);
    f.normalized = std::move(c.normalized);
    f.confidence = c.confidence;
    f.location = info.where;
    f.location.offset =
        info.base_offset + (info.source_offsets ? info.source_offsets[in_text] : in_text);
    if (info.source_line_starts != nullptr && info.source_offsets != nullptr) {
      const auto& starts = *info.source_line_starts;
      f.location.line = 1 + static_cast<int>(std::upper_bound(starts.begin(), starts.end(),
                                                              info.source_offsets[in_text]) -
                                             starts.begin());
    } else if (info.where.line) {
      f.location.line = *info.where.line + line - info.base_line;
    } else if (info.where.cell.empty()) {  // cells have an address instead of a line
      f.location.line = line + 1;
    }
    out->push_back(std::move(f));
  }
}

void CellScanner::Scan(std::string_view utf8, std::string_view header, const Location& where,
                       std::size_t detailed, std::vector<Finding>* out, std::vector<Kind>* counted,
                       std::uint64_t text_id) {
  if (utf8.empty()) return;
  auto emit = [&](const std::vector<Finding>& found) {
    for (std::size_t i = 0; i < found.size(); ++i) {
      const Finding& c = found[i];
      if (i >= detailed && c.kind != Kind::kClassificationLabel) {
        counted->push_back(c.kind);
        continue;
      }
      Finding& f = out->emplace_back();
      f.kind = c.kind;
      f.masked = c.masked;
      f.normalized = c.normalized;
      f.confidence = c.confidence;
      f.location = where;
      f.location.offset = where.offset + c.location.offset;
    }
  };
  // Scanned without a location: offsets are then those in the cell, and nothing else in
  // a finding depends on where the cell is.
  BlockInfo bare;
  bare.header = header;
  found_.clear();
  if (utf8.size() > kMaxText) {
    bare.kinds_only = detailed == 0;
    ++blocks_scanned_;
    ScanTextBlock(utf8, bare, &found_);
    emit(found_);
    return;
  }
  // A text id seen for the first time: scanned, not remembered (as a first sighting
  // below). Seen before, it is looked up by id; the entry still holds heading and text
  // to compare, so an id only says where to look: a wrong one costs time, never a
  // finding.
  if (text_id != 0 && text_id < kMaxIds) {
    const std::size_t word = static_cast<std::size_t>(text_id / 64);
    if (ids_seen_.size() <= word) ids_seen_.resize(std::max(word + 1, ids_seen_.size() * 2), 0);
    const std::uint64_t bit = std::uint64_t{1} << (text_id % 64);
    if ((ids_seen_[word] & bit) == 0) {
      ids_seen_[word] |= bit;
      bare.kinds_only = detailed == 0;
      ++blocks_scanned_;
      ScanTextBlock(utf8, bare, &found_);
      emit(found_);
      return;
    }
    const std::size_t id = static_cast<std::size_t>(text_id);
    if (id_slots_.size() <= id) id_slots_.resize(std::max(id + 1, id_slots_.size() * 2), 0);
    if (const std::uint32_t slot = id_slots_[id]; slot != 0 && slot <= by_id_.size()) {
      const ById& e = by_id_[slot - 1];
      if (e.header == header && e.text == utf8) {
        if (detailed == 0 && e.inline_kinds != kNoInlineKinds) {
          counted->insert(counted->end(), e.kinds.begin(), e.kinds.begin() + e.inline_kinds);
        } else {
          emit(e.found);
        }
        return;
      }
    }
    ++blocks_scanned_;
    ScanTextBlock(utf8, bare, &found_);
    emit(found_);
    if (bytes_ >= kMaxBytes) ForgetAll();
    std::uint32_t& slot = id_slots_[id];
    if (slot == 0 || slot > by_id_.size()) {  // else this id's entry (another heading or
                                              // text) is replaced
      by_id_.emplace_back();
      slot = static_cast<std::uint32_t>(by_id_.size());
    }
    ById& e = by_id_[slot - 1];
    e.header.assign(header);
    e.text.assign(utf8);
    e.found = found_;
    e.inline_kinds =
        found_.size() <= e.kinds.size() ? static_cast<std::uint8_t>(found_.size()) : kNoInlineKinds;
    for (std::size_t i = 0; i < found_.size() && e.inline_kinds != kNoInlineKinds; ++i) {
      if (found_[i].kind == Kind::kClassificationLabel) {
        e.inline_kinds = kNoInlineKinds;  // a label is always reported whole
      } else {
        e.kinds[i] = found_[i].kind;
      }
    }
    bytes_ += header.size() + utf8.size() + 128;
    for (const Finding& f : found_) bytes_ += sizeof f + f.masked.size() + f.normalized.size();
    return;
  }
  key_.clear();
  const std::uint32_t header_size = static_cast<std::uint32_t>(header.size());
  key_.append(reinterpret_cast<const char*>(&header_size), sizeof header_size);
  key_.append(header);
  key_.append(utf8);
  if (seen_.empty()) seen_.assign(kSeenSlots, 0);
  const std::uint64_t hash = std::hash<std::string_view>{}(key_);
  // The slot holds the hash's upper half (0 marks a free slot). Every cell touches the
  // table at random, so it is kept small (64 KiB) enough to stay in the cache while the
  // sheet's XML streams past: a cell evicted by another before it repeats is scanned
  // again, which costs time, never a finding.
  const std::uint32_t mark = static_cast<std::uint32_t>(hash >> 32) | 1;
  std::uint32_t& slot = seen_[hash % kSeenSlots];
  const bool seen = slot == mark;
  // Only a cell seen before can be in the cache: unique cells skip the lookup.
  if (seen) {
    if (auto it = cache_.find(hash); it != cache_.end() && it->second.key == key_) {
      emit(it->second.found);
      return;
    }
  }
  // A first sighting is not cached: when none of its findings is reported in full, only
  // their kinds are needed.
  bare.kinds_only = !seen && detailed == 0;
  ++blocks_scanned_;
  ScanTextBlock(utf8, bare, &found_);
  emit(found_);
  if (!seen) {
    slot = mark;
    return;
  }
  if (bytes_ >= kMaxBytes) ForgetAll();
  bytes_ += key_.size() + 96;
  for (const Finding& f : found_) bytes_ += sizeof f + f.masked.size() + f.normalized.size();
  Cached& entry = cache_[hash];  // a colliding entry is replaced
  entry.key = key_;
  entry.found = found_;
}

void CellScanner::ForgetAll() {
  cache_.clear();
  by_id_.clear();
  std::fill(id_slots_.begin(), id_slots_.end(), 0);
  bytes_ = 0;
}

std::vector<TextSpan> FindInText(std::string_view utf8) {
  NormalizedText nt;
  NormalizeForDetection(utf8, &nt);
  std::vector<NumberToken> numbers;
  std::string digit_pool;
  FindNumberTokens(nt.text, &numbers, &digit_pool);
  TableIndex tables;
  ScanText scan{nt.text, {}, &numbers, &tables};
  std::vector<Candidate> cands;
  RunDetectors(scan, &cands);
  Resolve(&cands);
  std::vector<TextSpan> out;
  for (Candidate& c : cands) {
    TextSpan span;
    span.kind = c.kind;
    span.begin = nt.SourceOffset(c.begin);
    span.end = nt.SourceOffset(c.end);
    if (span.end > utf8.size()) span.end = utf8.size();
    if (span.begin >= span.end) continue;
    if (!out.empty() && span.begin < out.back().end) {  // overlapping kinds: one span
      out.back().end = std::max(out.back().end, span.end);
      continue;
    }
    span.masked = MaskValue(c.kind, c.normalized);
    out.push_back(std::move(span));
  }
  return out;
}

std::string MaskFindingsInText(std::string_view utf8) {
  std::string out;
  std::size_t at = 0;
  for (const TextSpan& s : FindInText(utf8)) {
    out.append(utf8.substr(at, s.begin - at));
    out += s.masked;
    at = s.end;
  }
  out.append(utf8.substr(at));
  return out;
}

TextStreamScanner::TextStreamScanner(Charset charset, Location where, std::vector<Finding>* out,
                                     std::size_t chunk_bytes, int threads)
    : TextStreamScanner(
          charset, std::move(where),
          [out](std::vector<Finding>&& found) {
            out->insert(out->end(), std::make_move_iterator(found.begin()),
                        std::make_move_iterator(found.end()));
          },
          chunk_bytes, threads) {}

TextStreamScanner::TextStreamScanner(Charset charset, Location where, FindingsSink sink,
                                     std::size_t chunk_bytes, int threads)
    : decoder_(charset),
      charset_(charset),
      where_(std::move(where)),
      sink_(std::move(sink)),
      chunk_bytes_(chunk_bytes),
      threads_(threads < 1 ? 1 : threads) {
  jobs_.resize(threads_ > 1 ? static_cast<std::size_t>(threads_) + 1 : 1);
  in_flight_.assign(jobs_.size(), false);
}

// `count` threads take submitted jobs in order, each as soon as it is free; the calling
// thread meanwhile reads and decodes the next chunk. (Batches of one job per thread, all
// started together and awaited together, left a core idle while the calling thread read
// the next batch and while the slower job of a batch finished: 1.5 of 2 cores were busy.)
class TextStreamScanner::Workers {
 public:
  Workers(std::vector<Job>* jobs, int count) : jobs_(jobs), done_(jobs->size(), 0) {
    for (int i = 0; i < count; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~Workers() {  // scans under way finish; queued ones are dropped
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    work_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  void Submit(std::size_t slot) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_[slot] = 0;
      queue_.push_back(slot);
    }
    work_.notify_one();
  }

  void Wait(std::size_t slot) {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [&] { return done_[slot] != 0; });
  }

  static void Scan(Job& job) {
    job.info.source_offsets = job.offsets.empty() ? nullptr : job.offsets.data();
    ScanTextBlock(job.text, job.info, &job.findings);
  }

 private:
  void Loop() {
    while (true) {
      std::size_t slot = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        slot = queue_.front();
        queue_.pop_front();
      }
      Scan((*jobs_)[slot]);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        done_[slot] = 1;
      }
      finished_.notify_all();
    }
  }

  std::vector<Job>* jobs_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable work_, finished_;
  std::deque<std::size_t> queue_;  // submitted slots, oldest first
  std::vector<char> done_;         // per slot
  bool stop_ = false;
};

TextStreamScanner::~TextStreamScanner() = default;

TextStreamScanner::Job& TextStreamScanner::FreeJob() {
  Job& job = jobs_[next_];
  if (in_flight_[next_]) {
    workers_->Wait(next_);
    sink_(std::move(job.findings));
    job.findings.clear();
    in_flight_[next_] = false;
  }
  return job;
}

void TextStreamScanner::Submit() {
  const std::size_t slot = next_;
  next_ = (next_ + 1) % jobs_.size();
  Job& job = jobs_[slot];
  if (threads_ == 1) {
    Workers::Scan(job);
    sink_(std::move(job.findings));
    job.findings.clear();
    return;
  }
  if (!workers_) workers_ = std::make_unique<Workers>(&jobs_, threads_);
  in_flight_[slot] = true;
  workers_->Submit(slot);
}

void TextStreamScanner::Drain() {
  // jobs_[next_] is the oldest job still in flight, if any.
  for (std::size_t k = 0; k < jobs_.size(); ++k) {
    const std::size_t slot = (next_ + k) % jobs_.size();
    if (!in_flight_[slot]) continue;
    workers_->Wait(slot);
    sink_(std::move(jobs_[slot].findings));
    jobs_[slot].findings.clear();
    in_flight_[slot] = false;
  }
}

void TextStreamScanner::Feed(std::string_view bytes, bool last) {
  if (!decoder_.identity()) {
    pending_.append(bytes.data(), bytes.size());
  } else {
    if (!open_) OpenJob();
    jobs_[next_].text.append(bytes.data(), bytes.size());
  }
  Settle(last);
}

char* TextStreamScanner::Reserve(std::size_t want) {
  std::string* into = &pending_;
  if (decoder_.identity()) {
    if (!open_) OpenJob();
    into = &jobs_[next_].text;
  }
  reserved_from_ = into->size();
  into->resize(reserved_from_ + want);
  return into->data() + reserved_from_;
}

void TextStreamScanner::Commit(std::size_t written, bool last) {
  (decoder_.identity() ? jobs_[next_].text : pending_).resize(reserved_from_ + written);
  Settle(last);
}

void TextStreamScanner::Settle(bool last) {
  if (!decoder_.identity()) {
    while (pending_.size() >= chunk_bytes_) {
      const std::size_t before = pending_.size();
      ScanPending(false);
      if (pending_.size() == before) break;  // no line break in a whole chunk: wait for more
    }
    if (last) {
      ScanPending(true);
      Drain();
    }
    return;
  }
  // The same cuts as when the bytes waited in pending_: at the last line break of what
  // has come once there is a chunk's worth.
  while (jobs_[next_].text.size() - open_prefix_ >= chunk_bytes_ && Cut(false)) OpenJob();
  if (last) {
    Cut(true);
    Drain();
  }
}

namespace {

// Where to cut a line too long to wait for its end: after the last space, tab or
// punctuation in the final 4 KiB, so no number is split; else at a character boundary.
std::size_t ForcedCut(std::string_view bytes, Charset charset) {
  if (charset == Charset::kUtf16Le || charset == Charset::kUtf16Be)
    return bytes.size() & ~std::size_t{1};
  const std::size_t floor = bytes.size() > 4096 ? bytes.size() - 4096 : 0;
  for (std::size_t i = bytes.size(); i > floor; --i) {
    const char c = bytes[i - 1];
    if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '.') return i;
  }
  auto splits = [&](std::size_t cut) {
    return (cut < bytes.size() && (static_cast<unsigned char>(bytes[cut]) & 0xC0) == 0x80) ||
           (bytes[cut - 1] >= '0' && bytes[cut - 1] <= '9');
  };
  std::size_t cut = bytes.size();
  while (cut > floor + 1 && splits(cut)) --cut;
  return cut;
}

// The header line (with its '\n') of a table that is still open at the end of `text`:
// the first of the trailing lines holding tabs, when it names 2+ columns without digits.
std::string OpenTableHeader(std::string_view text) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  std::size_t first = std::string_view::npos;
  while (true) {
    const std::size_t nl = pos == 0 ? std::string_view::npos : text.rfind('\n', pos - 1);
    const std::size_t start = nl == std::string_view::npos ? 0 : nl + 1;
    if (text.substr(start, pos - start).find('\t') == std::string_view::npos) break;
    first = start;
    if (start == 0) break;
    pos = start - 1;
  }
  if (first == std::string_view::npos) return {};
  const std::size_t end = text.find('\n', first);
  const std::string_view line =
      text.substr(first, (end == std::string_view::npos ? text.size() : end) - first);
  if (line.find_first_of("0123456789") != std::string_view::npos) return {};
  if (std::count(line.begin(), line.end(), '\t') < 2) return {};
  return std::string(line) + "\n";
}

}  // namespace

void TextStreamScanner::ScanPending(bool last) {
  // Other charsets: the source bytes wait in pending_ and are decoded into the job.
  std::size_t cut = last ? pending_.size() : LastLineBreak(pending_, charset_);
  if (cut == 0 && !last) {
    // A single line longer than four chunks: cut it anyway, where no number is split.
    if (pending_.size() < chunk_bytes_ * 4) return;
    cut = ForcedCut(pending_, charset_);
  }
  const std::string_view piece(pending_.data(), cut);
  first_ = false;

  // The block: [table header carried from earlier chunks] [last lines of the previous
  // chunk] [this piece]. Only the piece is reported; the rest is context.
  Job& job = FreeJob();
  job.info = BlockInfo{};
  std::string& text = job.text;
  const std::size_t prefix_len = header_.size() + carry_.size();
  text = header_;
  text += carry_;
  std::vector<std::uint32_t>& offsets = job.offsets;
  offsets.assign(header_.size(), 0);
  offsets.insert(offsets.end(), carry_offsets_.begin(), carry_offsets_.end());
  decoder_.Decode(piece, pending_base_, last, &text, &offsets);
  offsets.push_back(static_cast<std::uint32_t>(pending_base_ + piece.size()));
  Finish(job, prefix_len, header_.empty() ? 0 : 1, piece.size());
  pending_.erase(0, cut);
}

void TextStreamScanner::OpenJob() {
  Job& job = FreeJob();
  job.text = header_;
  job.text += carry_;
  open_prefix_ = job.text.size();
  open_prefix_lines_ = header_.empty() ? 0 : 1;
  job.text += pending_;
  pending_.clear();
  open_ = true;
}

bool TextStreamScanner::Cut(bool last) {
  // UTF-8: the carried lines and the piece are one contiguous run of the source (the
  // header is not, but nothing in it is reported).
  Job& job = jobs_[next_];
  std::string& text = job.text;
  const std::string_view all = std::string_view(text).substr(open_prefix_);
  std::size_t cut = last ? all.size() : LastLineBreak(all, charset_);
  if (cut == 0 && !last) {
    // A single line longer than four chunks: cut it anyway, where no number is split.
    if (all.size() < chunk_bytes_ * 4) return false;
    cut = ForcedCut(all, charset_);
  }
  pending_.assign(all.substr(cut));
  text.resize(open_prefix_ + cut);
  std::size_t piece = cut;
  if (first_) {
    const std::size_t bom = BomLength(std::string_view(text).substr(open_prefix_), Charset::kUtf8);
    if (bom != 0) {
      text.erase(open_prefix_, bom);
      pending_base_ += bom;
      piece -= bom;
    }
  }
  first_ = false;
  open_ = false;
  job.offsets.clear();
  job.info = BlockInfo{};
  job.info.base_offset = pending_base_ - open_prefix_;
  Finish(job, open_prefix_, open_prefix_lines_, piece);
  return true;
}

void TextStreamScanner::Finish(Job& job, std::size_t prefix_len, int prefix_lines,
                               std::size_t piece_size) {
  std::string& text = job.text;
  const std::vector<std::uint32_t>& offsets = job.offsets;
  BlockInfo& info = job.info;
  info.where = where_;
  info.base_line = lines_before_carry_ - prefix_lines;
  info.report_from = prefix_len;

  // Keep the last lines (at most 1 KiB) and any open table's header for the next chunk.
  lines_before_carry_ += static_cast<int>(CountByte(text, '\n')) - prefix_lines;
  std::size_t keep_from = text.size();
  for (int lines = 0; lines < 3 && keep_from > 0;) {
    const std::size_t p = text.rfind('\n', keep_from - 1);
    if (p == std::string::npos) {
      keep_from = 0;
      break;
    }
    keep_from = p;
    ++lines;
  }
  if (keep_from < text.size() && text[keep_from] == '\n') ++keep_from;
  if (text.size() - keep_from > 1024) keep_from = text.size() - 1024;
  if (keep_from < header_.size()) keep_from = header_.size();
  while (keep_from < text.size() && (static_cast<unsigned char>(text[keep_from]) & 0xC0) == 0x80)
    ++keep_from;
  std::string header = OpenTableHeader(text);
  if (header.size() > 1024) header.clear();
  carry_.assign(text, keep_from, std::string::npos);
  if (header == carry_.substr(0, header.size())) header.clear();  // already in the carry
  header_ = std::move(header);
  if (!offsets.empty()) carry_offsets_.assign(offsets.begin() + keep_from, offsets.end() - 1);
  lines_before_carry_ -= static_cast<int>(CountByte(carry_, '\n'));
  pending_base_ += piece_size;
  Submit();
}

}  // namespace doccheck
