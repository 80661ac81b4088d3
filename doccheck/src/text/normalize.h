// Normalisation of UTF-8 text for detection, with a map back to the source bytes.
//
// What changes (everything else is copied byte for byte):
//   - full-width ASCII U+FF01..FF5E -> ASCII; U+3000 ideographic space -> ' '; '\r' dropped
//   - dash variants NFKC leaves alone (‐ ‑ ‒ – — ― − ─ ﹣) -> '-'; ー and ｰ -> '-' only
//     between two digits (elsewhere they are the katakana long vowel)
//   - half-width katakana -> full-width, with ﾞ/ﾟ composed (ｶﾞ -> ガ)
//   - era ligatures ㍾㍽㍼㍻㋿ -> 明治 大正 昭和 平成 令和; ￥ -> ¥
// This is the width folding of NFKC restricted to what detectors need; running full ICU
// NFKC over every byte is several times slower and changes offsets in ways we do not need.
// Pure functions; thread-safe.
#ifndef DOCCHECK_SRC_TEXT_NORMALIZE_H_
#define DOCCHECK_SRC_TEXT_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace doccheck {

struct NormalizedText {
  std::string text;  // normalised UTF-8

  // Where the normalised text stops following the source byte for byte: from
  // anchors[i].normalized on, normalised byte k comes from source byte
  // anchors[i].source + (k - anchors[i].normalized), until the next anchor. Folds are rare,
  // so this stays small (a per-byte map would cost four bytes for every byte scanned).
  struct Anchor {
    std::uint32_t normalized;
    std::uint32_t source;
  };
  std::vector<Anchor> anchors;
  std::uint32_t source_end = 0;  // offset just past the source

  // Offset in the source of normalised byte `n` (n == text.size() gives the source end).
  std::uint32_t SourceOffset(std::size_t n) const;
};

// Normalises `source` (UTF-8; invalid bytes are copied as they are) into `out`, replacing
// its contents. Offsets in `out->source_offset` are relative to `source` plus `base`.
void NormalizeForDetection(std::string_view source, NormalizedText* out, std::uint32_t base = 0);

// Convenience for tests and short strings: the normalised text only.
std::string NormalizeForDetection(std::string_view source);

// NFKC (ICU) with all spaces removed: the canonical form of address, person_name and
// classification_label values.
std::string NfkcWithoutSpaces(std::string_view utf8);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_TEXT_NORMALIZE_H_
