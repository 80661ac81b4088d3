#include "detect/number_tokens.h"

#include <algorithm>
#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "detect/context.h"

namespace doccheck {
namespace {

constexpr std::size_t kMaxDigits = 24;

// The first ASCII digit at or after `i`, or t.size(): 16 bytes at a time where SSE2 is
// there (byte by byte, the skip was half of this pass and a tenth of the man-page run).
std::size_t NextDigit(std::string_view t, std::size_t i) {
  const std::size_t n = t.size();
#if defined(__SSE2__)
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  for (; i + 16 <= n; i += 16) {
    const __m128i d = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), zero);
    const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d));  // d <= 9
    if (mask != 0)
      return i + static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
  }
#endif
  while (i < n && !IsAsciiDigit(t[i])) ++i;
  return i;
}

}  // namespace

void FindNumberTokens(std::string_view t, std::vector<NumberToken>* out, std::string* digit_pool) {
  // Each digit of `t` goes into at most one token, so the pool never outgrows `t` and,
  // reserved that big (pages untouched until written), never moves the digits it holds.
  digit_pool->clear();
  digit_pool->reserve(t.size());
  const std::size_t n = t.size();
  std::size_t i = 0;
  while (i < n) {
    i = NextDigit(t, i);
    if (i >= n) break;
    // Built in place: moving each finished token into the vector was a twentieth of the
    // plain-text run (a hundred thousand tokens a chunk).
    NumberToken& tok = out->emplace_back();
    tok.begin = i;
    // The digits: while they are one run, where they are in the text; from the second
    // group on, copied to the pool. (A std::string per token made tokens 72 bytes and
    // allocated for 16 digits or more.)
    const char* digits = t.data() + i;
    std::size_t count = 0;
    bool pooled = false;
    auto append = [&](std::size_t from, std::size_t len) {
      if (count == 0) {
        digits = t.data() + from;
        count = len;
        return;
      }
      if (!pooled) {
        pooled = true;
        const std::size_t at = digit_pool->size();
        digit_pool->append(digits, count);
        digits = digit_pool->data() + at;
      }
      digit_pool->append(t.data() + from, len);
      count += len;
    };
    std::size_t end = i;
    while (true) {
      // The run appended at once (up to 64 digits in all), not a push_back per digit.
      const std::size_t run_begin = end;
      while (end < n && IsAsciiDigit(t[end])) ++end;
      const std::size_t g = end - run_begin;
      if (count < 64) append(run_begin, std::min(g, 64 - count));
      tok.groups.push_back(static_cast<unsigned char>(g > 255 ? 255 : g));
      if (end >= n || count > kMaxDigits) break;
      const char c = t[end];
      if (c == ',' && end + 1 < n && IsAsciiDigit(t[end + 1])) {
        // 1,234: exactly three digits after the comma.
        std::size_t k = end + 1;
        while (k < n && IsAsciiDigit(t[k])) ++k;
        if (k - end - 1 == 3) {
          tok.has_comma = true;
          ++end;
          continue;
        }
        break;
      }
      if ((c == '-' || c == ' ') && end + 1 < n && IsAsciiDigit(t[end + 1])) {
        // International numbers mix separators: "+81 90-1234-5678".
        const bool international = tok.begin > 0 && t[tok.begin - 1] == '+';
        if (tok.separator == 0 || tok.separator == c || (tok.separator == '(' && c == '-') ||
            international) {
          if (tok.separator == 0) tok.separator = c;
          ++end;
          continue;
        }
        break;
      }
      // "(048)498-0164": an area code in parentheses opening the number.
      if (c == ')' && tok.groups.size() == 1 && tok.begin > 0 && t[tok.begin - 1] == '(' &&
          end + 1 < n && IsAsciiDigit(t[end + 1])) {
        tok.separator = '(';
        --tok.begin;
        ++end;
        continue;
      }
      const bool plus = tok.begin > 0 && t[tok.begin - 1] == '+';
      if (c == '(' && end + 1 < n && IsAsciiDigit(t[end + 1]) && (tok.groups.size() == 1 || plus)) {
        std::size_t k = end + 1;
        while (k < n && IsAsciiDigit(t[k])) ++k;
        if (k < n && t[k] == ')' && k + 1 < n && IsAsciiDigit(t[k + 1])) {
          append(end + 1, k - end - 1);  // all of them, past 64 too
          tok.groups.push_back(static_cast<unsigned char>(k - end - 1));
          tok.separator = '(';
          end = k + 1;
          continue;
        }
      }
      break;
    }
    tok.digits = std::string_view(digits, count);
    tok.end = end;
    i = end;
  }
}

bool MyNumberCheckDigitValid(std::string_view d) {
  if (d.size() != 12) return false;
  int sum = 0;
  // Weights for the 11 digits from the left: 6,5,4,3,2,7,6,5,4,3,2.
  static constexpr int kWeights[11] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  for (int i = 0; i < 11; ++i) sum += (d[i] - '0') * kWeights[i];
  const int r = sum % 11;
  const int check = r <= 1 ? 0 : 11 - r;
  return check == d[11] - '0';
}

bool CorporateNumberCheckDigitValid(std::string_view d) {
  if (d.size() != 13) return false;
  int sum = 0;
  // Base digits are d[1..12]; P_n is the n-th from the right, Q_n = 1 (odd n) or 2 (even n).
  for (int n = 1; n <= 12; ++n) {
    const int p = d[13 - n] - '0';
    sum += p * (n % 2 == 1 ? 1 : 2);
  }
  return 9 - (sum % 9) == d[0] - '0';
}

bool LuhnValid(std::string_view d) {
  int sum = 0;
  bool dbl = false;
  for (std::size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0';
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return !d.empty() && sum % 10 == 0;
}

bool InsurerNumberCheckDigitValid(std::string_view d) {
  if (d.size() != 6 && d.size() != 8) return false;
  int sum = 0;
  // Weights 2,1,2,1... from the digit left of the check digit, products' digits summed.
  const std::size_t body = d.size() - 1;
  for (std::size_t i = 0; i < body; ++i) {
    const bool two = (body - 1 - i) % 2 == 0;
    int v = (d[i] - '0') * (two ? 2 : 1);
    sum += v / 10 + v % 10;
  }
  return (10 - sum % 10) % 10 == d.back() - '0';
}

}  // namespace doccheck
