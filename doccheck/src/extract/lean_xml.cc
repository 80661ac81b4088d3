#include "extract/lean_xml.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace doccheck {
namespace {

// Attributes of one tag are compared pairwise for duplicates up to this many (office parts
// use a handful); past it, all are sorted once at the tag's end.
constexpr std::size_t kPairwiseAttributes = 16;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

constexpr bool IsNameStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

constexpr bool IsNameChar(unsigned char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// IsNameChar as a table: 1 for an ASCII name character, 2 for a non-ASCII byte (a name
// character whose UTF-8 must be checked), 0 for the rest.
constexpr auto kNameByte = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (IsNameChar(static_cast<unsigned char>(c))) t[c] = c >= 0x80 ? 2 : 1;
  }
  return t;
}();

// Bytes an attribute value of plain printable ASCII holds: not a control, not non-ASCII,
// not '<' or '&', not a quote (where it may end). Values that hold anything else take the
// general path.
constexpr auto kPlainValueByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7F; ++c) t[c] = c != '<' && c != '&' && c != '"' && c != '\'';
  return t;
}();

// Length of the valid XML character (UTF-8) at s[0..n), or 0 when it is not one: malformed
// UTF-8, a control character other than tab, LF and CR, U+FFFE or U+FFFF.
std::size_t CharLength(const unsigned char* s, std::size_t n) {
  const unsigned char c = s[0];
  if (c < 0x80) return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
  std::size_t len;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return len;
}

// Offset of the first byte in `s` that does not start a valid XML character, or s.size().
std::size_t FirstInvalid(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // Eight plain printable ASCII bytes at a time (no high bit, none below 0x20).
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
      const std::uint64_t below_space = (w - 0x2020202020202020ULL) & ~w & kHigh;
      if (((w & kHigh) | below_space) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const std::size_t len = CharLength(p + i, n - i);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

void AppendUtf8(std::uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsXmlChar(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

inline __attribute__((always_inline)) std::string_view LocalName(std::string_view qname) {
  for (std::size_t i = 0; i < qname.size(); ++i) {  // names are short: no memchr call
    if (qname[i] == ':') return qname.substr(i + 1);
  }
  return qname;
}

// Bytes after which character data needs more than copying: controls (and CR), '&', ']'
// (for "]]>") and every non-ASCII byte (UTF-8 to validate).
constexpr auto kSpecial = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = c < 0x20 || c >= 0x80 || c == '&' || c == ']';
  }
  t['\t'] = t['\n'] = false;
  return t;
}();

// a == b for the short names of markup, without a call to memcmp for each.
bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

struct Failure {
  FileError error;
};

class LeanAttributes : public XmlAttributes {
 public:
  std::optional<std::string_view> Get(std::string_view local) const override {
    for (const Attribute& a : list_) {
      if (SameName(a.local, local)) {
        return a.decoded ? std::string_view(decoded_).substr(a.offset, a.length) : a.raw;
      }
    }
    return std::nullopt;
  }

  struct Attribute {
    std::string_view qname, local, raw;
    bool decoded = false;
    std::size_t offset = 0, length = 0;  // in decoded_, when `decoded`
  };
  std::vector<Attribute> list_;
  std::string decoded_;
};

class LeanParser {
 public:
  LeanParser(std::string_view xml, std::string_view part, XmlHandler& handler, Budget& budget)
      : xml_(xml), part_(part), handler_(handler), budget_(budget) {}

  // False when a callback asked to stop; throws Failure on an error.
  bool Run() {
    std::size_t i = xml_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    if (xml_.compare(i, 5, "<?xml") == 0 && i + 5 < xml_.size() && IsSpace(xml_[i + 5])) {
      const std::size_t end = xml_.find("?>", i + 5);
      if (end == std::string_view::npos) Fail(i, "unterminated XML declaration");
      CheckChars(i, end);
      i = end + 2;
    }
    i = Misc(i);
    if (i >= xml_.size()) Fail(i, "no root element");
    if (xml_[i] != '<' || i + 1 >= xml_.size() ||
        !IsNameStart(static_cast<unsigned char>(xml_[i + 1]))) {
      Fail(i, "text outside the root element");
    }
    if (!Content(i, &i)) return false;
    i = Misc(i);
    if (i < xml_.size()) Fail(i, "content after the root element");
    return true;
  }

 private:
  [[noreturn]] void Fail(std::size_t at, const char* what) {
    throw Failure{FileError{ErrorCode::kCorrupt, std::string(part_) + " is not well-formed XML (" +
                                                     what + " at byte " + std::to_string(at) +
                                                     ")"}};
  }

  void CheckChars(std::size_t begin, std::size_t end) {
    const std::size_t bad = FirstInvalid(xml_.substr(begin, end - begin));
    if (bad != end - begin) Fail(begin + bad, "invalid character");
  }

  // Whitespace, comments and processing instructions outside the root element.
  std::size_t Misc(std::size_t i) {
    while (i < xml_.size()) {
      if (IsSpace(xml_[i])) {
        ++i;
      } else if (xml_.compare(i, 4, "<!--") == 0) {
        i = Comment(i);
      } else if (xml_.compare(i, 2, "<?") == 0) {
        i = ProcessingInstruction(i);
      } else if (xml_.compare(i, 9, "<!DOCTYPE") == 0) {
        throw Failure{FileError{ErrorCode::kCorrupt, std::string(part_) +
                                                         " has a DOCTYPE (not allowed in "
                                                         "this format)"}};
      } else {
        break;
      }
    }
    return i;
  }

  std::size_t Comment(std::size_t i) {
    const std::size_t end = xml_.find("--", i + 4);
    if (end == std::string_view::npos) Fail(i, "unterminated comment");
    if (xml_.compare(end, 3, "-->") != 0) Fail(end, "'--' inside a comment");
    CheckChars(i + 4, end);
    return end + 3;
  }

  std::size_t ProcessingInstruction(std::size_t i) {
    std::size_t n = i + 2;
    if (n >= xml_.size() || !IsNameStart(static_cast<unsigned char>(xml_[n]))) {
      Fail(i, "bad processing instruction");
    }
    while (n < xml_.size() && IsNameChar(static_cast<unsigned char>(xml_[n]))) ++n;
    const std::string_view target = xml_.substr(i + 2, n - i - 2);
    if (target.size() == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' &&
        (target[2] | 0x20) == 'l') {
      Fail(i, "misplaced XML declaration");
    }
    const std::size_t end = xml_.find("?>", n);
    if (end == std::string_view::npos) Fail(i, "unterminated processing instruction");
    if (end > n && !IsSpace(xml_[n])) Fail(n, "bad processing instruction");
    CheckChars(n, end);
    return end + 2;
  }

  // A name starting at `i` (which must start one); returns its end.
  std::size_t Name(std::size_t i) {
    if (i >= xml_.size() || !IsNameStart(static_cast<unsigned char>(xml_[i]))) {
      Fail(i, "name expected");
    }
    std::size_t n = i + 1;
    unsigned seen = kNameByte[static_cast<unsigned char>(xml_[i])];
    while (n < xml_.size()) {
      const unsigned b = kNameByte[static_cast<unsigned char>(xml_[n])];
      if (b == 0) break;
      seen |= b;
      ++n;
    }
    if ((seen & 2) == 0) return n;     // ASCII only: nothing to check
    for (std::size_t k = i; k < n;) {  // non-ASCII name characters must be valid UTF-8
      if (static_cast<unsigned char>(xml_[k]) < 0x80) {
        ++k;
        continue;
      }
      const std::size_t len =
          CharLength(reinterpret_cast<const unsigned char*>(xml_.data()) + k, n - k);
      if (len == 0) Fail(k, "invalid character in a name");
      k += len;
    }
    return n;
  }

  std::size_t SkipSpace(std::size_t i) {
    while (i < xml_.size() && IsSpace(xml_[i])) ++i;
    return i;
  }

  // Decodes the entity or character reference at xml_[i] ('&') into `out`; returns the
  // offset after its ';'.
  std::size_t Reference(std::size_t i, std::string* out) {
    const std::size_t semi = xml_.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) Fail(i, "bad entity reference");
    const std::string_view name = xml_.substr(i + 1, semi - i - 1);
    if (name == "lt") {
      out->push_back('<');
    } else if (name == "gt") {
      out->push_back('>');
    } else if (name == "amp") {
      out->push_back('&');
    } else if (name == "apos") {
      out->push_back('\'');
    } else if (name == "quot") {
      out->push_back('"');
    } else if (name.size() >= 2 && name[0] == '#') {
      const bool hex = name[1] == 'x';
      std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) Fail(i, "bad character reference");
      std::uint32_t cp = 0;
      for (char c : digits) {
        std::uint32_t d;
        if (c >= '0' && c <= '9') {
          d = static_cast<std::uint32_t>(c - '0');
        } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
          d = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
        } else {
          Fail(i, "bad character reference");
        }
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10FFFF) Fail(i, "bad character reference");
      }
      if (!IsXmlChar(cp)) Fail(i, "character reference to a character XML does not allow");
      AppendUtf8(cp, out);
    } else {
      Fail(i, "undefined entity (only the five predefined ones are allowed)");
    }
    return semi + 1;
  }

  // Character data [begin, end) as the application sees it: references decoded, CR LF and
  // lone CR as LF. A view of the input when nothing needs decoding, else of scratch_.
  std::string_view Text(std::size_t begin, std::size_t end) {
    const std::string_view raw = xml_.substr(begin, end - begin);
    // Most runs in a sheet are a few plain printable ASCII bytes ("1234"): one look at
    // each byte decides that nothing needs checking or decoding.
    bool plain = true;
    for (const char c : raw) {
      if (kSpecial[static_cast<unsigned char>(c)]) {
        plain = false;
        break;
      }
    }
    if (plain) return raw;
    CheckChars(begin, end);
    if (raw.find(']') != std::string_view::npos && raw.find("]]>") != std::string_view::npos) {
      Fail(begin + raw.find("]]>"), "']]>' in character data");
    }
    if (raw.find_first_of("&\r") == std::string_view::npos) return raw;
    scratch_.clear();
    for (std::size_t i = begin; i < end;) {
      const char c = xml_[i];
      if (c == '&') {
        i = Reference(i, &scratch_);
      } else if (c == '\r') {
        scratch_.push_back('\n');
        i += (i + 1 < end && xml_[i + 1] == '\n') ? 2 : 1;
      } else {
        scratch_.push_back(c);
        ++i;
      }
    }
    return scratch_;
  }

  // The start tag at xml_[i] ('<' + name start); fills attrs_. Returns the offset after
  // its '>' and sets `*empty` for "/>".
  std::size_t StartTag(std::size_t i, std::string_view* qname, bool* empty) {
    const std::size_t name_end = Name(i + 1);
    *qname = xml_.substr(i + 1, name_end - i - 1);
    attrs_.list_.clear();
    attrs_.decoded_.clear();
    std::size_t p = name_end;
    while (true) {
      const std::size_t after_space = SkipSpace(p);
      if (after_space >= xml_.size()) Fail(i, "unterminated tag");
      const char c = xml_[after_space];
      if (c == '>' || c == '/') {
        if (c == '/' && (after_space + 1 >= xml_.size() || xml_[after_space + 1] != '>')) {
          Fail(after_space, "'/' not followed by '>'");
        }
        if (attrs_.list_.size() > kPairwiseAttributes) CheckDuplicates(i);
        *empty = c == '/';
        return after_space + (*empty ? 2 : 1);
      }
      if (after_space == p) Fail(p, "space expected between attributes");
      const std::size_t an_end = Name(after_space);
      std::size_t q = SkipSpace(an_end);
      if (q >= xml_.size() || xml_[q] != '=') Fail(q, "'=' expected after an attribute name");
      q = SkipSpace(q + 1);
      if (q >= xml_.size() || (xml_[q] != '"' && xml_[q] != '\'')) Fail(q, "quote expected");
      // Most values ("A1", "s", "12") are a few plain bytes: one look at each finds the
      // closing quote, and nothing in them needs checking or decoding.
      std::size_t plain_end = q + 1;
      while (plain_end < xml_.size() &&
             kPlainValueByte[static_cast<unsigned char>(xml_[plain_end])]) {
        ++plain_end;
      }
      if (plain_end < xml_.size() && xml_[plain_end] == xml_[q]) {
        LeanAttributes::Attribute a;
        a.qname = xml_.substr(after_space, an_end - after_space);
        a.local = LocalName(a.qname);
        a.raw = xml_.substr(q + 1, plain_end - q - 1);
        if (attrs_.list_.size() < kPairwiseAttributes) {
          for (const LeanAttributes::Attribute& other : attrs_.list_) {
            if (SameName(other.qname, a.qname)) Fail(after_space, "duplicate attribute");
          }
        }
        attrs_.list_.push_back(a);
        p = plain_end + 1;
        continue;
      }
      const std::size_t close = xml_.find(xml_[q], q + 1);
      if (close == std::string_view::npos) Fail(q, "unterminated attribute value");
      const std::string_view raw = xml_.substr(q + 1, close - q - 1);
      if (raw.find('<') != std::string_view::npos) Fail(q, "'<' in an attribute value");
      CheckChars(q + 1, close);
      LeanAttributes::Attribute a;
      a.qname = xml_.substr(after_space, an_end - after_space);
      a.local = LocalName(a.qname);
      a.raw = raw;
      if (attrs_.list_.size() < kPairwiseAttributes) {
        for (const LeanAttributes::Attribute& other : attrs_.list_) {
          if (SameName(other.qname, a.qname)) Fail(after_space, "duplicate attribute");
        }
      }
      if (raw.find_first_of("&\t\n\r") != std::string_view::npos) {
        // Attribute-value normalisation: references decoded, whitespace characters as
        // spaces (CR LF as one).
        a.decoded = true;
        a.offset = attrs_.decoded_.size();
        for (std::size_t k = q + 1; k < close;) {
          const char ch = xml_[k];
          if (ch == '&') {
            k = Reference(k, &attrs_.decoded_);
            if (k > close) Fail(q, "bad entity reference");
          } else if (ch == '\r' && k + 1 < close && xml_[k + 1] == '\n') {
            attrs_.decoded_.push_back(' ');
            k += 2;
          } else {
            attrs_.decoded_.push_back(ch == '\t' || ch == '\n' || ch == '\r' ? ' ' : ch);
            ++k;
          }
        }
        a.length = attrs_.decoded_.size() - a.offset;
      }
      attrs_.list_.push_back(a);
      p = close + 1;
    }
  }

  // Duplicate attribute names in a tag with many attributes (sorted, not pairwise, so a
  // hostile tag with thousands costs n log n).
  void CheckDuplicates(std::size_t tag) {
    names_.clear();
    for (const LeanAttributes::Attribute& a : attrs_.list_) names_.push_back(a.qname);
    std::sort(names_.begin(), names_.end());
    if (std::adjacent_find(names_.begin(), names_.end()) != names_.end()) {
      Fail(tag, "duplicate attribute");
    }
  }

  // The element at xml_[i] with everything inside it; `*after` is the offset after it.
  // False when a callback asked to stop.
  bool Content(std::size_t i, std::size_t* after) {
    std::vector<std::string_view> open;
    while (true) {
      if (i >= xml_.size()) Fail(i, "unterminated element");
      if (xml_[i] != '<') {
        // Runs in a sheet are a few plain bytes ("1234"): up to the '<' that ends one,
        // one look at each byte both finds the end and says that nothing needs checking
        // or decoding (what Text would find). Anything else goes the general way.
        std::size_t plain = i;
        while (plain < xml_.size() && xml_[plain] != '<' &&
               !kSpecial[static_cast<unsigned char>(xml_[plain])]) {
          ++plain;
        }
        if (plain < xml_.size() && xml_[plain] == '<') {
          if (!handler_.Characters(xml_.substr(i, plain - i))) return false;
          i = plain;
          continue;
        }
        const void* lt = std::memchr(xml_.data() + i, '<', xml_.size() - i);
        if (lt == nullptr) Fail(i, "unterminated element");
        const std::size_t end =
            static_cast<std::size_t>(static_cast<const char*>(lt) - xml_.data());
        if (!handler_.Characters(Text(i, end))) return false;
        i = end;
        continue;
      }
      const char next = i + 1 < xml_.size() ? xml_[i + 1] : '\0';
      if (next == '/' && !open.empty()) {
        // Most end tags close the open element by its exact name ("</c>"): its name was
        // checked when it opened, and '>' cannot continue a name, so this is what the
        // general path below would read.
        const std::string_view top = open.back();
        const std::size_t gt = i + 2 + top.size();
        if (gt < xml_.size() && xml_[gt] == '>' && SameName(xml_.substr(i + 2, top.size()), top)) {
          open.pop_back();
          if (!handler_.EndElement(LocalName(top))) return false;
          i = gt + 1;
          if (open.empty()) {
            *after = i;
            return true;
          }
          continue;
        }
      }
      if (next == '/') {
        const std::size_t name_end = Name(i + 2);
        const std::string_view qname = xml_.substr(i + 2, name_end - i - 2);
        const std::size_t gt = SkipSpace(name_end);
        if (gt >= xml_.size() || xml_[gt] != '>') Fail(i, "unterminated end tag");
        if (open.empty() || !SameName(open.back(), qname)) Fail(i, "mismatched end tag");
        open.pop_back();
        if (!handler_.EndElement(LocalName(qname))) return false;
        i = gt + 1;
        if (open.empty()) {
          *after = i;
          return true;
        }
      } else if (next == '!') {
        if (xml_.compare(i, 4, "<!--") == 0) {
          i = Comment(i);
        } else if (xml_.compare(i, 9, "<![CDATA[") == 0) {
          const std::size_t end = xml_.find("]]>", i + 9);
          if (end == std::string_view::npos) Fail(i, "unterminated CDATA section");
          CheckChars(i + 9, end);
          std::string_view data = xml_.substr(i + 9, end - i - 9);
          if (data.find('\r') != std::string_view::npos) {
            scratch_.clear();
            for (std::size_t k = 0; k < data.size(); ++k) {
              if (data[k] != '\r') {
                scratch_.push_back(data[k]);
              } else if (k + 1 >= data.size() || data[k + 1] != '\n') {
                scratch_.push_back('\n');
              }
            }
            data = scratch_;
          }
          if (!data.empty() && !handler_.Characters(data)) return false;
          i = end + 3;
        } else if (xml_.compare(i, 9, "<!DOCTYPE") == 0) {
          Fail(i, "DOCTYPE inside the document");
        } else {
          Fail(i, "bad markup declaration");
        }
      } else if (next == '?') {
        i = ProcessingInstruction(i);
      } else {
        std::string_view qname;
        bool empty = false;
        const std::size_t end = StartTag(i, &qname, &empty);
        if ((++elements_ & 0xFFF) == 0 && budget_.Expired()) {
          throw Failure{FileError{ErrorCode::kLimit,
                                  "time limit reached while reading " + std::string(part_)}};
        }
        const std::string_view local = LocalName(qname);
        if (!handler_.StartElement(local, attrs_)) return false;
        if (empty) {
          if (!handler_.EndElement(local)) return false;
          if (open.empty()) {
            *after = end;
            return true;
          }
        } else {
          open.push_back(qname);
        }
        i = end;
      }
    }
  }

  std::string_view xml_;
  std::string_view part_;
  XmlHandler& handler_;
  Budget& budget_;
  LeanAttributes attrs_;
  std::string scratch_;
  std::vector<std::string_view> names_;
  unsigned elements_ = 0;
};

}  // namespace

bool LeanXmlApplies(std::string_view xml) {
  if (xml.size() >= 2 &&
      ((xml[0] == '\xFF' && xml[1] == '\xFE') || (xml[0] == '\xFE' && xml[1] == '\xFF'))) {
    return false;
  }
  if (xml.size() >= 2 && (xml[0] == '\0' || xml[1] == '\0')) return false;  // UTF-16 sans BOM
  std::size_t i = xml.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  if (xml.compare(i, 5, "<?xml") != 0) return true;
  const std::size_t end = xml.find("?>", i);
  const std::string_view decl = xml.substr(i, end == std::string_view::npos ? 200 : end - i);
  const std::size_t enc = decl.find("encoding");
  if (enc == std::string_view::npos) return true;
  std::size_t q = decl.find_first_of("\"'", enc);
  if (q == std::string_view::npos) return true;  // malformed: the lean parser says so
  std::string name;
  for (std::size_t k = q + 1; k < decl.size() && decl[k] != decl[q] && name.size() < 16; ++k) {
    name.push_back(static_cast<char>(decl[k] >= 'A' && decl[k] <= 'Z' ? decl[k] + 32 : decl[k]));
  }
  return name == "utf-8";
}

std::optional<FileError> ParseLeanXml(std::string_view xml, std::string_view part,
                                      XmlHandler& handler, Budget& budget) {
  try {
    LeanParser parser(xml, part, handler, budget);
    parser.Run();
  } catch (Failure& f) {
    return std::move(f.error);
  } catch (const std::bad_alloc&) {
    return FileError{ErrorCode::kLimit, "out of memory while reading " + std::string(part)};
  }
  return std::nullopt;
}

}  // namespace doccheck
