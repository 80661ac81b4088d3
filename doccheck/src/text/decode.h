// Charset detection and conversion to UTF-8 for plain text (txt, CSV, HTML, mail parts).
//
// Detection never assumes: a BOM wins; then ISO-2022-JP escapes in 7-bit text; then strict
// UTF-8 validity; then Shift_JIS (CP932) against EUC-JP by which decodes cleanly and reads
// like Japanese. Binary content (NUL bytes outside UTF-16) is reported as kBinary.
// TextDecoder converts a stream chunk by chunk with a map from every UTF-8 output byte to
// its source offset, so findings point at the original bytes. Not thread-safe per object.
#ifndef DOCCHECK_SRC_TEXT_DECODE_H_
#define DOCCHECK_SRC_TEXT_DECODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace doccheck {

enum class Charset { kUtf8, kUtf16Le, kUtf16Be, kShiftJis, kEucJp, kIso2022Jp, kBinary };

std::string_view CharsetName(Charset charset);

// Judges the charset from the first bytes of a text (a few KiB are enough).
Charset DetectCharset(std::string_view sample);

// Charset from a MIME/HTML label ("iso-2022-jp", "Shift_JIS", "utf-8", ...), or nullopt-like
// kBinary when unknown.
Charset CharsetFromLabel(std::string_view label);

// Length of a byte-order mark at the start of `bytes` for `charset` (0 when none).
std::size_t BomLength(std::string_view bytes, Charset charset);

class TextDecoder {
 public:
  explicit TextDecoder(Charset charset);
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;

  // Appends the UTF-8 for `chunk` to `utf8` and, for each appended byte, its source offset
  // (`base` + offset in chunk) to `offsets`. Incomplete sequences at the chunk end are kept
  // for the next call; `last` flushes them. Undecodable bytes become U+FFFD.
  void Decode(std::string_view chunk, std::uint64_t base, bool last, std::string* utf8,
              std::vector<std::uint32_t>* offsets);

  // True when output bytes map 1:1 to source bytes (UTF-8 input): offsets are not produced.
  bool identity() const { return charset_ == Charset::kUtf8; }

 private:
  Charset charset_;
  struct Icu;
  std::unique_ptr<Icu> icu_;
};

// Whole-buffer convenience: converts `bytes` (charset detected) to UTF-8.
std::string DecodeToUtf8(std::string_view bytes, Charset* detected = nullptr);

// Safe split point for chunked decoding: the offset just after the last '\n' in `bytes`
// that is a real line break in `charset` (UTF-16: a 2-byte aligned unit), or 0 if none.
std::size_t LastLineBreak(std::string_view bytes, Charset charset);

}  // namespace doccheck

#endif  // DOCCHECK_SRC_TEXT_DECODE_H_
