// Helpers detectors share for looking around a candidate in normalised text.
// Japanese has no spaces between words, so context is a window of characters, not tokens.
#ifndef DOCCHECK_SRC_DETECT_CONTEXT_H_
#define DOCCHECK_SRC_DETECT_CONTEXT_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace doccheck {

// The text of at most `chars` UTF-8 characters ending at byte `pos` (exclusive),
// never crossing more than `max_lines` line breaks (0 = stay on the same line).
std::string_view WindowBefore(std::string_view text, std::size_t pos, int chars, int max_lines = 0);
// The text of at most `chars` UTF-8 characters starting at byte `pos`, same line rules.
std::string_view WindowAfter(std::string_view text, std::size_t pos, int chars, int max_lines = 0);

// Position of `pattern` in `text` at or after `from`, or npos. Faster than
// string_view::find for Japanese patterns: it looks for the pattern's last byte (a UTF-8
// continuation byte, rare) instead of its first (a lead byte shared by thousands of kanji).
std::size_t FindText(std::string_view text, std::string_view pattern, std::size_t from = 0);

// text.substr(pos, word.size()) == word, without a call to memcmp: most tries fail
// within a few bytes.
inline bool BytesAt(std::string_view text, std::size_t pos, std::string_view word) {
  if (pos > text.size() || text.size() - pos < word.size()) return false;
  const char* p = text.data() + pos;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (p[i] != word[i]) return false;
  }
  return true;
}

// True when any of `keywords` occurs in `window`.
bool ContainsAny(std::string_view window, std::initializer_list<std::string_view> keywords);

// Byte offset of the start of the line holding `pos`, and of its end ('\n' or size).
std::size_t LineStart(std::string_view text, std::size_t pos);
std::size_t LineEnd(std::string_view text, std::size_t pos);

// Decodes the UTF-8 code point at `pos` (returns U+FFFD on bad input) and its length.
char32_t CodePointAt(std::string_view text, std::size_t pos, std::size_t* length);
// The code point that ends at byte `pos` (exclusive) and its length; 0 at the start.
char32_t CodePointBefore(std::string_view text, std::size_t pos, std::size_t* length);

inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
// Hiragana, katakana (incl. ー), CJK ideographs and 々〆ヶ.
bool IsJapaneseLetter(char32_t c);
bool IsKanji(char32_t c);
bool IsKatakana(char32_t c);
bool IsHiragana(char32_t c);

// Removes spaces (ASCII and U+3000) from `s`.
std::string StripSpaces(std::string_view s);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_DETECT_CONTEXT_H_
