#include "detect/labels.h"

#include <algorithm>

#include "detect/context.h"

namespace doccheck {
namespace {

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

int CountChar(std::string_view s, char c) { return static_cast<int>(std::count(s.begin(), s.end(), c)); }

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
    std::size_t line = 0;
    Table current;
    bool open = false;
    int commas = 0;
    while (line < text.size()) {
      std::size_t eol = text.find('\n', line);
      if (eol == std::string_view::npos) eol = text.size();
      const std::string_view l = text.substr(line, eol - line);
      const bool tabs = l.find('\t') != std::string_view::npos;
      const int c = tabs ? 0 : CountChar(l, ',');
      const bool continues = open && ((current.delimiter == '\t' && tabs) ||
                                      (current.delimiter == ',' && !tabs && c == commas));
      if (continues) {
        current.end = eol;
      } else {
        if (open && current.end > current.header_end) tables_.push_back(current);
        // A header row names three or more columns and holds no values (digits);
        // two-column blocks are key-value forms, labelled cell by cell instead.
        const bool header_like = l.find_first_of("0123456789") == std::string_view::npos;
        open = header_like && (tabs ? CountChar(l, '\t') >= 2 : c >= 2);
        if (open) {
          current = Table{line, eol, eol, tabs ? '\t' : ','};
          commas = c;
        }
      }
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

std::string LabelContext(const ScanText& scan, std::size_t pos) {
  std::string out(scan.header);
  const std::string_view column = TableColumnHeader(scan.text, pos, scan.tables);
  if (!column.empty()) {
    out.push_back('|');
    out.append(column);
  }
  std::string_view inline_label = InlineLabel(scan.text, pos);
  // Trim spaces and separators; when nothing labels the value on its line, a short line
  // just above (no digits) is its label, as forms and PDFs lay them out.
  std::string_view trimmed = inline_label;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == ':')) trimmed.remove_suffix(1);
  out.push_back('|');
  out.append(inline_label);
  const std::size_t line = LineStart(scan.text, pos);
  if (trimmed.empty() && column.empty() && line >= 1) {
    const std::size_t prev = LineStart(scan.text, line - 1);
    const std::string_view above = scan.text.substr(prev, line - 1 - prev);
    if (!above.empty() && above.size() <= 40 &&
        std::none_of(above.begin(), above.end(), [](char c) { return IsAsciiDigit(c); })) {
      out.push_back('|');
      out.append(above);
    }
  }
  return out;
}

}  // namespace doccheck
