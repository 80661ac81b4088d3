#include "mask.h"

#include "detect/context.h"

namespace doccheck {
namespace {

// Keeps `head` leading and `tail` trailing characters of an ASCII string, stars the rest,
// and groups the result by `group` characters separated by `sep` (0 = no grouping).
std::string StarMiddle(std::string_view s, std::size_t head, std::size_t tail, std::size_t group,
                       char sep) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (group && i && i % group == 0) out.push_back(sep);
    out.push_back(i < head || i + tail >= s.size() ? s[i] : '*');
  }
  return out;
}

}  // namespace

std::string MaskValue(Kind kind, std::string_view v) {
  switch (kind) {
    case Kind::kMyNumber:
    case Kind::kCreditCard:
      return StarMiddle(v, 4, 1, 4, ' ');
    case Kind::kCorporateNumber:  // public, but shown no more than other numbers
      return StarMiddle(v, 4, 1, 0, 0);
    case Kind::kDriversLicense:
    case Kind::kPensionNumber:
    case Kind::kHealthInsurance:
    case Kind::kBankAccount:
      return StarMiddle(v, 2, 1, 0, 0);
    case Kind::kPassport:
    case Kind::kResidenceCard:
      return StarMiddle(v, 2, 0, 0, 0);
    case Kind::kPhone: {
      std::string s = StarMiddle(v, 3, 2, 0, 0);
      return s;
    }
    case Kind::kPostalCode:
      return v.size() == 7 ? std::string(v.substr(0, 3)) + "-****" : StarMiddle(v, 3, 0, 0, 0);
    case Kind::kEmail: {
      const std::size_t at = v.find('@');
      if (at == std::string_view::npos || at == 0) return "***";
      return std::string(v.substr(0, 1)) + "***" + std::string(v.substr(at));
    }
    case Kind::kBirthDate:
      return v.size() >= 4 ? std::string(v.substr(0, 4)) + "-**-**" : "****-**-**";
    case Kind::kAddress: {
      // Up to the municipality (first 市/区/町/村 after the prefecture); digits starred after.
      std::string out;
      bool hide = false;
      for (std::size_t i = 0; i < v.size();) {
        std::size_t n = 0;
        const char32_t c = CodePointAt(v, i, &n);
        if (n == 0) break;
        if (hide) {
          if (IsAsciiDigit(static_cast<char>(c < 0x80 ? c : 0))) {
            out.push_back('*');
          } else if (IsKanji(c) || IsKatakana(c) || IsHiragana(c)) {
            out += "＊";
          } else {
            out.append(v.substr(i, n));
          }
        } else {
          out.append(v.substr(i, n));
          if (c == 0x5E02 || c == 0x533A || c == 0x753A || c == 0x6751) hide = true;
        }
        i += n;
      }
      return out;
    }
    case Kind::kPersonName: {
      std::size_t n = 0;
      CodePointAt(v, 0, &n);
      std::string out(v.substr(0, n));
      for (std::size_t i = n; i < v.size();) {
        std::size_t m = 0;
        CodePointAt(v, i, &m);
        if (m == 0) break;
        out += "＊";
        i += m;
      }
      return out;
    }
    case Kind::kClassificationLabel:
      return std::string(v);
  }
  return "***";
}

}  // namespace doccheck
