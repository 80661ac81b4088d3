// Birth dates: Western (1985年11月20日, 1985/11/20, 1985-11-20, 1985.11.20) and Japanese
// era notation (昭和27年10月17日, 平成元年12月14日, S60.4.1, H1/1/8; ㍻-style ligatures are
// expanded by normalisation), spaces allowed around 年月日 as PDF text has them. A date
// is a birth date only when labelled so (生年月日, 誕生日, 生まれ…) on its line, by its
// table column, or by a label line just above: application and report dates are not.
// Normalised to YYYY-MM-DD.
#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define DOCCHECK_AVX2_PATHS 1
#endif

#include "detect/context.h"
#include "detect/detectors.h"
#include "detect/labels.h"
#include "detect/numeric_common.h"
#include "text/cpu.h"

namespace doccheck {
namespace {

bool HasBirthLabel(std::string_view label) {
  return LabelHas(label, {"生年月日", "誕生日", "生まれ", "出生", "生年", "Birth", "birth", "DOB"});
}

// Where a birth label may be: every label above holds 生 (E7 94 9F), "rth" or "DOB".
bool IsLabelMark(const unsigned char* p) {
  return (p[0] == 0xE7 && p[1] == 0x94 && p[2] == 0x9F) ||
         (p[0] == 'r' && p[1] == 't' && p[2] == 'h') || (p[0] == 'D' && p[1] == 'O' && p[2] == 'B');
}

#if defined(DOCCHECK_AVX2_PATHS)
__attribute__((target("avx2"), always_inline)) inline __m256i Eq32(__m256i v, unsigned char c) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(c)));
}

// FindLabelMarks' filter with AVX2, 32 positions a step while 34 bytes are left; returns
// where FindLabelMarks goes on.
__attribute__((target("avx2"))) std::size_t FindLabelMarks32(const unsigned char* p, std::size_t n,
                                                             std::vector<std::size_t>* out) {
  std::size_t i = 0;
  for (; i + 34 <= n; i += 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 2));
    const __m256i any =
        _mm256_or_si256(_mm256_or_si256(_mm256_and_si256(Eq32(a, 0xE7), Eq32(c, 0x9F)),
                                        _mm256_and_si256(Eq32(a, 'r'), Eq32(c, 'h'))),
                        _mm256_and_si256(Eq32(a, 'D'), Eq32(c, 'B')));
    for (auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(any)); mask != 0;
         mask &= mask - 1) {
      const std::size_t at = i + static_cast<std::size_t>(std::countr_zero(mask));
      if (IsLabelMark(p + at)) out->push_back(at);
    }
  }
  return i;
}
#endif

// The offsets of every mark in `t`, in order: 16 positions at a time where SSE2 is there,
// 32 with AVX2 (first and third bytes compared, the middle one then for the few that pass).
void FindLabelMarks(std::string_view t, std::vector<std::size_t>* out) {
  out->clear();
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const std::size_t n = t.size();
  std::size_t i = 0;
#if defined(DOCCHECK_AVX2_PATHS)
  if (Avx2Enabled()) i = FindLabelMarks32(p, n, out);
#endif
#if defined(__SSE2__)
  auto eq = [](__m128i v, unsigned char c) {
    return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c)));
  };
  for (; i + 18 <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 2));
    const __m128i any = _mm_or_si128(_mm_or_si128(_mm_and_si128(eq(a, 0xE7), eq(c, 0x9F)),
                                                  _mm_and_si128(eq(a, 'r'), eq(c, 'h'))),
                                     _mm_and_si128(eq(a, 'D'), eq(c, 'B')));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(any));
    while (mask != 0) {
      const std::size_t at = i + static_cast<std::size_t>(std::countr_zero(mask));
      if (IsLabelMark(p + at)) out->push_back(at);
      mask &= mask - 1;
    }
  }
#endif
  for (; i + 3 <= n; ++i) {
    if (IsLabelMark(p + i)) out->push_back(i);
  }
}

struct Era {
  std::string_view kanji;
  char letter;
  int first_year;  // Gregorian year of the era's year 1
};
constexpr Era kEras[] = {{"明治", 'M', 1868},
                         {"大正", 'T', 1912},
                         {"昭和", 'S', 1926},
                         {"平成", 'H', 1989},
                         {"令和", 'R', 2019}};

class Cursor {
 public:
  Cursor(std::string_view t, std::size_t p) : t_(t), p_(p) {}
  void SkipSpaces() {
    while (p_ < t_.size() && t_[p_] == ' ') ++p_;
  }
  bool Int(int max_digits, int* v) {
    int n = 0, value = 0;
    while (p_ < t_.size() && IsAsciiDigit(t_[p_]) && n < max_digits + 1) {
      value = value * 10 + (t_[p_] - '0');
      ++p_;
      ++n;
    }
    if (n == 0 || n > max_digits) return false;
    *v = value;
    return true;
  }
  bool Lit(std::string_view s) {
    if (t_.substr(p_, s.size()) != s) return false;
    p_ += s.size();
    return true;
  }
  std::size_t pos() const { return p_; }

 private:
  std::string_view t_;
  std::size_t p_;
};

bool ValidDate(int y, int m, int d) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  return true;
}

int CurrentYear() {
  const auto now = std::chrono::system_clock::now();
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
  return static_cast<int>(ymd.year());
}

// Reads "M月D日" (spaces allowed) or "<sep>M<sep>D" after a year; true with *end set.
bool MonthDay(Cursor c, bool kanji, char sep, int* m, int* d, std::size_t* end) {
  c.SkipSpaces();
  if (kanji) {
    if (!c.Int(2, m)) return false;
    c.SkipSpaces();
    if (!c.Lit("月")) return false;
    c.SkipSpaces();
    if (!c.Int(2, d)) return false;
    c.SkipSpaces();
    if (!c.Lit("日")) return false;
  } else {
    if (!c.Int(2, m)) return false;
    if (!c.Lit(std::string_view(&sep, 1))) return false;
    if (!c.Int(2, d)) return false;
  }
  *end = c.pos();
  return true;
}

// Parses the year part's tail ("年M月D日" or "<sep>M<sep>D") at `c`.
bool Tail(Cursor c, int* m, int* d, std::size_t* end) {
  Cursor k = c;
  k.SkipSpaces();
  if (k.Lit("年")) return MonthDay(k, true, 0, m, d, end);
  for (char sep : {'.', '/', '-'}) {
    Cursor s = c;
    if (s.Lit(std::string_view(&sep, 1)) && MonthDay(s, false, sep, m, d, end)) return true;
  }
  return false;
}

// The value of a few ASCII digits (a token's groups: never empty, at most 4 digits here).
// std::stoi on a substr was a tenth of this detector: it is called for every digit run
// that starts with four digits.
int DigitsValue(std::string_view digits) {
  int v = 0;
  for (const char c : digits) v = v * 10 + (c - '0');
  return v;
}

constexpr bool IsEraLastByte(unsigned char b) {
  return b == 0xBB || b == 0xA3 || b == 0x8C || b == 0x90;
}
static_assert([] {
  for (const Era& era : kEras) {
    if (!IsEraLastByte(static_cast<unsigned char>(era.kanji.back()))) return false;
  }
  return true;
}());

// The era whose kanji name ends at byte `pos`, or null.
const Era* EraEndingAt(std::string_view t, std::size_t pos) {
  if (pos < 6 || pos > t.size()) return nullptr;
  // The names' last bytes: 治 (..BB), 正 (..A3), 和 (..8C), 成 (..90). Most runs of one
  // or two digits follow none of them (this test was a twentieth of plain text).
  if (!IsEraLastByte(static_cast<unsigned char>(t[pos - 1]))) return nullptr;
  for (const Era& era : kEras) {
    // BytesAt, not compare: a memcmp call per era and digit run was 2 % of plain text.
    if (BytesAt(t, pos - era.kanji.size(), era.kanji)) return &era;
  }
  return nullptr;
}

class BirthDateDetectorImpl final : public Detector {
 public:
  explicit BirthDateDetectorImpl(bool filter) : filter_(filter) {}
  std::string_view name() const override { return "birth_date"; }
  void Detect(const ScanText& scan, std::vector<Candidate>& out) const override {
    const std::string_view t = scan.text;
    const int max_year = CurrentYear();
    // Most dates are not birth dates ("次回は12月15日"), and finding that out (the column
    // heading, the words before, the line above) was half of this detector. A date can only
    // be labelled by a label somewhere in the bytes from the line above (or its table's
    // header line) up to it, and every label holds a mark (IsLabelMark): with no mark there,
    // the date is not looked at further. The marks are found once per block, when the
    // first date needs them; not with a heading that labels every date anyway.
    thread_local std::vector<std::size_t> marks;
    bool marks_found = false;
    const bool use_marks = filter_ && scan.tables != nullptr && !HasBirthLabel(scan.header);
    auto labelled = [&](std::size_t begin) {
      if (use_marks) {
        if (!marks_found) {
          FindLabelMarks(t, &marks);
          marks_found = true;
        }
        if (!MarkBefore(scan, begin, marks)) return false;
      }
      return Labelled(scan, begin);
    };
    auto emit = [&](std::size_t begin, std::size_t end, int y, int m, int d) {
      if (y < 1868 || y > max_year || !ValidDate(y, m, d)) return;
      if (!labelled(begin)) return;
      char buf[48];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
      Emit(out, Kind::kBirthDate, begin, end, buf, 0.9);
    };
    // Western years from the digit runs.
    auto western = [&](const NumberToken& tok) {
      if (tok.groups.empty() || tok.groups[0] != 4 || tok.has_comma) return;
      if (tok.begin > 0 && (IsAsciiAlpha(t[tok.begin - 1]) || IsAsciiDigit(t[tok.begin - 1])))
        return;
      const int y = DigitsValue(std::string_view(tok.digits).substr(0, 4));
      if (tok.separator == '-' && tok.groups.size() == 3 && tok.groups[1] <= 2 &&
          tok.groups[2] <= 2) {
        emit(tok.begin, tok.end, y,
             DigitsValue(std::string_view(tok.digits).substr(4, tok.groups[1])),
             DigitsValue(std::string_view(tok.digits).substr(4 + tok.groups[1])));
        return;
      }
      if (tok.groups.size() != 1) return;
      int m = 0, d = 0;
      std::size_t end = 0;
      if (Tail(Cursor(t, tok.end), &m, &d, &end)) emit(tok.begin, end, y, m, d);
    };
    // Era dates, found from their digits so no pass over the text looks for era names:
    // "昭和27年…" (era, optional space, the token), "平成元年12月14日" (era, 元年, the month's
    // token) and "S60.4.1" (an era initial glued to the token).
    // The era year, month and day of a token written with hyphens ("3-7-27").
    auto hyphenated = [&](const NumberToken& tok, int* n, int* m, int* d) {
      if (tok.separator != '-' || tok.groups.size() != 3 || tok.groups[0] > 2 ||
          tok.groups[1] > 2 || tok.groups[2] > 2)
        return false;
      *n = DigitsValue(std::string_view(tok.digits).substr(0, tok.groups[0]));
      *m = DigitsValue(std::string_view(tok.digits).substr(tok.groups[0], tok.groups[1]));
      *d = DigitsValue(std::string_view(tok.digits).substr(tok.groups[0] + tok.groups[1]));
      return true;
    };
    auto era_date = [&](const NumberToken& tok) {
      int hn = 0, hm = 0, hd = 0;
      const bool hyphen = hyphenated(tok, &hn, &hm, &hd);
      if (!hyphen && (tok.groups.size() != 1 || tok.groups[0] > 2)) return;
      std::size_t p = tok.begin;
      if (p > 0 && t[p - 1] == ' ') --p;
      std::size_t era_begin = std::string_view::npos;
      int year = 0;
      const Era* era = nullptr;
      bool first_year = false;
      // 年's last byte (B4) first: a run of one or two digits rarely follows 元年.
      if (p >= 6 && static_cast<unsigned char>(t[p - 1]) == 0xB4 && BytesAt(t, p - 6, "元年")) {
        first_year = true;
        std::size_t q = p - 6;
        if (q > 0 && t[q - 1] == ' ') --q;
        era = EraEndingAt(t, q);
        if (era) era_begin = q - era->kanji.size();
      } else if ((era = EraEndingAt(t, p)) != nullptr) {
        era_begin = p - era->kanji.size();
      } else if (tok.begin > 0) {
        const char ch = t[tok.begin - 1];
        // Only the era initials go on (most numbers follow none: the loop below was a
        // walk over every era for each of them).
        static constexpr std::array<bool, 256> kEraLetters = [] {
          std::array<bool, 256> letters{};
          for (const Era& e : kEras) letters[static_cast<unsigned char>(e.letter)] = true;
          return letters;
        }();
        if (!kEraLetters[static_cast<unsigned char>(ch)]) return;
        for (const Era& e : kEras) {
          if (e.letter != ch) continue;
          if (tok.begin >= 2 && (IsAsciiAlpha(t[tok.begin - 2]) || IsAsciiDigit(t[tok.begin - 2])))
            break;
          Cursor c(t, tok.begin);
          int n = 0, m = 0, d = 0;
          std::size_t end = 0;
          if (hyphen) {
            emit(tok.begin - 1, tok.end, e.first_year + hn - 1, hm, hd);
          } else if (c.Int(2, &n) && Tail(c, &m, &d, &end)) {
            emit(tok.begin - 1, end, e.first_year + n - 1, m, d);
          }
          break;
        }
        return;
      }
      if (!era) return;
      if (hyphen) {
        if (!first_year) emit(era_begin, tok.end, era->first_year + hn - 1, hm, hd);
        return;
      }
      int m = 0, d = 0;
      std::size_t end = 0;
      if (first_year) {
        year = era->first_year;
        if (MonthDay(Cursor(t, tok.begin), true, 0, &m, &d, &end)) emit(era_begin, end, year, m, d);
      } else {
        Cursor c(t, tok.begin);
        int n = 0;
        if (c.Int(2, &n) && Tail(c, &m, &d, &end))
          emit(era_begin, end, era->first_year + n - 1, m, d);
      }
    };
    // One walk over the tokens for both (a year of four digits, or an era year of one or
    // two): two walks over the ~100,000 tokens of a chunk cost twice the memory traffic.
    for (const NumberToken& tok : *scan.numbers) {
      if (tok.groups[0] == 4) {
        western(tok);
      } else if (tok.groups[0] <= 2) {
        era_date(tok);
      }
    }
  }

 private:
  // A mark in the bytes that Labelled reads for a date at `begin`: its own line up to it
  // (the inline label, and the cell before it, stop at the line's start), the line above,
  // and the header line of its table.
  static bool MarkBefore(const ScanText& scan, std::size_t begin,
                         const std::vector<std::size_t>& marks) {
    auto it = std::lower_bound(marks.begin(), marks.end(), begin);
    if (it == marks.begin()) return false;
    const std::size_t last = *--it;  // the last mark before the date
    const std::size_t line = LineStart(scan.text, begin);
    if (last >= line) return true;
    std::size_t from = line >= 1 ? LineStart(scan.text, line - 1) : 0;
    const TableIndex::Table* table = scan.tables->Find(scan.text, begin);
    if (table != nullptr) from = std::min(from, table->begin);
    return last >= from;
  }

  bool filter_;

  // The date is labelled as a birth date: by the block or column heading, by the words
  // just before it (after any earlier value on the line), or by a label line above.
  static bool Labelled(const ScanText& scan, std::size_t begin) {
    if (HasBirthLabel(scan.header)) return true;
    if (HasBirthLabel(TableColumnHeader(scan.text, begin, scan.tables))) return true;
    std::string_view il = InlineLabel(scan.text, begin, 16);
    // Only the words after any earlier value on the line label this date ("…20日 申請日").
    const std::size_t last_digit = il.find_last_of("0123456789");
    if (last_digit != std::string_view::npos) {
      std::size_t cut = last_digit + 1;
      if (il.compare(cut, 3, "日") == 0) cut += 3;
      il = il.substr(cut);
    }
    if (HasBirthLabel(il)) return true;
    bool blank = true;
    for (char c : il) blank = blank && (c == ' ' || c == ':' || c == '\t');
    if (!blank) return false;
    // A label line above labels a lone value, not a row of a table (its header is above).
    if (LineEnd(scan.text, begin) != std::string_view::npos &&
        scan.text
                .substr(LineStart(scan.text, begin),
                        LineEnd(scan.text, begin) - LineStart(scan.text, begin))
                .find('\t') != std::string_view::npos)
      return false;
    const std::size_t line = LineStart(scan.text, begin);
    if (line == 0) return false;
    const std::size_t prev = LineStart(scan.text, line - 1);
    const std::string_view above = scan.text.substr(prev, line - 1 - prev);
    return above.size() <= 40 && above.find('\t') == std::string_view::npos && HasBirthLabel(above);
  }
};

}  // namespace

const Detector& BirthDateDetector() {
  static const BirthDateDetectorImpl detector(true);
  return detector;
}

const Detector& BirthDateDetectorWithoutMarksForTest() {
  static const BirthDateDetectorImpl detector(false);
  return detector;
}

}  // namespace doccheck
