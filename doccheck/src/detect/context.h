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

// The general decoders behind CodePointAt and CodePointBefore (any input, malformed too).
char32_t DecodeCodePointAt(std::string_view text, std::size_t pos, std::size_t* length);
char32_t DecodeCodePointBefore(std::string_view text, std::size_t pos, std::size_t* length);

// Decodes the UTF-8 code point at `pos` (returns U+FFFD on bad input) and its length.
// Inline for ASCII: detectors ask it around every number and label.
inline char32_t CodePointAt(std::string_view text, std::size_t pos, std::size_t* length) {
  if (pos < text.size() && static_cast<unsigned char>(text[pos]) < 0x80) {
    if (length) *length = 1;
    return static_cast<unsigned char>(text[pos]);
  }
  return DecodeCodePointAt(text, pos, length);
}
// The code point that ends at byte `pos` (exclusive) and its length; 0 at the start.
// Inline for ASCII and well-formed three-byte characters (all of kana and kanji), the
// same as the general decoder gives.
inline char32_t CodePointBefore(std::string_view text, std::size_t pos, std::size_t* length) {
  if (pos > 0 && pos <= text.size()) {
    const auto b1 = static_cast<unsigned char>(text[pos - 1]);
    if (b1 < 0x80) {
      if (length) *length = 1;
      return b1;
    }
    if (pos >= 3 && (b1 & 0xC0) == 0x80) {
      const auto b2 = static_cast<unsigned char>(text[pos - 2]);
      const auto b3 = static_cast<unsigned char>(text[pos - 3]);
      if ((b2 & 0xC0) == 0x80 && (b3 & 0xF0) == 0xE0) {
        if (length) *length = 3;
        return static_cast<char32_t>(((b3 & 0x0F) << 12) | ((b2 & 0x3F) << 6) | (b1 & 0x3F));
      }
    }
  }
  return DecodeCodePointBefore(text, pos, length);
}

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
