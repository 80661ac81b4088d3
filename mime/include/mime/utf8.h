// Whether bytes are well-formed UTF-8 (no overlong forms, no surrogates, at most
// U+10FFFF). One definition for the MIME reader plugin (mime/plugin/mail_fields.cc) and
// mailcheck's encoded-word fast path (mailcheck/src/fast_path.cc), which must agree byte
// for byte on which words are taken as UTF-8.
#ifndef MIME_UTF8_H_
#define MIME_UTF8_H_

#include <cstddef>
#include <string_view>

namespace mime {

inline bool IsWellFormedUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t extra;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace mime

#endif  // MIME_UTF8_H_
