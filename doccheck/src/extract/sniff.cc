#include "extract/sniff.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "extract/zip_sniff.h"
#include "text/decode.h"

namespace doccheck {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - suffix.size(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

std::string Lower(std::string_view s, std::size_t n) {
  std::string out(s.substr(0, n));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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
  if (charset == Charset::kBinary) return "unknown";
  // Control bytes other than whitespace and ESC mean binary in a single-byte view.
  if (charset == Charset::kUtf8 || charset == Charset::kShiftJis || charset == Charset::kEucJp) {
    std::size_t control = 0, n = std::min<std::size_t>(bytes.size(), 64 * 1024);
    for (std::size_t i = 0; i < n; ++i) {
      const auto b = static_cast<unsigned char>(bytes[i]);
      if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != 0x1B && b != 0x0C) ++control;
    }
    if (control * 100 > n) return "unknown";
  }
  const std::string text = DecodeToUtf8(bytes.substr(0, 4096));
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
