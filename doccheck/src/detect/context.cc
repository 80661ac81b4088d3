#include "detect/context.h"

#include <cstring>
#include <string>

namespace doccheck {
namespace {

std::size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

char32_t DecodeCodePointAt(std::string_view text, std::size_t pos, std::size_t* length) {
  if (pos >= text.size()) {
    if (length) *length = 0;
    return 0;
  }
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t n = Utf8Length(lead);
  if (pos + n > text.size()) n = 1;
  for (std::size_t i = 1; i < n; ++i) {
    if (!IsContinuation(static_cast<unsigned char>(text[pos + i]))) {
      n = 1;
      break;
    }
  }
  if (length) *length = n;
  if (n == 1) return lead < 0x80 ? lead : 0xFFFD;
  char32_t cp = lead & (0x7F >> n);
  for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (text[pos + i] & 0x3F);
  return cp;
}

char32_t DecodeCodePointBefore(std::string_view text, std::size_t pos, std::size_t* length) {
  if (pos == 0 || pos > text.size()) {
    if (length) *length = 0;
    return 0;
  }
  std::size_t start = pos - 1;
  int steps = 0;
  while (start > 0 && steps < 3 && IsContinuation(static_cast<unsigned char>(text[start]))) {
    --start;
    ++steps;
  }
  std::size_t n = 0;
  char32_t cp = DecodeCodePointAt(text, start, &n);
  if (start + n != pos) {  // malformed: treat the last byte alone
    if (length) *length = 1;
    return 0xFFFD;
  }
  if (length) *length = n;
  return cp;
}

std::string_view WindowBefore(std::string_view text, std::size_t pos, int chars, int max_lines) {
  if (pos > text.size()) pos = text.size();
  std::size_t start = pos;
  int lines = 0;
  for (int i = 0; i < chars && start > 0; ++i) {
    std::size_t n = 0;
    char32_t cp = CodePointBefore(text, start, &n);
    if (cp == '\n' && ++lines > max_lines) break;
    start -= n;
  }
  return text.substr(start, pos - start);
}

std::string_view WindowAfter(std::string_view text, std::size_t pos, int chars, int max_lines) {
  if (pos > text.size()) pos = text.size();
  std::size_t end = pos;
  int lines = 0;
  for (int i = 0; i < chars && end < text.size(); ++i) {
    std::size_t n = 0;
    char32_t cp = CodePointAt(text, end, &n);
    if (cp == '\n' && ++lines > max_lines) break;
    end += n;
  }
  return text.substr(pos, end - pos);
}

std::size_t FindText(std::string_view text, std::string_view pattern, std::size_t from) {
  if (pattern.empty()) return from <= text.size() ? from : std::string_view::npos;
  const std::size_t m = pattern.size();
  if (text.size() < m || from > text.size() - m) return std::string_view::npos;
  const char last = pattern.back();
  const char* base = text.data();
  const char* p = base + from + m - 1;
  const char* end = base + text.size();
  while (p < end) {
    p = static_cast<const char*>(std::memchr(p, last, static_cast<std::size_t>(end - p)));
    if (p == nullptr) return std::string_view::npos;
    const char* start = p - (m - 1);
    if ((m < 2 || p[-1] == pattern[m - 2]) && std::memcmp(start, pattern.data(), m - 1) == 0)
      return static_cast<std::size_t>(start - base);
    ++p;
  }
  return std::string_view::npos;
}

bool ContainsAny(std::string_view window, std::initializer_list<std::string_view> keywords) {
  for (std::string_view k : keywords) {
    if (window.find(k) != std::string_view::npos) return true;
  }
  return false;
}

std::size_t LineStart(std::string_view text, std::size_t pos) {
  if (pos > text.size()) pos = text.size();
  if (pos == 0) return 0;
  // memrchr, not rfind (a byte at a time): the label of every value asks for its line.
  const void* nl = memrchr(text.data(), '\n', pos);
  return nl == nullptr ? 0
                       : static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1;
}

std::size_t LineEnd(std::string_view text, std::size_t pos) {
  std::size_t p = text.find('\n', pos);
  return p == std::string_view::npos ? text.size() : p;
}

bool IsHiragana(char32_t c) { return c >= 0x3041 && c <= 0x309F; }
bool IsKatakana(char32_t c) { return (c >= 0x30A1 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF); }
bool IsKanji(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF) || c == 0x3005 ||
         c == 0x3006 || c == 0x30F6;
}
bool IsJapaneseLetter(char32_t c) { return IsKanji(c) || IsHiragana(c) || IsKatakana(c); }

std::string StripSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    if (s.compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000
      i += 3;
      continue;
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

}  // namespace doccheck
