#include "detect/labels.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define DOCCHECK_AVX2_PATHS 1
#endif

#include "detect/context.h"
#include "text/cpu.h"

namespace doccheck {
namespace {

#if defined(DOCCHECK_AVX2_PATHS)
// NextTabOrComma's 32 bytes a step with AVX2 while 32 are left: the first tab or comma in
// them, else where NextTabOrComma goes on.
__attribute__((target("avx2"))) std::size_t NextTabOrComma32(const unsigned char* p,
                                                             std::size_t pos, std::size_t n) {
  const __m256i tab = _mm256_set1_epi8('\t');
  const __m256i comma = _mm256_set1_epi8(',');
  for (; pos + 32 <= n; pos += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + pos));
    const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, tab), _mm256_cmpeq_epi8(v, comma))));
    if (mask != 0) return pos + static_cast<std::size_t>(std::countr_zero(mask));
  }
  return pos;
}
#endif

// The first tab or comma at or after `pos`, or text.size(): 16 bytes at a time where SSE2
// is there, 32 with AVX2 (a comma every few lines of prose: the table index's search).
std::size_t NextTabOrComma(std::string_view text, std::size_t pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
#if defined(DOCCHECK_AVX2_PATHS)
  if (Avx2Enabled()) {
    pos = NextTabOrComma32(p, pos, n);
    if (pos < n && (p[pos] == '\t' || p[pos] == ',')) return pos;
  }
#endif
#if defined(__SSE2__)
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i comma = _mm_set1_epi8(',');
  for (; pos + 16 <= n; pos += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + pos));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, comma)));
    if (mask != 0)
      return pos + static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
  }
#endif
  while (pos < n && p[pos] != '\t' && p[pos] != ',') ++pos;
  return pos;
}

// True when [b, e) holds an ASCII digit: 16 bytes at a time where SSE2 is there.
bool HasDigit(const char* b, const char* e) {
#if defined(__SSE2__)
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  for (; e - b >= 16; b += 16) {
    const __m128i d = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)), zero);
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d)) != 0) return true;  // d <= 9
  }
#endif
  for (; b < e; ++b) {
    if (*b >= '0' && *b <= '9') return true;
  }
  return false;
}

bool IsBoundary(char32_t c) {
  return c == '\n' || c == '\t' || c == ',' || c == 0x3001 /*、*/ || c == 0x3002 /*。*/ ||
         c == 0xFF09 || c == ')' || c == 0x3011 /*】*/ || c == 0x300D /*」*/;
}

// The i-th cell (0-based) of the line [begin, end) split by `delimiter`.
std::string_view Cell(std::string_view text, std::size_t begin, std::size_t end, char delimiter,
                      int index) {
  std::size_t start = begin;
  for (int i = 0; i < index; ++i) {
    const std::size_t p = text.find(delimiter, start);
    if (p == std::string_view::npos || p >= end) return {};
    start = p + 1;
  }
  std::size_t stop = text.find(delimiter, start);
  if (stop == std::string_view::npos || stop > end) stop = end;
  return text.substr(start, stop - start);
}

int CountChar(std::string_view s, char c) {
  return static_cast<int>(std::count(s.begin(), s.end(), c));
}

}  // namespace

std::string_view InlineLabel(std::string_view text, std::size_t pos, int max_chars) {
  std::size_t start = pos;
  for (int i = 0; i < max_chars && start > 0; ++i) {
    std::size_t n = 0;
    const char32_t cp = CodePointBefore(text, start, &n);
    if (IsBoundary(cp)) break;
    start -= n;
  }
  // A value alone in its cell ("口座番号\t2315580", a key-value table): the cell before it
  // is its label.
  bool blank = true;
  for (char c : text.substr(start, pos - start)) blank = blank && (c == ' ' || c == ':');
  if (blank && start > 0 && text[start - 1] == '\t') {
    const std::size_t cell_end = start - 1;
    std::size_t cell_start = cell_end;
    for (int i = 0; i < max_chars && cell_start > 0; ++i) {
      std::size_t n = 0;
      const char32_t cp = CodePointBefore(text, cell_start, &n);
      if (cp == '\n' || cp == '\t') break;
      cell_start -= n;
    }
    return text.substr(cell_start, pos - cell_start);
  }
  return text.substr(start, pos - start);
}

const TableIndex::Table* TableIndex::Find(std::string_view text, std::size_t pos) {
  if (!built_) {
    built_ = true;
    // Per line (memchr, not byte by byte): tabs and commas; a digit-free line with 2+
    // tabs (or 2+ commas) opens a table that goes on while lines keep the delimiter.
    Table current;
    bool open = false;
    int commas_in_header = 0;
    const char* base = text.data();
    const std::size_t n = text.size();
    auto count = [](const char* p, const char* end, char c) {
      int k = 0;
      while ((p = static_cast<const char*>(std::memchr(p, c, static_cast<std::size_t>(end - p))))) {
        ++k;
        ++p;
      }
      return k;
    };
    std::size_t line = 0;
    while (line <= n) {
      if (!open) {
        // A line without a tab or comma neither opens nor continues a table, and with none
        // open it changes nothing: go straight to the next line that has one (a memchr per
        // line and delimiter was 5 % of plain text).
        const std::size_t sep = NextTabOrComma(text, line);
        if (sep >= n) break;
        if ((sep > 0 && IsAsciiDigit(text[sep - 1])) ||
            (sep + 1 < n && IsAsciiDigit(text[sep + 1]))) {
          // "1,024": a digit next to the delimiter, so its line cannot open a table (see
          // below); on to the line after, without looking for the line's start.
          const void* next_nl = std::memchr(base + sep, '\n', n - sep);
          if (next_nl == nullptr) break;
          line = static_cast<std::size_t>(static_cast<const char*>(next_nl) - base) + 1;
          continue;
        }
        const void* prev_nl = sep > line ? memrchr(base + line, '\n', sep - line) : nullptr;
        if (prev_nl != nullptr)
          line = static_cast<std::size_t>(static_cast<const char*>(prev_nl) - base) + 1;
      }
      const char* nl =
          line < n ? static_cast<const char*>(std::memchr(base + line, '\n', n - line)) : nullptr;
      const std::size_t eol = nl ? static_cast<std::size_t>(nl - base) : n;
      const char* b = base + line;
      const char* e = base + eol;
      if (!open && HasDigit(b, e)) {
        // With no table open, a line with a digit cannot open one (a header has none) and
        // changes nothing: counting its tabs and commas first was most of this index on
        // text whose sentences have commas ("1,024 files").
        if (!nl) break;
        line = eol + 1;
        continue;
      }
      const int tabs = count(b, e, '\t');
      const int commas = tabs ? 0 : count(b, e, ',');
      const bool continues =
          open && ((current.delimiter == '\t' && tabs > 0) ||
                   (current.delimiter == ',' && tabs == 0 && commas == commas_in_header));
      if (continues) {
        current.end = eol;
      } else {
        if (open && current.end > current.header_end) tables_.push_back(current);
        open = tabs >= 2 || (tabs == 0 && commas >= 2);
        if (open) {
          open = std::none_of(b, e, [](char c) { return c >= '0' && c <= '9'; });
        }
        if (open) {
          current = Table{line, eol, eol, tabs ? '\t' : ','};
          commas_in_header = commas;
        }
      }
      if (!nl) break;
      line = eol + 1;
    }
    if (open && current.end > current.header_end) tables_.push_back(current);
  }
  auto it = std::upper_bound(tables_.begin(), tables_.end(), pos,
                             [](std::size_t p, const Table& t) { return p < t.begin; });
  if (it == tables_.begin()) return nullptr;
  --it;
  return pos < it->end ? &*it : nullptr;
}

std::string_view TableColumnHeader(std::string_view text, std::size_t pos, TableIndex* index) {
  TableIndex local;
  const TableIndex::Table* t = (index ? index : &local)->Find(text, pos);
  if (!t || pos < t->header_end) return {};
  const std::size_t line = LineStart(text, pos);
  const int column = CountChar(text.substr(line, pos - line), t->delimiter);
  return Cell(text, t->begin, t->header_end, t->delimiter, column);
}

LabelParts LabelPartsAt(const ScanText& scan, std::size_t pos) {
  LabelParts parts;
  parts.header = scan.header;
  parts.column = TableColumnHeader(scan.text, pos, scan.tables);
  parts.inline_label = InlineLabel(scan.text, pos);
  // When nothing labels the value on its line, a short line just above (no digits) is its
  // label, as forms and PDFs lay them out.
  std::string_view trimmed = parts.inline_label;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == ':'))
    trimmed.remove_suffix(1);
  const std::size_t line = LineStart(scan.text, pos);
  if (trimmed.empty() && parts.column.empty() && line >= 1) {
    const std::size_t prev = LineStart(scan.text, line - 1);
    const std::string_view above = scan.text.substr(prev, line - 1 - prev);
    if (!above.empty() && above.size() <= 40 &&
        std::none_of(above.begin(), above.end(), [](char c) { return IsAsciiDigit(c); })) {
      parts.above = above;
    }
  }
  return parts;
}

std::string LabelContext(const ScanText& scan, std::size_t pos) {
  const LabelParts p = LabelPartsAt(scan, pos);
  std::string out(p.header);
  for (std::string_view part : {p.column, p.inline_label, p.above}) {
    if (part.empty()) continue;
    out.push_back('|');
    out.append(part);
  }
  return out;
}

}  // namespace doccheck
