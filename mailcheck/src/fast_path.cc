#include "fast_path.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ustring.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "mime/utf8.h"

namespace mailcheck {
namespace {

// vmime's parserHelpers::isSpace.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view TrimRightSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return TrimRightSpace(s);
}

// RFC 5322 atext and the dot: what a plain local part is made of. No quote, backslash,
// comment, or white space: vmime's emailAddress parser copies such a local part as is.
bool IsLocalChar(char c) {
  if (IsAlnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
    case '.':
      return true;
    default:
      return false;
  }
}

bool IsDomainChar(char c) { return IsAlnum(c) || c == '-' || c == '.' || c == '_'; }

// "local@domain" exactly as vmime's emailAddress reads it: one '@', a non-empty plain
// local part that does not start with '=' (vmime's start of an encoded word), a non-empty
// domain of letters, digits, '-', '.', '_' without an IDNA label (vmime decodes "xn--"
// labels), well under vmime's 256-byte limit.
bool SplitSimpleAddrSpec(std::string_view s, std::string_view* local, std::string_view* domain) {
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
  if (s.size() >= 250) return false;
  *local = s.substr(0, at);
  *domain = s.substr(at + 1);
  if ((*local)[0] == '=') return false;
  for (char c : *local) {
    if (!IsLocalChar(c)) return false;
  }
  for (char c : *domain) {
    if (!IsDomainChar(c)) return false;
  }
  return !ContainsIgnoreCase(*domain, "xn--");
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsUtf8(std::string_view s) { return mime::IsWellFormedUtf8(s); }

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// The bytes of canonical base64 (length a multiple of 4, '=' only as the padding at the
// end, no unused bits set), or nullopt.
std::optional<std::string> Base64Bytes(std::string_view data) {
  if (data.empty() || data.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && data[data.size() - 1 - padding] == '=') ++padding;
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (std::size_t i = 0; i + padding < data.size(); ++i) {
    const int v = Base64Value(data[i]);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  if ((bits & ((1u << count) - 1)) != 0) return std::nullopt;
  return out;
}

// `bytes` in ISO-2022-JP as UTF-8, or nullopt when ICU (which vmime's charset converter
// is) finds anything invalid: vmime substitutes there, this declines.
std::optional<std::string> Iso2022JpToUtf8(std::string_view charset, const std::string& bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(std::string(charset).c_str(), &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::unique_ptr<UConverter, void (*)(UConverter*)> closer(conv, ucnv_close);
  ucnv_setToUCallBack(conv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  if (U_FAILURE(status)) return std::nullopt;
  std::vector<UChar> utf16(bytes.size() + 16);
  const int32_t n = ucnv_toUChars(conv, utf16.data(), static_cast<int32_t>(utf16.size()),
                                  bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) return std::nullopt;
  for (int32_t i = 0; i < n; ++i) {
    if (utf16[i] == 0xFFFD || utf16[i] == 0x1A) return std::nullopt;  // a substitute
  }
  int32_t length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(nullptr, 0, &length, utf16.data(), n, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return std::nullopt;
  std::string out(static_cast<std::size_t>(length), '\0');
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), length, nullptr, utf16.data(), n, &status);
  if (U_FAILURE(status)) return std::nullopt;
  return out;
}

// An encoded word "=?charset?B?data?=" starting at `text[pos]`, in UTF-8 or ISO-2022-JP
// with canonical base64 data, as vmime's word::parse reads it and WordToUtf8
// (mime/plugin/mail_fields.cc) converts it. `*end` is set past it. Nullopt for any other
// form (Q encoding, other charsets, a language, text that is not valid in its charset).
std::optional<std::string> EncodedWord(std::string_view text, std::size_t pos, std::size_t* end) {
  if (text.substr(pos, 2) != "=?") return std::nullopt;
  const std::size_t charset_end = text.find('?', pos + 2);
  if (charset_end == std::string_view::npos || charset_end + 3 > text.size()) return std::nullopt;
  const std::string_view charset = text.substr(pos + 2, charset_end - pos - 2);
  const char encoding = text[charset_end + 1];
  if ((encoding != 'B' && encoding != 'b') || text[charset_end + 2] != '?') return std::nullopt;
  const std::size_t data_start = charset_end + 3;
  const std::size_t data_end = text.find('?', data_start);
  if (data_end == std::string_view::npos || data_end + 1 >= text.size() ||
      text[data_end + 1] != '=') {
    return std::nullopt;
  }
  const std::optional<std::string> bytes =
      Base64Bytes(text.substr(data_start, data_end - data_start));
  if (!bytes) return std::nullopt;
  *end = data_end + 2;
  if (EqualsIgnoreCase(charset, "utf-8") || EqualsIgnoreCase(charset, "utf8")) {
    if (!IsUtf8(*bytes)) return std::nullopt;
    return *bytes;
  }
  if (EqualsIgnoreCase(charset, "iso-2022-jp")) return Iso2022JpToUtf8(charset, *bytes);
  return std::nullopt;
}

// Text of printable ASCII, blanks and encoded words (EncodedWord's forms), decoded as
// vmime's word::parseMultiple splits it (text::parse, text::decodeAndUnfold) and the
// vmime path converts each word: blanks before the first word, between two encoded words
// and after the last are dropped; other text is kept as written, with the blanks before
// it when it follows an encoded word. Every "=?" must begin such an encoded word.
std::optional<std::string> DecodeWords(std::string_view text) {
  for (char c : text) {
    if ((c < 0x20 && c != '\t') || c > 0x7E) return std::nullopt;
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size() && IsBlank(text[pos])) ++pos;
  while (pos < text.size()) {
    if (text.compare(pos, 2, "=?") == 0) {
      std::size_t end = 0;
      std::optional<std::string> word = EncodedWord(text, pos, &end);
      if (!word) return std::nullopt;
      out += *word;
      pos = end;
      std::size_t next = pos;
      while (next < text.size() && IsBlank(text[next])) ++next;
      if (next == text.size() || text.compare(next, 2, "=?") == 0) pos = next;
      continue;
    }
    // Unencoded text up to the next "=?" (or the end), blanks included.
    const std::size_t next = text.find("=?", pos);
    const std::size_t stop = next == std::string_view::npos ? text.size() : next;
    out.append(text.substr(pos, stop - pos));
    pos = stop;
  }
  return out;
}

// The display name as vmime's mailbox parser hands it to text::decodeAndUnfold, decoded
// the way ParseAddressList does. Printable ASCII without an encoded word is one word, its
// leading white space skipped; encoded words of DecodeWords' forms are decoded here;
// anything else is decoded by vmime itself.
std::string DisplayName(std::string_view name) {
  bool plain = true;
  bool encoded = false;
  for (std::size_t i = 0; i < name.size() && plain; ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c > 0x7E) plain = false;
    if (c == '=' && i + 1 < name.size() && name[i + 1] == '?') encoded = true;
  }
  if (plain && encoded) {
    std::optional<std::string> decoded = DecodeWords(name);
    if (decoded) return std::move(*decoded);
  }
  if (!plain || encoded) return DecodeDisplayName(name);
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  return std::string(name);
}

// One address as vmime's address::parseNext cut it out of the list: starts at a
// non-space byte, may end in white space. False when it is not a simple form.
bool ParseSimpleMailbox(std::string_view item, std::vector<ParsedMailbox>* out) {
  item = TrimRightSpace(item);
  std::string_view local, domain, name;
  const std::size_t lt = item.find('<');
  if (lt == std::string_view::npos) {
    // "local@domain"
    if (item.find_first_of("<>\"") != std::string_view::npos) return false;
    if (!SplitSimpleAddrSpec(item, &local, &domain)) return false;
  } else {
    // [phrase] "<" local@domain ">", nothing after the '>'.
    if (item.back() != '>') return false;
    const std::string_view inside = item.substr(lt + 1, item.size() - lt - 2);
    if (inside.find_first_of("<>") != std::string_view::npos) return false;
    if (!SplitSimpleAddrSpec(inside, &local, &domain)) return false;
    std::string_view phrase = TrimRightSpace(item.substr(0, lt));
    if (phrase.find('>') != std::string_view::npos) return false;
    if (!phrase.empty() && phrase.front() == '"') {
      // "quoted name" <...>: a quoted string without escapes, then only white space.
      if (phrase.size() < 2 || phrase.back() != '"') return false;
      name = phrase.substr(1, phrase.size() - 2);
      if (name.find('"') != std::string_view::npos) return false;
    } else {
      // Unquoted words: vmime would read a '@' as the start of an address, and a '"' in
      // the middle as part of the name.
      if (phrase.find_first_of("@\"") != std::string_view::npos) return false;
      name = phrase;
    }
  }
  ParsedMailbox mbox;
  mbox.local.assign(local);
  mbox.domain.assign(domain);
  if (!name.empty()) mbox.display_name = DisplayName(name);
  out->push_back(std::move(mbox));
  return true;
}

// The end of a clean RFC 2047 word starting at s[i] ("=?"), or npos: a charset of
// letters, digits, '-' and '_'; B with whole base64 quanta (padding only at the end) or
// Q with letters, digits and "=_.!*+/-"; then "?=".
std::size_t CleanEncodedWordEnd(std::string_view s, std::size_t i) {
  std::size_t j = i + 2;
  const std::size_t charset_start = j;
  while (j < s.size() && (IsAlnum(s[j]) || s[j] == '-' || s[j] == '_')) ++j;
  if (j == charset_start || j + 2 >= s.size() || s[j] != '?' || s[j + 2] != '?') {
    return std::string_view::npos;
  }
  const char encoding = s[j + 1];
  j += 3;
  const std::size_t data_start = j;
  if (encoding == 'B' || encoding == 'b') {
    while (j < s.size() && (IsAlnum(s[j]) || s[j] == '+' || s[j] == '/')) ++j;
    std::size_t padding = 0;
    while (j < s.size() && s[j] == '=' && padding < 2) ++j, ++padding;
    if ((j - data_start) % 4 != 0) return std::string_view::npos;
  } else if (encoding == 'Q' || encoding == 'q') {
    while (j < s.size() &&
           (IsAlnum(s[j]) || std::string_view("=_.!*+/-").find(s[j]) != std::string_view::npos)) {
      ++j;
    }
  } else {
    return std::string_view::npos;
  }
  if (j + 1 >= s.size() || s[j] != '?' || s[j + 1] != '=') return std::string_view::npos;
  return j + 2;
}

// True when vmime's parse of these header fields cannot fail. vmime 0.9.2 throws while
// parsing a header (and then lists no parts at all) on some malformed base64 encoded
// words (word::parseWithState carries undecoded bytes past the end of the data), and its
// parsers remove escapes, comments and white space before they look for encoded words.
// So: no backslash, and every '?' belongs to a clean encoded word.
bool HeaderIsPlainForVmime(std::string_view head) {
  for (std::size_t i = 0; i < head.size(); ++i) {
    const char c = head[i];
    if (c == '\\') return false;
    if (c == '=' && i + 1 < head.size() && head[i + 1] == '?') {
      const std::size_t end = CleanEncodedWordEnd(head, i);
      if (end == std::string_view::npos) return false;
      i = end - 1;
    } else if (c == '?') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::vector<ParsedMailbox>> ParseSimpleAddressList(std::string_view value) {
  // Groups (':' ';'), comments ('(' ')'), escapes, domain literals, 8-bit bytes and
  // control characters other than folding white space are left to vmime.
  for (char ch : value) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x7F || (c < 0x20 && c != '\t' && c != '\r' && c != '\n')) return std::nullopt;
    switch (c) {
      case '\\':
      case '(':
      case ')':
      case ':':
      case ';':
      case '[':
      case ']':
        return std::nullopt;
      default:
        break;
    }
  }
  std::vector<ParsedMailbox> out;
  try {
    // address::parseNext of vmime 0.9.2 without its group, comment and escape states.
    const std::size_t end = value.size();
    std::size_t pos = 0;
    while (pos < end) {
      while (pos < end && IsSpace(value[pos])) ++pos;
      const std::size_t start = pos;
      bool quoted = false, quoted_rfc2047 = false, in_route_addr = false;
      for (; pos < end; ++pos) {
        const char c = value[pos];
        if (c == '"') {
          quoted = !quoted;
        } else if (c == '<') {
          in_route_addr = true;
        } else if (c == '>') {
          in_route_addr = false;
        } else if (c == '=') {
          if (!quoted && !quoted_rfc2047 && pos + 1 < end && value[pos + 1] == '?') {
            ++pos;
            quoted_rfc2047 = true;
          }
        } else if (c == '?') {
          if (quoted_rfc2047 && pos + 1 < end && value[pos + 1] == '=') {
            ++pos;
            quoted_rfc2047 = false;
          }
        } else if (c == ',' && !quoted && !quoted_rfc2047 && !in_route_addr) {
          break;
        }
      }
      if (pos != start && !ParseSimpleMailbox(value.substr(start, pos - start), &out)) {
        return std::nullopt;
      }
      if (pos < end) ++pos;  // the ','
    }
  } catch (const std::exception&) {
    return std::nullopt;  // let vmime's path decide what such a list gives
  }
  return out;
}

std::optional<std::string> DecodeSimpleHeaderText(std::string_view value) {
  if (value.find("=?") != std::string_view::npos) {
    // Encoded words: DecodeHeaderText drops CR and LF, decodes, drops leading blanks.
    std::string unfolded;
    for (char c : value) {
      if (c != '\r' && c != '\n') unfolded.push_back(c);
    }
    std::optional<std::string> decoded = DecodeWords(unfolded);
    if (!decoded) return std::nullopt;
    const std::size_t start = decoded->find_first_not_of(" \t");
    return start == std::string::npos ? std::string() : decoded->substr(start);
  }
  // vmime reads such a value as one unencoded word, its leading white space skipped;
  // DecodeHeaderText drops CR and LF before, and leading blanks after.
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\r' || c == '\n') continue;
    if ((c < 0x20 && c != '\t') || c > 0x7E) return std::nullopt;
    if (c == '=' && i + 1 < value.size() && value[i + 1] == '?') return std::nullopt;
    if (out.empty() && (c == ' ' || c == '\t')) continue;
    out.push_back(c);
  }
  return out;
}

std::optional<std::vector<MessagePart>> ListSinglePartText(std::string_view raw_message,
                                                           const RawHeader& header) {
  // The header must split the same way for vmime as for SplitHeader: no bare CR, every
  // line a field (vmime skips or stops at other lines).
  const std::string_view head = raw_message.substr(0, header.body_offset);
  for (std::size_t cr = head.find('\r'); cr != std::string_view::npos;
       cr = head.find('\r', cr + 1)) {
    if (cr + 1 >= raw_message.size() || raw_message[cr + 1] != '\n') return std::nullopt;
  }
  if (!HeaderIsPlainForVmime(head)) return std::nullopt;
  const RawField* content_type = nullptr;
  const RawField* disposition = nullptr;
  for (const RawField& field : header.fields) {
    if (field.name.empty()) return std::nullopt;
    if (FieldNameIs(field, "Content-Type")) {
      if (content_type != nullptr) return std::nullopt;
      content_type = &field;
    } else if (FieldNameIs(field, "Content-Disposition")) {
      if (disposition != nullptr) return std::nullopt;
      disposition = &field;
    }
  }
  if (disposition != nullptr && !EqualsIgnoreCase(TrimSpace(disposition->value), "inline")) {
    return std::nullopt;
  }
  bool html = false;
  if (content_type != nullptr) {
    // vmime's parameterizedHeaderField: the media type runs to the first ';' or space.
    std::string_view v = content_type->value;
    while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
    std::size_t n = 0;
    while (n < v.size() && v[n] != ';' && !IsSpace(v[n])) ++n;
    const std::string_view type = v.substr(0, n);
    if (EqualsIgnoreCase(type, "text/html")) {
      html = true;
    } else if (!EqualsIgnoreCase(type, "text/plain")) {
      return std::nullopt;
    }
    // Plain parameters (charset, format, delsp): nothing that could name a file, no
    // RFC 2231 continuations or charsets, no escapes, comments or 8-bit bytes.
    const std::string_view params = v.substr(n);
    for (char ch : params) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (c >= 0x7F || (c < 0x20 && c != '\t' && c != '\r' && c != '\n')) return std::nullopt;
      if (c == '*' || c == '\\' || c == '(' || c == ')') return std::nullopt;
    }
    if (ContainsIgnoreCase(params, "name")) return std::nullopt;
  }
  MessagePart body;
  body.is_body = true;
  body.name = html ? "body.html" : "body.txt";
  std::vector<MessagePart> out;
  out.push_back(std::move(body));
  return out;
}

}  // namespace mailcheck
