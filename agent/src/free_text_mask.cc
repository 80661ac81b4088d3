#include "agent/free_text_mask.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <vector>

#include "doccheck/text_scan.h"
#include "mailcheck/digit_runs.h"

namespace agent {
namespace {

// One code point of a text being masked: where it is and what it is.
struct Unit {
  std::size_t begin = 0, end = 0;  // bytes [begin, end)
  bool digit = false;              // a decimal digit of any script (Unicode Nd)
  bool separator = false;          // what people write between groups of digits
};

bool IsDigitSeparator(UChar32 c) {
  switch (c) {
    case ' ':
    case '\t':
    case '-':
    case '.':
    case 0x00A0:  // no-break space
    case 0x2010:  // hyphen
    case 0x2011:  // non-breaking hyphen
    case 0x2012:  // figure dash
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case 0x2015:  // horizontal bar
    case 0x2212:  // minus sign
    case 0x2500:  // box drawings light horizontal
    case 0x3000:  // ideographic space
    case 0x30FC:  // katakana prolonged sound mark, written as a dash
    case 0xFE63:  // small hyphen-minus
    case 0xFF0D:  // full-width hyphen-minus
    case 0xFF0E:  // full-width full stop
    case 0xFF70:  // half-width prolonged sound mark
      return true;
    default:
      return false;
  }
}

std::vector<Unit> Units(std::string_view s) {
  std::vector<Unit> out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    Unit u;
    u.begin = static_cast<std::size_t>(i);
    UChar32 c;
    U8_NEXT(p, i, length, c);
    u.end = static_cast<std::size_t>(i);
    if (c >= 0) {
      u.digit = u_charType(c) == U_DECIMAL_DIGIT_NUMBER;
      u.separator = IsDigitSeparator(c);
    }
    out.push_back(u);
  }
  return out;
}

// Runs of digits joined by at most this many separators count as one number.
constexpr std::size_t kMaxSeparators = 3;
// A number of this many digits or more keeps only its last four, separators or not.
constexpr std::size_t kLongNumber = 10;

}  // namespace

std::string MaskDigits(std::string_view text) {
  const std::vector<Unit> units = Units(text);
  std::vector<bool> hide(units.size(), false);
  std::size_t i = 0;
  while (i < units.size()) {
    if (!units[i].digit) {
      ++i;
      continue;
    }
    // A number: digit groups [i, j) joined by short runs of separators.
    std::vector<std::size_t> digits;  // indexes of its digits
    std::size_t j = i;
    while (j < units.size()) {
      if (units[j].digit) {
        digits.push_back(j++);
        continue;
      }
      std::size_t k = j;
      while (k < units.size() && units[k].separator && k - j < kMaxSeparators) ++k;
      if (k == j || k >= units.size() || !units[k].digit) break;
      j = k;
    }
    if (digits.size() >= kLongNumber) {
      for (std::size_t d = 0; d + 4 < digits.size(); ++d) hide[digits[d]] = true;
    } else {
      // Each unbroken group of five or more keeps its last four.
      std::size_t g = 0;
      while (g < digits.size()) {
        std::size_t h = g + 1;
        while (h < digits.size() && digits[h] == digits[h - 1] + 1) ++h;
        for (std::size_t d = g; d + 4 < h; ++d) hide[digits[d]] = true;
        g = h;
      }
    }
    i = j;
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (hide[u]) {
      out.push_back('*');
    } else {
      out.append(text.substr(units[u].begin, units[u].end - units[u].begin));
    }
  }
  // Central refuses what mailcheck's digit-run rule finds (docs/CENTRAL_API.md); the same
  // rule as a last pass means nothing the agent sends is refused for it.
  return mailcheck::MaskDigitRuns(out);
}

std::string MaskFreeText(std::string_view text) {
  return MaskDigits(doccheck::MaskFindingsInText(text));
}

}  // namespace agent
