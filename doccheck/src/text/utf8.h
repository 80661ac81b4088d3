// UTF-8 encoding of one code point, shared by the decoder, the normaliser and the
// extractors that build text.
#ifndef DOCCHECK_SRC_TEXT_UTF8_H_
#define DOCCHECK_SRC_TEXT_UTF8_H_

#include <string>

namespace doccheck {

// Writes the UTF-8 of `cp` (must be < U+110000) to `buf` (4 bytes); returns its length.
inline int EncodeUtf8(char32_t cp, char* buf) {
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = static_cast<char>(0xF0 | (cp >> 18));
  buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

inline void AppendUtf8(char32_t cp, std::string* out) {
  if (cp >= 0x110000) return;
  char buf[4];
  out->append(buf, static_cast<std::size_t>(EncodeUtf8(cp, buf)));
}

}  // namespace doccheck

#endif  // DOCCHECK_SRC_TEXT_UTF8_H_
