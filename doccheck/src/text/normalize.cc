#include "text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace doccheck {
namespace {

// Full-width katakana for U+FF66..U+FF9D (half-width ｦ..ﾝ), index = cp - 0xFF66.
constexpr char16_t kHalfKana[] = {
    0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3,
    0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1,
    0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6,
    0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8,
    0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9,
    0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3};

bool TakesVoicedMark(char32_t k) {
  return (k >= 0x30AB && k <= 0x30C8 && k != 0x30C3) ||
         (k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0) || k == 0x30A6;
}
bool TakesSemiVoicedMark(char32_t k) { return k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0; }

class Writer {
 public:
  Writer(NormalizedText* out, std::uint32_t base) : out_(out), base_(base) {}

  void Byte(char b, std::size_t src) {
    out_->text.push_back(b);
    out_->source_offset.push_back(base_ + static_cast<std::uint32_t>(src));
  }
  void Bytes(std::string_view s, std::size_t src) {
    for (char c : s) Byte(c, src);
  }
  void CodePoint(char32_t cp, std::size_t src) {
    char buf[4];
    int n = 0;
    if (cp < 0x80) {
      buf[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf[n++] = static_cast<char>(0xE0 | (cp >> 12));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      buf[n++] = static_cast<char>(0xF0 | (cp >> 18));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    Bytes(std::string_view(buf, n), src);
  }
  // Replaces the last written katakana (3 bytes) by `cp`, keeping its source offset.
  bool ReplaceLastKana(char32_t cp) {
    std::string& t = out_->text;
    if (t.size() < 3) return false;
    std::uint32_t src = out_->source_offset[t.size() - 3];
    t.resize(t.size() - 3);
    out_->source_offset.resize(t.size());
    CodePoint(cp, src - base_);
    return true;
  }
  char32_t LastKana() const {
    const std::string& t = out_->text;
    if (t.size() < 3) return 0;
    auto b0 = static_cast<unsigned char>(t[t.size() - 3]);
    if ((b0 & 0xF0) != 0xE0) return 0;
    return ((b0 & 0x0F) << 12) | ((t[t.size() - 2] & 0x3F) << 6) | (t[t.size() - 1] & 0x3F);
  }
  bool LastIsDigit() const {
    return !out_->text.empty() && out_->text.back() >= '0' && out_->text.back() <= '9';
  }

 private:
  NormalizedText* out_;
  std::uint32_t base_;
};

// True when the source at `i` starts with an ASCII or full-width digit.
bool DigitAt(std::string_view s, std::size_t i) {
  if (i < s.size() && s[i] >= '0' && s[i] <= '9') return true;
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
         static_cast<unsigned char>(s[i + 1]) == 0xBC &&
         static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
         static_cast<unsigned char>(s[i + 2]) <= 0x99;
}

}  // namespace

void NormalizeForDetection(std::string_view s, NormalizedText* out, std::uint32_t base) {
  out->text.clear();
  out->source_offset.clear();
  out->text.reserve(s.size());
  out->source_offset.reserve(s.size() + 1);
  Writer w(out, base);
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b != '\r') w.Byte(static_cast<char>(b), i);
      ++i;
      continue;
    }
    if (b >= 0xE0 && b < 0xF0 && i + 2 < n) {
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const auto b2 = static_cast<unsigned char>(s[i + 2]);
      if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80) {
        const char32_t cp = ((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
          w.Byte(static_cast<char>(cp - 0xFF01 + 0x21), i);
        } else if (cp == 0x3000) {
          w.Byte(' ', i);
        } else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x2500 ||
                   cp == 0xFE63) {
          w.Byte('-', i);
        } else if (cp == 0x30FC || cp == 0xFF70) {
          if (w.LastIsDigit() && DigitAt(s, i + 3)) {
            w.Byte('-', i);
          } else {
            w.CodePoint(0x30FC, i);
          }
        } else if (cp >= 0xFF61 && cp <= 0xFF9F) {
          if (cp == 0xFF61) w.CodePoint(0x3002, i);
          else if (cp == 0xFF62) w.CodePoint(0x300C, i);
          else if (cp == 0xFF63) w.CodePoint(0x300D, i);
          else if (cp == 0xFF64) w.CodePoint(0x3001, i);
          else if (cp == 0xFF65) w.CodePoint(0x30FB, i);
          else if (cp == 0xFF9E || cp == 0xFF9F) {
            const char32_t last = w.LastKana();
            if (cp == 0xFF9E && TakesVoicedMark(last)) {
              w.ReplaceLastKana(last == 0x30A6 ? 0x30F4 : last + 1);
            } else if (cp == 0xFF9F && TakesSemiVoicedMark(last)) {
              w.ReplaceLastKana(last + 2);
            } else {
              w.CodePoint(cp == 0xFF9E ? 0x3099 : 0x309A, i);
            }
          } else {
            w.CodePoint(kHalfKana[cp - 0xFF66], i);
          }
        } else if (cp == 0x337B) {
          w.Bytes("平成", i);
        } else if (cp == 0x337C) {
          w.Bytes("昭和", i);
        } else if (cp == 0x337D) {
          w.Bytes("大正", i);
        } else if (cp == 0x337E) {
          w.Bytes("明治", i);
        } else if (cp == 0x32FF) {
          w.Bytes("令和", i);
        } else if (cp == 0xFFE5) {
          w.CodePoint(0xA5, i);
        } else {
          w.Byte(static_cast<char>(b), i);
          w.Byte(static_cast<char>(b1), i + 1);
          w.Byte(static_cast<char>(b2), i + 2);
        }
        i += 3;
        continue;
      }
    }
    w.Byte(static_cast<char>(b), i);
    ++i;
  }
  out->source_offset.push_back(base + static_cast<std::uint32_t>(n));
}

std::string NormalizeForDetection(std::string_view source) {
  NormalizedText out;
  NormalizeForDetection(source, &out);
  return std::move(out.text);
}

std::string NfkcWithoutSpaces(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString folded = U_SUCCESS(status) ? nfkc->normalize(src, status) : src;
  if (U_FAILURE(status)) folded = src;
  std::string out;
  folded.toUTF8String(out);
  std::string result;
  result.reserve(out.size());
  for (char c : out) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') result.push_back(c);
  }
  return result;
}

}  // namespace doccheck
