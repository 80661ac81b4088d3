// Checks shared by the numeric detectors (one detector per file uses them).
#ifndef DOCCHECK_SRC_DETECT_NUMERIC_COMMON_H_
#define DOCCHECK_SRC_DETECT_NUMERIC_COMMON_H_

#include <initializer_list>
#include <string_view>
#include <vector>

#include "detect/detector.h"

namespace doccheck {

// An amount: comma grouping, a currency sign before, or 円/万/億/% after.
bool LooksLikeAmount(std::string_view text, const NumberToken& token);

// The token is glued to letters, digits or a decimal point on either side ("T1234…",
// "ABC123", "12.5"), so it is part of a longer code.
bool GluedToAlphanumeric(std::string_view text, const NumberToken& token);

// The digit-group shape is one of `shapes` (e.g. {{12}, {4, 4, 4}}). Inline and byte by
// byte: every numeric detector asks it of every digit run (std::equal on bytes called
// memcmp, and the call itself showed in the profile).
// Its loops still cost ~30 instructions a token: callers test token.digits.size() (the
// sum of the groups of every shape they accept) first, which rules out nearly all.
inline bool ShapeIs(const NumberToken& token,
                    std::initializer_list<std::initializer_list<unsigned char>> shapes) {
  for (const auto& shape : shapes) {
    if (shape.size() != token.groups.size()) continue;
    std::size_t i = 0;
    for (const unsigned char g : shape) {
      if (g != token.groups[i]) break;
      ++i;
    }
    if (i == shape.size()) return true;
  }
  return false;
}

// Labels of numbers that are not personal identifiers of the kind at hand (order numbers,
// receipt numbers, codes, amounts…). A label naming them rules a candidate out.
extern const std::initializer_list<std::string_view> kOtherNumberLabels;

void Emit(std::vector<Candidate>& out, Kind kind, std::size_t begin, std::size_t end,
          std::string normalized, double confidence);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_NUMERIC_COMMON_H_
