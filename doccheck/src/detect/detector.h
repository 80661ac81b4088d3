// Detector: finds one kind of personal information in normalised text.
//
// The text layer hands every detector the same normalised block (see text/normalize.h:
// full-width ASCII folded to ASCII, dash variants between digits folded to '-', the
// ideographic space to ' ', half-width kana to full-width, era ligatures such as ㍻
// expanded). Detectors report candidates with offsets into that normalised text; the
// caller maps them back to the original bytes, resolves overlaps and masks the values.
// Detectors are stateless and thread-safe; they are listed in registry.cc.
#ifndef DOCCHECK_SRC_DETECT_DETECTOR_H_
#define DOCCHECK_SRC_DETECT_DETECTOR_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "doccheck/report.h"

namespace doccheck {

// Digit counts of the groups of a NumberToken: a fixed-size inline list (tokens are made
// for every number in the text, so they must not allocate).
class DigitGroups {
 public:
  static constexpr std::size_t kMax = 8;
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  unsigned char operator[](std::size_t i) const { return g_[i]; }
  const unsigned char* begin() const { return g_; }
  const unsigned char* end() const { return g_ + size_; }
  // Adds a group; groups past kMax are counted into the last one.
  void push_back(unsigned char n) {
    if (size_ < kMax)
      g_[size_++] = n;
    else
      g_[kMax - 1] = static_cast<unsigned char>(g_[kMax - 1] + n);
  }
  bool operator==(const std::vector<unsigned char>& v) const {
    return v.size() == size_ && std::equal(v.begin(), v.end(), g_);
  }

 private:
  unsigned char g_[kMax] = {};
  unsigned char size_ = 0;
};

// A run of digits with single separators between groups: "0495-25-1111", "8221 2716 8547",
// "070(5428)3483", "1,234,567". Found once per block by the text layer and shared by
// every numeric detector (see number_tokens.h).
struct NumberToken {
  std::size_t begin = 0;  // byte offsets in ScanText::text, [begin, end)
  std::size_t end = 0;
  // The digits only: in the text itself when they are one run, else in the digit pool
  // that FindNumberTokens was given (no allocation per token; 48 bytes instead of 72).
  std::string_view digits;
  DigitGroups groups;      // digit count of each group
  char separator = 0;      // '-', ' ' or '(' (for 03(1234)5678); 0 for one group
  bool has_comma = false;  // 1,234 grouping: an amount, never an identifier
};

class TableIndex;  // labels.h: tab/comma tables of a block, built on first use

// One block of normalised text and what is known about its surroundings.
struct ScanText {
  std::string_view text;    // normalised UTF-8
  std::string_view header;  // normalised heading of the table column holding this block, or ""
  const std::vector<NumberToken>* numbers = nullptr;  // digit runs in `text`, in order
  TableIndex* tables = nullptr;  // optional cache for TableColumnHeader; owned by the caller
};

struct Candidate {
  Kind kind = Kind::kMyNumber;
  std::size_t begin = 0;  // byte offsets in ScanText::text, [begin, end)
  std::size_t end = 0;
  std::string normalized;   // canonical form (CONTRACTS.md §1)
  double confidence = 0.5;  // 0..1; keywords nearby raise it
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view name() const = 0;
  // Appends what it finds in `text` to `out`. Must not throw.
  virtual void Detect(const ScanText& text, std::vector<Candidate>& out) const = 0;
  // Words one of which must occur in the block's text or header for Detect to find
  // anything; empty when there are none. The text layer looks for every detector's words
  // in one pass (required_words.h) and does not call Detect when none occurs.
  virtual std::vector<std::string_view> RequiredWords() const { return {}; }
  // True when Detect finds nothing in a text without a letter (an ASCII letter or any
  // non-ASCII byte), whatever the header: names and addresses are made of letters. The
  // text layer does not call it for a short block without one (a cell of digits and
  // punctuation: numbers, phone numbers, dates).
  virtual bool NeedsLetter() const { return false; }
};

// Every detector, in the order of the registry table. Owned by the registry; live forever.
const std::vector<const Detector*>& AllDetectors();

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_DETECTOR_H_
