#include "text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define DOCCHECK_AVX2_PATHS 1
#endif

#include "text/cpu.h"
#include "text/utf8.h"

namespace doccheck {
namespace {

// Full-width katakana for U+FF66..U+FF9D (half-width ｦ..ﾝ), index = cp - 0xFF66.
constexpr char16_t kHalfKana[] = {
    0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2,
    0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9,
    0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE,
    0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6,
    0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3};

bool TakesVoicedMark(char32_t k) {
  return (k >= 0x30AB && k <= 0x30C8 && k != 0x30C3) ||
         (k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0) || k == 0x30A6;
}
bool TakesSemiVoicedMark(char32_t k) { return k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0; }

// Bytes that may start something to fold: '\r' and the lead bytes of U+2000–U+2FFF,
// U+3000–U+3FFF and U+F000–U+FFFF. Everything else is copied as it is.
constexpr std::array<bool, 256> kMaybeFold = [] {
  std::array<bool, 256> t{};
  t['\r'] = true;
  t[0xE2] = t[0xE3] = t[0xEF] = true;
  return t;
}();

class Writer {
 public:
  Writer(NormalizedText* out, std::uint32_t base) : out_(out), base_(base) {}

  // Appends `bytes`, which came from source offset `src` (relative to the block).
  void Append(std::string_view bytes, std::size_t src) {
    if (bytes.empty()) return;
    const auto n = static_cast<std::uint32_t>(out_->text.size());
    const std::uint32_t s = base_ + static_cast<std::uint32_t>(src);
    if (out_->anchors.empty() || expected_ != s) out_->anchors.push_back({n, s});
    out_->text.append(bytes.data(), bytes.size());
    expected_ = s + static_cast<std::uint32_t>(bytes.size());
  }
  // Appends a replacement for the source character at `src` that was `src_len` bytes long.
  void Replace(std::string_view bytes, std::size_t src, std::size_t src_len) {
    const auto n = static_cast<std::uint32_t>(out_->text.size());
    const std::uint32_t s = base_ + static_cast<std::uint32_t>(src);
    if (out_->anchors.empty() || expected_ != s) out_->anchors.push_back({n, s});
    out_->text.append(bytes.data(), bytes.size());
    expected_ = s + static_cast<std::uint32_t>(bytes.size());
    // The next byte comes from src + src_len; let Append anchor it if that differs.
    if (bytes.size() != src_len) expected_ = ~0u;
  }
  void ReplaceCodePoint(char32_t cp, std::size_t src, std::size_t src_len) {
    char buf[4];
    Replace(std::string_view(buf, EncodeUtf8(cp, buf)), src, src_len);
  }
  // Replaces the last written katakana (3 bytes) by `cp` (also 3 bytes), absorbing a
  // following sound mark of `mark_len` source bytes.
  void ReplaceLastKana(char32_t cp, std::size_t mark_len) {
    char buf[4];
    EncodeUtf8(cp, buf);
    out_->text.replace(out_->text.size() - 3, 3, buf, 3);
    (void)mark_len;
    expected_ = ~0u;  // the source moved on by the mark, the text did not: anchor anew
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
  std::uint32_t expected_ = 0;  // source offset the next appended byte follows from
};

// True when the source at `i` starts with an ASCII or full-width digit.
bool DigitAt(std::string_view s, std::size_t i) {
  if (i < s.size() && s[i] >= '0' && s[i] <= '9') return true;
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
         static_cast<unsigned char>(s[i + 1]) == 0xBC &&
         static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
         static_cast<unsigned char>(s[i + 2]) <= 0x99;
}

#if defined(DOCCHECK_AVX2_PATHS)
// NormalizeForDetection's filter with AVX2: from 0, 32 positions a step while 34 bytes
// are left, `fold_at` called for each byte that may start a fold at or after `*i` (which
// it moves on). Returns where the 16-byte loop goes on. One function for the whole loop:
// a call per step rebuilt the nine byte constants every time.
template <class Fold>
__attribute__((target("avx2"))) std::size_t FoldMarked32(const unsigned char* p, std::size_t n,
                                                         std::size_t* i, const Fold& fold_at) {
  const __m256i x81 = _mm256_set1_epi8(static_cast<char>(0x81));
  const __m256i x82 = _mm256_set1_epi8(static_cast<char>(0x82));
  const __m256i x80 = _mm256_set1_epi8(static_cast<char>(0x80));
  const __m256i x83 = _mm256_set1_epi8(static_cast<char>(0x83));
  const __m256i xbc = _mm256_set1_epi8(static_cast<char>(0xBC));
  const __m256i cr = _mm256_set1_epi8('\r');
  const __m256i xe2 = _mm256_set1_epi8(static_cast<char>(0xE2));
  const __m256i xef = _mm256_set1_epi8(static_cast<char>(0xEF));
  const __m256i xe3 = _mm256_set1_epi8(static_cast<char>(0xE3));
  std::size_t pos = 0;
  for (; pos + 34 <= n; pos += 32) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + pos));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + pos + 1));
    const __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + pos + 2));
    const __m256i e3_kept = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v1, x81), _mm256_cmpeq_epi8(v1, x82)),
        _mm256_or_si256(
            _mm256_andnot_si256(_mm256_cmpeq_epi8(v2, x80), _mm256_cmpeq_epi8(v1, x80)),
            _mm256_andnot_si256(_mm256_cmpeq_epi8(v2, xbc), _mm256_cmpeq_epi8(v1, x83))));
    const __m256i marked =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v0, cr), _mm256_cmpeq_epi8(v0, xe2)),
                        _mm256_or_si256(_mm256_cmpeq_epi8(v0, xef),
                                        _mm256_andnot_si256(e3_kept, _mm256_cmpeq_epi8(v0, xe3))));
    for (auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(marked)); mask != 0;
         mask &= mask - 1) {
      const std::size_t at = pos + static_cast<std::size_t>(std::countr_zero(mask));
      if (at >= *i) *i = fold_at(at);
    }
  }
  return pos;
}
#endif

}  // namespace

std::uint32_t NormalizedText::SourceOffset(std::size_t n) const {
  if (n >= text.size()) return source_end;
  auto it = std::upper_bound(anchors.begin(), anchors.end(), n,
                             [](std::size_t v, const Anchor& a) { return v < a.normalized; });
  if (it == anchors.begin()) return static_cast<std::uint32_t>(n);
  --it;
  return it->source + static_cast<std::uint32_t>(n - it->normalized);
}

void NormalizeForDetection(std::string_view s, NormalizedText* out, std::uint32_t base) {
  out->text.clear();
  out->anchors.clear();
  out->text.reserve(s.size());
  out->source_end = base + static_cast<std::uint32_t>(s.size());
  Writer w(out, base);
  const std::size_t n = s.size();
  std::size_t run = 0;  // start of the bytes copied unchanged since the last fold
  auto flush = [&](std::size_t to) { w.Append(s.substr(run, to - run), run); };
  // The byte at `i` is one kMaybeFold marks, with two bytes after it unless it is '\r'.
  // Folds what starts there; returns where to go on. A byte that starts nothing to fold
  // is passed over: the bytes after it up to the next marked byte are copied as they are
  // (continuation bytes are never marked, so going on at i + 1 or i + 3 is the same).
  auto fold_at = [&](std::size_t i) -> std::size_t {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == '\r') {
      flush(i);
      run = i + 1;
      return i + 1;
    }
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    const auto b2 = static_cast<unsigned char>(s[i + 2]);
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) return i + 1;
    const char32_t cp = ((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
    const bool dash =
        (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x2500 || cp == 0xFE63;
    const bool fold = (cp >= 0xFF01 && cp <= 0xFF5E) || cp == 0x3000 || dash || cp == 0x30FC ||
                      (cp >= 0xFF61 && cp <= 0xFF9F) || (cp >= 0x337B && cp <= 0x337E) ||
                      cp == 0x32FF || cp == 0xFFE5;
    if (!fold) return i + 3;
    flush(i);
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      const char c = static_cast<char>(cp - 0xFF01 + 0x21);
      w.Replace(std::string_view(&c, 1), i, 3);
    } else if (cp == 0x3000) {
      w.Replace(" ", i, 3);
    } else if (dash) {
      w.Replace("-", i, 3);
    } else if (cp == 0x30FC || cp == 0xFF70) {
      if (w.LastIsDigit() && DigitAt(s, i + 3))
        w.Replace("-", i, 3);
      else
        w.ReplaceCodePoint(0x30FC, i, 3);
    } else if (cp >= 0xFF61 && cp <= 0xFF9F) {
      if (cp == 0xFF61)
        w.ReplaceCodePoint(0x3002, i, 3);
      else if (cp == 0xFF62)
        w.ReplaceCodePoint(0x300C, i, 3);
      else if (cp == 0xFF63)
        w.ReplaceCodePoint(0x300D, i, 3);
      else if (cp == 0xFF64)
        w.ReplaceCodePoint(0x3001, i, 3);
      else if (cp == 0xFF65)
        w.ReplaceCodePoint(0x30FB, i, 3);
      else if (cp == 0xFF9E || cp == 0xFF9F) {
        const char32_t last = w.LastKana();
        if (cp == 0xFF9E && TakesVoicedMark(last)) {
          w.ReplaceLastKana(last == 0x30A6 ? 0x30F4 : last + 1, 3);
        } else if (cp == 0xFF9F && TakesSemiVoicedMark(last)) {
          w.ReplaceLastKana(last + 2, 3);
        } else {
          w.ReplaceCodePoint(cp == 0xFF9E ? 0x3099 : 0x309A, i, 3);
        }
      } else {
        w.ReplaceCodePoint(kHalfKana[cp - 0xFF66], i, 3);
      }
    } else if (cp == 0x337B) {
      w.Replace("平成", i, 3);
    } else if (cp == 0x337C) {
      w.Replace("昭和", i, 3);
    } else if (cp == 0x337D) {
      w.Replace("大正", i, 3);
    } else if (cp == 0x337E) {
      w.Replace("明治", i, 3);
    } else if (cp == 0x32FF) {
      w.Replace("令和", i, 3);
    } else if (cp == 0xFFE5) {
      w.Replace("\xC2\xA5", i, 3);
    }
    run = i + 3;
    return i + 3;
  };
  std::size_t i = 0;
#if defined(__SSE2__)
  // Japanese text is mostly bytes that start nothing to fold (kanji, and hiragana and most
  // katakana and punctuation behind the marked lead byte E3): 16 positions are judged at
  // a time, and only the marked bytes that may start a fold are looked at one by one.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto eq = [](__m128i v, int c) {
    return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c)));
  };
  std::size_t pos = 0;
#if defined(DOCCHECK_AVX2_PATHS)
  if (Avx2Enabled()) pos = FoldMarked32(p, n, &i, fold_at);
#endif
  for (; pos + 18 <= n; pos += 16) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos + 1));
    const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos + 2));
    // E3 81/82 xx (hiragana, katakana to U+30BF), E3 80 xx other than U+3000 and E3 83 xx
    // other than U+30FC fold to nothing.
    const __m128i e3_kept =
        _mm_or_si128(_mm_or_si128(eq(v1, 0x81), eq(v1, 0x82)),
                     _mm_or_si128(_mm_andnot_si128(eq(v2, 0x80), eq(v1, 0x80)),
                                  _mm_andnot_si128(eq(v2, 0xBC), eq(v1, 0x83))));
    const __m128i marked =
        _mm_or_si128(_mm_or_si128(eq(v0, '\r'), eq(v0, 0xE2)),
                     _mm_or_si128(eq(v0, 0xEF), _mm_andnot_si128(e3_kept, eq(v0, 0xE3))));
    for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(marked)); mask != 0;
         mask &= mask - 1) {
      const std::size_t at = pos + static_cast<std::size_t>(std::countr_zero(mask));
      if (at >= i) i = fold_at(at);
    }
  }
  i = std::max(i, pos);
#endif
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (!kMaybeFold[b]) {
      ++i;
      continue;
    }
    if (b != '\r' && i + 2 >= n) break;
    i = fold_at(i);
  }
  flush(n);
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
