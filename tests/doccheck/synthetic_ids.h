// Synthetic personal identifiers for the doccheck tests, built with independent
// implementations of the published check-digit rules (not the library's), plus small
// helpers to rewrite them the ways documents do (grouping, full-width digits) and to run
// a text through the public Checker API. Only made-up values: nothing here names anyone.
#ifndef TESTS_DOCCHECK_SYNTHETIC_IDS_H_
#define TESTS_DOCCHECK_SYNTHETIC_IDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "doccheck/checker.h"
#include "doccheck/report.h"

namespace doccheck::testing {

// My Number: 11 base digits + check digit. Weights 6,5,4,3,2,7,6,5,4,3,2 from the left;
// r = sum mod 11; check = 0 when r <= 1, else 11 - r.
inline std::string MyNumberCheckDigit(std::string_view base11) {
  static constexpr int kWeights[11] = {6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int sum = 0;
  for (int i = 0; i < 11; ++i) sum += (base11[i] - '0') * kWeights[i];
  const int r = sum % 11;
  return std::string(1, static_cast<char>('0' + (r <= 1 ? 0 : 11 - r)));
}
inline std::string MakeMyNumber(std::string_view base11) {
  return std::string(base11) + MyNumberCheckDigit(base11);
}
// The same number with a wrong check digit.
inline std::string BreakLastDigit(std::string s) {
  s.back() = static_cast<char>('0' + (s.back() - '0' + 1) % 10);
  return s;
}

// Corporate number: check digit FIRST, then 12 base digits. Weights 1,2,1,2,... from the
// rightmost base digit; check = 9 - (sum mod 9).
inline std::string MakeCorporateNumber(std::string_view base12) {
  int sum = 0;
  for (int n = 1; n <= 12; ++n) sum += (base12[12 - n] - '0') * (n % 2 == 1 ? 1 : 2);
  return std::string(1, static_cast<char>('0' + 9 - sum % 9)) + std::string(base12);
}

// Luhn: appends the check digit that makes `body` + check pass.
inline std::string MakeLuhn(std::string_view body) {
  int sum = 0;
  bool dbl = true;  // the digit left of the check digit is doubled
  for (std::size_t i = body.size(); i-- > 0;) {
    int v = body[i] - '0';
    if (dbl) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    dbl = !dbl;
  }
  return std::string(body) + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// 保険者番号: weights 2,1,2,1... from the digit left of the check digit; the digits of the
// products are summed; check = (10 - sum mod 10) mod 10.
inline std::string MakeInsurerNumber(std::string_view body) {
  int sum = 0;
  bool two = true;
  for (std::size_t i = body.size(); i-- > 0;) {
    const int v = (body[i] - '0') * (two ? 2 : 1);
    sum += v / 10 + v % 10;
    two = !two;
  }
  return std::string(body) + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// "123456789018" -> "1234<sep>5678<sep>9018" (any split of group sizes).
inline std::string Group(std::string_view digits, std::vector<int> sizes, std::string_view sep) {
  std::string out;
  std::size_t p = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (i) out.append(sep);
    out.append(digits.substr(p, sizes[i]));
    p += sizes[i];
  }
  return out;
}

// ASCII digits and letters -> full-width (U+FF10.., U+FF21.., U+FF41..); the rest as is.
inline std::string FullWidth(std::string_view s) {
  std::string out;
  for (char c : s) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
        c == '@' || c == '.') {
      const char32_t cp = 0xFF01 + (c - 0x21);
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The findings of `kind` in a plain-text document, through the public API.
inline std::vector<Finding> FindingsOf(Kind kind, std::string_view text,
                                       std::string_view name = "x.txt") {
  static const Checker* const checker = new Checker();
  const FileReport report = checker->CheckBytes(name, text);
  std::vector<Finding> out;
  for (const Finding& f : report.findings) {
    if (f.kind == kind) out.push_back(f);
  }
  return out;
}

inline std::vector<std::string> NormalizedOf(Kind kind, std::string_view text,
                                             std::string_view name = "x.txt") {
  std::vector<std::string> out;
  for (const Finding& f : FindingsOf(kind, text, name)) out.push_back(f.normalized);
  return out;
}

}  // namespace doccheck::testing

#endif  // TESTS_DOCCHECK_SYNTHETIC_IDS_H_
