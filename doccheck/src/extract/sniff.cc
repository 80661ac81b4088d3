#include "extract/sniff.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "extract/zip_sniff.h"
#include "text/decode.h"

namespace doccheck {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// ASCII lower case, as std::tolower in the "C" locale, without a call per byte.
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - suffix.size(),
                    [](char a, char b) { return AsciiLower(a) == AsciiLower(b); });
}

std::string Lower(std::string_view s, std::size_t n) {
  std::string out(s.substr(0, n));
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// Control bytes other than \t \n \f \r and ESC in `s`: every byte of every small file
// passes here, so 16 at a time where SSE2 is there.
std::size_t CountControlBytes(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0, control = 0;
  const auto is_control = [](unsigned char b) {
    return b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != 0x1B && b != 0x0C;
  };
#if defined(__SSE2__)
  const __m128i limit = _mm_set1_epi8(0x1F);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, limit), v);  // v <= 0x1F
    __m128i allowed = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    allowed = _mm_or_si128(allowed, _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
    allowed = _mm_or_si128(allowed, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x1B)));
    allowed = _mm_or_si128(allowed, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0C)));
    // Usually none: counted bit by bit (std::popcount is a library call without -mpopcnt).
    for (auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_andnot_si128(allowed, low))); m != 0;
         m &= m - 1)
      ++control;
  }
#endif
  for (; i < n; ++i) control += is_control(p[i]);
  return control;
}

// RFC 5322 header block: the first line is "Name: value" and well-known fields appear
// before the first empty line.
bool LooksLikeMail(std::string_view s) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 76) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  std::size_t end = s.find("\n\n");
  const std::size_t crlf = s.find("\r\n\r\n");
  if (crlf < end) end = crlf;
  const std::string head = Lower(s, std::min<std::size_t>(end, 64 * 1024));
  int known = 0;
  for (const char* f : {"\nfrom:", "\nto:", "\nsubject:", "\nmime-version:", "\ndate:",
                        "\nmessage-id:", "\nreceived:", "\ncontent-type:"}) {
    if (head.find(f) != std::string::npos || StartsWith(head, f + 1)) ++known;
  }
  return known >= 2;
}

}  // namespace

std::string_view SniffFormat(std::string_view bytes, std::string_view name) {
  return SniffFormat(bytes, name, nullptr);
}

std::string_view SniffFormat(std::string_view bytes, std::string_view name,
                             std::optional<Charset>* charset_out) {
  if (StartsWith(bytes, "PK\x03\x04") || StartsWith(bytes, "PK\x05\x06")) {
    return SniffZipFormat(bytes);
  }
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return "pdf";
  if (StartsWith(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    // OLE2: legacy .doc/.xls, or an OOXML file encrypted with a password.
    static constexpr char kEncrypted[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e";
    if (std::search(bytes.begin(), bytes.end(), kEncrypted, kEncrypted + sizeof kEncrypted - 1) !=
        bytes.end())
      return "encrypted-office";
    return "unknown";
  }
  const Charset charset = DetectCharset(bytes.substr(0, 64 * 1024));
  if (charset_out != nullptr) *charset_out = charset;
  if (charset == Charset::kBinary) return "unknown";
  // Control bytes other than whitespace and ESC mean binary in a single-byte view.
  if (charset == Charset::kUtf8 || charset == Charset::kShiftJis || charset == Charset::kEucJp) {
    const std::size_t n = std::min<std::size_t>(bytes.size(), 64 * 1024);
    if (CountControlBytes(bytes.substr(0, n)) * 100 > n) return "unknown";
  }
  // The first 4 KiB as UTF-8. When the first 64 KiB are UTF-8 and the 4 KiB hold no ESC,
  // DetectCharset says UTF-8 for the 4 KiB too (a prefix of valid UTF-8 is valid; only
  // ISO-2022-JP escapes in an ASCII-only prefix could say otherwise), and DecodeToUtf8
  // would copy them without their BOM: done here without judging the bytes a second time.
  const std::string_view sample = bytes.substr(0, 4096);
  const std::string text =
      charset == Charset::kUtf8 && sample.find('\x1B') == std::string_view::npos
          ? std::string(sample.substr(BomLength(sample, Charset::kUtf8)))
          : DecodeToUtf8(sample);
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  const std::string head = Lower(t, 1024);
  if (StartsWith(head, "<!doctype html") || StartsWith(head, "<html") ||
      head.find("<html") != std::string::npos ||
      (StartsWith(head, "<") && head.find("<body") != std::string::npos))
    return "html";
  if (LooksLikeMail(t)) return "eml";
  if (EndsWithNoCase(name, ".csv") || EndsWithNoCase(name, ".tsv")) return "csv";
  return "txt";
}

}  // namespace doccheck
