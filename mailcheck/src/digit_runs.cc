#include "mailcheck/digit_runs.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace mailcheck {
namespace {

// Calls on_run(digits) for each maximal run of digits joined by at most kMaxRunSeparators
// separators, with the byte span [begin, end) of each of its digits; stops when on_run
// returns false.
template <typename OnRun>
void ForEachRun(std::string_view s, OnRun on_run) {
  std::vector<std::pair<std::size_t, std::size_t>> digits;  // byte spans of the run's digits
  int separators = 0;                                       // separators since the run's last digit
  const auto* text = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(text, i, length, c);
    if (c >= 0 && u_isdigit(c)) {
      digits.emplace_back(start, i);
      separators = 0;
    } else if (c >= 0 && !digits.empty() && IsDigitRunSeparator(static_cast<char32_t>(c)) &&
               ++separators <= kMaxRunSeparators) {
      // still inside the run
    } else {
      if (!digits.empty() && !on_run(digits)) return;
      digits.clear();
      separators = 0;
    }
  }
  if (!digits.empty()) on_run(digits);
}

}  // namespace

bool IsDigitRunSeparator(char32_t c) {
  if (c == U'\t' || c == 0x2212 || c == 0x30FC || c == 0xFF70) return true;
  const int8_t type = u_charType(static_cast<UChar32>(c));
  return type == U_SPACE_SEPARATOR || type == U_DASH_PUNCTUATION || type == U_FORMAT_CHAR;
}

bool HasDigitRun(std::string_view utf8) {
  bool found = false;
  ForEachRun(utf8, [&](const auto& digits) {
    found = static_cast<int>(digits.size()) >= kMinRunDigits;
    return !found;
  });
  return found;
}

std::string MaskDigitRuns(std::string_view utf8) {
  std::vector<std::pair<std::size_t, std::size_t>> masked;  // byte spans, in order
  ForEachRun(utf8, [&](const auto& digits) {
    if (static_cast<int>(digits.size()) >= kMinRunDigits)
      masked.insert(masked.end(), digits.begin(), digits.end() - kMaskKeepsDigits);
    return true;
  });
  if (masked.empty()) return std::string(utf8);
  std::string out;
  out.reserve(utf8.size());
  std::size_t at = 0;
  for (const auto& [begin, end] : masked) {
    out.append(utf8.substr(at, begin - at));
    out.push_back('*');
    at = end;
  }
  out.append(utf8.substr(at));
  return out;
}

}  // namespace mailcheck
