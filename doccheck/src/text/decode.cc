#include "text/decode.h"

#include <unicode/ucnv.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/utf8.h"

namespace doccheck {
namespace {

// Which bytes occur in a sample: every byte of every small file passes here, so 16 at a
// time where SSE2 is there (the scalar loop was a quarter of the CPU on many small files).
struct ByteClasses {
  bool nul = false;   // 0x00
  bool high = false;  // >= 0x80
  bool esc = false;   // 0x1B
};

ByteClasses ClassifyBytes(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  ByteClasses r;
#if defined(__SSE2__)
  __m128i nul = _mm_setzero_si128(), esc = _mm_setzero_si128(), high = _mm_setzero_si128();
  const __m128i zero = _mm_setzero_si128(), escape = _mm_set1_epi8(0x1B);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    nul = _mm_or_si128(nul, _mm_cmpeq_epi8(v, zero));
    esc = _mm_or_si128(esc, _mm_cmpeq_epi8(v, escape));
    high = _mm_or_si128(high, v);
  }
  r.nul = _mm_movemask_epi8(nul) != 0;
  r.esc = _mm_movemask_epi8(esc) != 0;
  r.high = _mm_movemask_epi8(high) != 0;
#endif
  for (; i < n; ++i) {
    r.nul |= p[i] == 0;
    r.high |= p[i] >= 0x80;
    r.esc |= p[i] == 0x1B;
  }
  return r;
}

// The byte-by-byte reading from `i` (the start of a character) until i >= stop: -1 to go
// on, else the answer (0 invalid, 1 valid).
int WalkUtf8(const unsigned char* p, std::size_t n, std::size_t& i, std::size_t stop,
             bool allow_truncated_end) {
  while (i < stop) {
    const auto b = p[i];
    if (b < 0x80) {
#if defined(__SSE2__)
      // Runs of ASCII skipped 16 bytes at a time.
      while (i + 16 <= n) {
        const int mask =
            _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
        if (mask != 0) {
          i += static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
          break;
        }
        i += 16;
      }
      if (i + 16 > n) {
        while (i < n && p[i] < 0x80) ++i;
      }
#else
      ++i;
#endif
      continue;
    }
    std::size_t len;
    if (b >= 0xC2 && b <= 0xDF)
      len = 2;
    else if (b >= 0xE0 && b <= 0xEF)
      len = 3;
    else if (b >= 0xF0 && b <= 0xF4)
      len = 4;
    else
      return 0;
    if (i + len > n) return allow_truncated_end ? 1 : 0;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return 0;
    }
    i += len;
  }
  return -1;
}

bool IsValidUtf8(std::string_view s, bool allow_truncated_end) {
  const std::size_t n = s.size();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  if (const int r = WalkUtf8(p, n, i, std::min<std::size_t>(n, 3), allow_truncated_end); r >= 0)
    return r == 1;
#if defined(__SSE2__)
  // Japanese text is mostly three-byte characters, which the byte-by-byte reading took one
  // at a time (a tenth of the man-page run). 16 bytes at a time: a byte is a continuation
  // byte exactly when one of the three before it starts a sequence that long, and none is
  // C0, C1 or F5-FF: the same answer as reading from the start, up to the last 3 bytes
  // (a sequence cut there is judged by the reading below, as before).
  std::size_t pos = i;  // >= 3: the three bytes before each block can be read
  const auto eq_masked = [](__m128i v, int mask, int want) {
    return _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(mask))),
                          _mm_set1_epi8(static_cast<char>(want)));
  };
  for (; pos + 16 + 3 <= n; pos += 16) {
    const auto load = [&](std::size_t at) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    };
    const __m128i v = load(pos);
    const __m128i cont = eq_masked(v, 0xC0, 0x80);
    const __m128i needed = _mm_or_si128(
        eq_masked(load(pos - 1), 0xC0, 0xC0),
        _mm_or_si128(eq_masked(load(pos - 2), 0xE0, 0xE0), eq_masked(load(pos - 3), 0xF0, 0xF0)));
    const __m128i bad = _mm_or_si128(
        eq_masked(v, 0xFE, 0xC0),                                                     // C0, C1
        _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(static_cast<char>(0xF5))), v));  // F5-FF
    if (_mm_movemask_epi8(_mm_or_si128(_mm_xor_si128(cont, needed), bad)) != 0) return false;
  }
  // Go on by bytes from the start of the character holding the last byte judged: a
  // sequence started in the last three bytes of the blocks has its continuation bytes
  // after them.
  if (pos > i) {
    std::size_t start = pos - 1;
    while (start > i && (p[start] & 0xC0) == 0x80) --start;
    i = start;
  }
#endif
  const int r = WalkUtf8(p, n, i, n, allow_truncated_end);
  return r != 0;
}

struct JapaneseScore {
  int invalid = 0;
  int doubles = 0;
  int half_kana = 0;
};

JapaneseScore ScoreShiftJis(std::string_view s) {
  JapaneseScore r;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) continue;
    if (b >= 0xA1 && b <= 0xDF) {
      ++r.half_kana;
      continue;
    }
    if ((b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC)) {
      if (i + 1 >= s.size()) break;
      const auto t = static_cast<unsigned char>(s[i + 1]);
      if (t >= 0x40 && t <= 0xFC && t != 0x7F) {
        ++r.doubles;
        ++i;
        continue;
      }
    }
    ++r.invalid;
  }
  return r;
}

JapaneseScore ScoreEucJp(std::string_view s) {
  JapaneseScore r;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) continue;
    if (b == 0x8E) {  // half-width katakana
      if (i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0xA1 &&
          static_cast<unsigned char>(s[i + 1]) <= 0xDF) {
        ++r.half_kana;
        ++i;
        continue;
      }
      if (i + 1 >= s.size()) break;
    } else if (b == 0x8F) {  // JIS X 0212
      if (i + 2 >= s.size()) break;
      if (static_cast<unsigned char>(s[i + 1]) >= 0xA1 &&
          static_cast<unsigned char>(s[i + 2]) >= 0xA1) {
        ++r.doubles;
        i += 2;
        continue;
      }
    } else if (b >= 0xA1 && b <= 0xFE) {
      if (i + 1 >= s.size()) break;
      const auto t = static_cast<unsigned char>(s[i + 1]);
      if (t >= 0xA1 && t <= 0xFE) {
        ++r.doubles;
        ++i;
        continue;
      }
    }
    ++r.invalid;
  }
  return r;
}

const char* IcuName(Charset c) {
  switch (c) {
    case Charset::kUtf16Le:
      return "UTF-16LE";
    case Charset::kUtf16Be:
      return "UTF-16BE";
    case Charset::kShiftJis:
      return "windows-31j";
    case Charset::kEucJp:
      return "EUC-JP";
    case Charset::kIso2022Jp:
      return "ISO-2022-JP";
    default:
      return "UTF-8";
  }
}

// Appends the UTF-8 of `cp` and, for each of its bytes, `offset`.
void AppendUtf8(char32_t cp, std::uint32_t offset, std::string* out,
                std::vector<std::uint32_t>* offsets) {
  char buf[4];
  const int n = EncodeUtf8(cp, buf);
  out->append(buf, static_cast<std::size_t>(n));
  offsets->insert(offsets->end(), static_cast<std::size_t>(n), offset);
}

}  // namespace

std::string_view CharsetName(Charset charset) {
  switch (charset) {
    case Charset::kUtf8:
      return "UTF-8";
    case Charset::kUtf16Le:
      return "UTF-16LE";
    case Charset::kUtf16Be:
      return "UTF-16BE";
    case Charset::kShiftJis:
      return "Shift_JIS";
    case Charset::kEucJp:
      return "EUC-JP";
    case Charset::kIso2022Jp:
      return "ISO-2022-JP";
    case Charset::kBinary:
      return "binary";
  }
  return "binary";
}

Charset DetectCharset(std::string_view s) {
  if (s.size() >= 3 && std::memcmp(s.data(), "\xEF\xBB\xBF", 3) == 0) return Charset::kUtf8;
  if (s.size() >= 2 && std::memcmp(s.data(), "\xFF\xFE", 2) == 0) return Charset::kUtf16Le;
  if (s.size() >= 2 && std::memcmp(s.data(), "\xFE\xFF", 2) == 0) return Charset::kUtf16Be;

  // UTF-16 without BOM: NULs in mostly one parity.
  const ByteClasses bytes = ClassifyBytes(s);
  if (bytes.nul) {
    std::size_t even_nul = 0, odd_nul = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == 0) (i % 2 ? odd_nul : even_nul)++;
    }
    const std::size_t pairs = s.size() / 2;
    if (pairs > 0 && odd_nul * 10 >= pairs * 3 && even_nul * 10 < odd_nul) return Charset::kUtf16Le;
    if (pairs > 0 && even_nul * 10 >= pairs * 3 && odd_nul * 10 < even_nul)
      return Charset::kUtf16Be;
    return Charset::kBinary;
  }
  if (!bytes.high) {
    if (bytes.esc &&
        (s.find("\x1B$B") != std::string_view::npos || s.find("\x1B$@") != std::string_view::npos ||
         s.find("\x1B(J") != std::string_view::npos ||
         s.find("\x1B(I") != std::string_view::npos)) {
      return Charset::kIso2022Jp;
    }
    return Charset::kUtf8;
  }
  if (IsValidUtf8(s, /*allow_truncated_end=*/true)) return Charset::kUtf8;

  const JapaneseScore sj = ScoreShiftJis(s);
  const JapaneseScore eu = ScoreEucJp(s);
  if (sj.invalid != eu.invalid)
    return sj.invalid < eu.invalid ? Charset::kShiftJis : Charset::kEucJp;
  // Both decode: EUC-JP text read as Shift_JIS turns into runs of half-width katakana.
  if (sj.half_kana > sj.doubles) return Charset::kEucJp;
  return eu.half_kana > eu.doubles
             ? Charset::kShiftJis
             : (sj.doubles >= eu.doubles ? Charset::kShiftJis : Charset::kEucJp);
}

Charset CharsetFromLabel(std::string_view label) {
  std::string l;
  for (char c : label) {
    if (c != '"' && c != '\'' && c != ' ')
      l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (l == "utf-8" || l == "utf8" || l == "us-ascii" || l == "ascii") return Charset::kUtf8;
  if (l == "iso-2022-jp" || l == "iso-2022-jp-2" || l == "csiso2022jp") return Charset::kIso2022Jp;
  if (l == "shift_jis" || l == "shift-jis" || l == "sjis" || l == "cp932" || l == "windows-31j" ||
      l == "x-sjis" || l == "ms932" || l == "csshiftjis")
    return Charset::kShiftJis;
  if (l == "euc-jp" || l == "eucjp" || l == "x-euc-jp" || l == "cseucpkdfmtjapanese")
    return Charset::kEucJp;
  if (l == "utf-16le") return Charset::kUtf16Le;
  if (l == "utf-16be" || l == "utf-16") return Charset::kUtf16Be;
  return Charset::kBinary;
}

std::size_t BomLength(std::string_view bytes, Charset charset) {
  if (charset == Charset::kUtf8 && bytes.size() >= 3 &&
      std::memcmp(bytes.data(), "\xEF\xBB\xBF", 3) == 0)
    return 3;
  if (charset == Charset::kUtf16Le && bytes.size() >= 2 &&
      std::memcmp(bytes.data(), "\xFF\xFE", 2) == 0)
    return 2;
  if (charset == Charset::kUtf16Be && bytes.size() >= 2 &&
      std::memcmp(bytes.data(), "\xFE\xFF", 2) == 0)
    return 2;
  return 0;
}

struct TextDecoder::Icu {
  UConverter* conv = nullptr;
  std::vector<UChar> units;
  std::vector<int32_t> unit_offsets;
  ~Icu() {
    if (conv) ucnv_close(conv);
  }
};

TextDecoder::TextDecoder(Charset charset) : charset_(charset) {
  if (charset_ == Charset::kUtf8 || charset_ == Charset::kBinary) {
    charset_ = Charset::kUtf8;
    return;
  }
  icu_ = std::make_unique<Icu>();
  UErrorCode status = U_ZERO_ERROR;
  icu_->conv = ucnv_open(IcuName(charset_), &status);
  if (U_FAILURE(status)) {
    icu_.reset();
    charset_ = Charset::kUtf8;
  }
}

TextDecoder::~TextDecoder() = default;

void TextDecoder::Decode(std::string_view chunk, std::uint64_t base, bool last, std::string* utf8,
                         std::vector<std::uint32_t>* offsets) {
  if (!icu_) {
    utf8->append(chunk.data(), chunk.size());
    return;
  }
  Icu& icu = *icu_;
  icu.units.resize(chunk.size() * 2 + 16);
  icu.unit_offsets.resize(icu.units.size());
  const char* src = chunk.data();
  const char* src_end = src + chunk.size();
  bool flush = last;
  do {
    UChar* target = icu.units.data();
    UErrorCode status = U_ZERO_ERROR;
    const char* call_start = src;
    ucnv_toUnicode(icu.conv, &target, icu.units.data() + icu.units.size(), &src, src_end,
                   icu.unit_offsets.data(), flush, &status);
    const std::size_t produced = static_cast<std::size_t>(target - icu.units.data());
    const std::uint64_t call_base = base + static_cast<std::uint64_t>(call_start - chunk.data());
    for (std::size_t i = 0; i < produced; ++i) {
      char32_t cp = icu.units[i];
      const int32_t rel = icu.unit_offsets[i];
      const std::uint32_t off = static_cast<std::uint32_t>(call_base + (rel < 0 ? 0 : rel));
      if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < produced && icu.units[i + 1] >= 0xDC00 &&
          icu.units[i + 1] <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (icu.units[i + 1] - 0xDC00);
        ++i;
      }
      if (cp == 0xFEFF && utf8->empty()) continue;  // BOM
      // ICU substitutes U+001A for bytes a legacy charset cannot map; we promise U+FFFD.
      if (cp == 0x1A && !(rel >= 0 && call_start + rel < src_end && call_start[rel] == 0x1A))
        cp = 0xFFFD;
      AppendUtf8(cp, off, utf8, offsets);
    }
    if (status == U_BUFFER_OVERFLOW_ERROR) continue;
    break;
  } while (true);
}

std::string DecodeToUtf8(std::string_view bytes, Charset* detected) {
  Charset c = DetectCharset(bytes.substr(0, 64 * 1024));
  if (detected) *detected = c;
  if (c == Charset::kUtf8 || c == Charset::kBinary) {
    return std::string(bytes.substr(BomLength(bytes, Charset::kUtf8)));
  }
  TextDecoder decoder(c);
  std::string out;
  std::vector<std::uint32_t> offsets;
  decoder.Decode(bytes, 0, true, &out, &offsets);
  return out;
}

std::size_t LastLineBreak(std::string_view bytes, Charset charset) {
  if (charset == Charset::kUtf16Le || charset == Charset::kUtf16Be) {
    for (std::size_t i = bytes.size() & ~std::size_t{1}; i >= 2; i -= 2) {
      const auto lo = static_cast<unsigned char>(bytes[i - 2]);
      const auto hi = static_cast<unsigned char>(bytes[i - 1]);
      if (charset == Charset::kUtf16Le ? (lo == '\n' && hi == 0) : (lo == 0 && hi == '\n'))
        return i;
    }
    return 0;
  }
  const std::size_t p = bytes.rfind('\n');
  return p == std::string_view::npos ? 0 : p + 1;
}

}  // namespace doccheck
