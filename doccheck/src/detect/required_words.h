// RequiredWords: which detectors can find anything in a block, by the words they need,
// looked for in one pass over the block for all detectors together.
//
// A detector that finds nothing unless one of a few words occurs in the block (labelled
// numbers need their label, classification labels their ending; Detector::RequiredWords)
// is skipped for a block that holds none of them, in its text or its column heading.
// Replaces a search of the whole block per word and detector. Immutable; thread-safe.
#ifndef DOCCHECK_SRC_DETECT_REQUIRED_WORDS_H_
#define DOCCHECK_SRC_DETECT_REQUIRED_WORDS_H_

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace doccheck {

class RequiredWords {
 public:
  // `detectors[i]`'s words decide bit i of Present(); at most 64 detectors.
  explicit RequiredWords(const std::vector<const Detector*>& detectors);

  // For every detector of AllDetectors(), in its order.
  static const RequiredWords& ForAllDetectors();

  // Bit i set when detector i needs no word, or one of its words occurs in `text` or in
  // `header` (as bytes, like FindText).
  std::uint64_t Present(std::string_view text, std::string_view header) const {
    return PresentInText(text, InHeader(header));
  }
  // The part of Present() that depends on the header alone (callers that scan many blocks
  // under a few headings, spreadsheet cells, keep it), and the rest given that part.
  std::uint64_t InHeader(std::string_view header) const;
  std::uint64_t PresentInText(std::string_view text, std::uint64_t in_header) const;

 private:
  struct Word {
    std::string_view text;
    std::uint64_t detectors;  // bits of the detectors that need it
  };
  // Two bytes of a word compared 16 positions at a time: the two after a multi-byte
  // lead byte (lead bytes are shared by thousands of kanji), else the first two.
  struct Pair {
    int offset;
    unsigned char first, second;
    std::uint64_t detectors;  // union of its words'
    std::vector<Word> words;  // the words whose bytes at `offset` are this pair
    // A third byte all its words share, two after the pair's second (the first
    // continuation byte of a Japanese word's second character), or -1: the pair alone
    // (the bytes of 年 in 年金, of 口 in 口座) matches thousands of times in a block that
    // holds none of the words; with the third byte it rarely does.
    int third = -1;
    int bucket = 0;  // of the nibble filter (offset 1 only), chosen in the constructor
  };
  void Verify(const Pair& pair, std::string_view text, std::size_t start,
              std::uint64_t* found) const;

  // Whether any pair (of either offset) has bytes (a, b): bit a * 256 + b. Lets the
  // position-by-position tail (all of a short spreadsheet cell) skip most positions.
  bool AnyPair(int offset, unsigned char a, unsigned char b) const {
    const unsigned i = a * 256u + b;
    return ((pair_bytes_[offset][i / 64] >> (i % 64)) & 1) != 0;
  }

  std::vector<Pair> pairs_;
  std::array<std::array<std::uint64_t, 1024>, 2> pair_bytes_{};
  std::vector<Word> short_words_;  // under two bytes: searched on their own
  std::uint64_t always_ = 0;       // detectors that need no word
  std::uint64_t wanted_ = 0;       // detectors that need one
};

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_REQUIRED_WORDS_H_
