#include "vmime_adapter.h"

#include <mutex>
#include <optional>
#include <vmime/contentDispositionField.hpp>
#include <vmime/contentTypeField.hpp>
#include <vmime/platforms/posix/posixHandler.hpp>
#include <vmime/vmime.hpp>

#include "fast_path.h"

namespace mailcheck {
namespace {

void EnsurePlatform() {
  static std::once_flag once;
  std::call_once(once,
                 [] { vmime::platform::setHandler<vmime::platforms::posix::posixHandler>(); });
}

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsUtf8(std::string_view s) {
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

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// One vmime word in UTF-8. vmime reads raw 8-bit header text as us-ascii; such text is
// taken as UTF-8 (what mail clients write) when it is valid UTF-8.
std::string WordToUtf8(const vmime::word& word) {
  const std::string& buffer = word.getBuffer();
  const vmime::charset& cs = word.getCharset();
  const std::string name = AsciiLower(cs.getName());
  if (name == "us-ascii" || name == "unknown-8bit" || name == "utf-8" || name == "utf8") {
    return IsUtf8(buffer) ? buffer : std::string();
  }
  try {
    return word.getConvertedText(vmime::charset(vmime::charsets::UTF_8));
  } catch (const vmime::exception&) {
    return IsUtf8(buffer) ? buffer : std::string();
  }
}

std::string TextToUtf8(const vmime::text& text) {
  std::string out;
  for (const auto& word : text.getWordList()) out += WordToUtf8(*word);
  return out;
}

void AddMailbox(const vmime::mailbox& mbox, std::string_view value, const std::string& group,
                std::vector<ParsedMailbox>* out) {
  if (mbox.isEmpty()) return;
  ParsedMailbox parsed;
  parsed.local = mbox.getEmail().getLocalName().getBuffer();
  // "<@route.example:joe@a.example>": the obsolete source route is not part of the address.
  if (!parsed.local.empty() && parsed.local[0] == '@') {
    std::size_t colon = parsed.local.rfind(':');
    parsed.local = colon == std::string::npos ? std::string() : parsed.local.substr(colon + 1);
  }
  if (parsed.local.empty()) return;
  parsed.domain = mbox.getEmail().getDomainName().getBuffer();
  // vmime fills in the local host name when an address has no domain; keep only a
  // domain that was really written.
  if (!parsed.domain.empty() &&
      AsciiLower(value).find("@" + AsciiLower(parsed.domain)) == std::string::npos) {
    parsed.domain.clear();
  }
  parsed.display_name = TextToUtf8(mbox.getName());
  parsed.group = group;
  out->push_back(std::move(parsed));
}

std::string FileNameOf(const vmime::header& header) {
  try {
    auto disposition =
        header.findField<vmime::contentDispositionField>(vmime::fields::CONTENT_DISPOSITION);
    if (disposition && disposition->hasFilename()) {
      std::string name = WordToUtf8(disposition->getFilename());
      if (!name.empty()) return name;
    }
    auto type = header.findField<vmime::contentTypeField>(vmime::fields::CONTENT_TYPE);
    if (type && type->hasParameter("name")) {
      std::string name = WordToUtf8(type->findParameter("name")->getValue());
      if (!name.empty()) return name;
    }
  } catch (const vmime::exception&) {
  }
  return std::string();
}

bool IsAttachmentDisposition(const vmime::header& header) {
  try {
    auto disposition =
        header.findField<vmime::contentDispositionField>(vmime::fields::CONTENT_DISPOSITION);
    if (!disposition) return false;
    auto value = disposition->getValue<vmime::contentDisposition>();
    return value && AsciiLower(value->getName()) == "attachment";
  } catch (const vmime::exception&) {
    return false;
  }
}

std::string CharsetOf(const vmime::header& header) {
  try {
    auto type = header.findField<vmime::contentTypeField>(vmime::fields::CONTENT_TYPE);
    if (type && type->hasParameter("charset")) {
      return type->findParameter("charset")->getValue().getBuffer();
    }
  } catch (const vmime::exception&) {
  }
  return std::string();
}

std::string Decoded(const vmime::body& body) {
  std::string out;
  vmime::utility::outputStreamStringAdapter stream(out);
  try {
    body.getContents()->extract(stream);
  } catch (const vmime::exception&) {
    out.clear();
    try {
      body.getContents()->extractRaw(stream);  // undecodable: scan what is there
    } catch (const vmime::exception&) {
    }
  }
  stream.flush();
  return out;
}

std::string ToUtf8(const std::string& bytes, const std::string& charset) {
  const std::string lower = AsciiLower(charset);
  if (lower.empty() || lower == "utf-8" || lower == "utf8") return bytes;
  // ISO-2022-JP is 7-bit: ASCII bytes alone do not mean the text needs no conversion.
  if (lower == "us-ascii" && IsUtf8(bytes)) return bytes;
  try {
    std::string out;
    vmime::charset::convert(bytes, out, vmime::charset(charset),
                            vmime::charset(vmime::charsets::UTF_8));
    return out;
  } catch (const vmime::exception&) {
    return bytes;  // doccheck detects the encoding itself
  }
}

void Walk(const vmime::bodyPart& part, int depth, int max_depth, bool with_content,
          std::vector<MessagePart>* out) {
  const vmime::header& header = *part.getHeader();
  const vmime::body& body = *part.getBody();
  vmime::mediaType type(vmime::mediaTypes::TEXT, vmime::mediaTypes::TEXT_PLAIN);
  auto type_field = header.findField<vmime::contentTypeField>(vmime::fields::CONTENT_TYPE);
  if (type_field) {
    auto value = type_field->getValue<vmime::mediaType>();
    if (value) type = *value;
  }
  const std::string major = AsciiLower(type.getType());
  const std::string minor = AsciiLower(type.getSubType());
  if (major == "multipart" || body.getPartCount() > 0) {
    if (depth >= max_depth) return;
    for (std::size_t i = 0; i < body.getPartCount(); ++i) {
      Walk(*body.getPartAt(i), depth + 1, max_depth, with_content, out);
    }
    return;
  }
  MessagePart leaf;
  leaf.name = FileNameOf(header);
  const bool text_body = major == "text" && (minor == "plain" || minor == "html");
  if (text_body && leaf.name.empty() && !IsAttachmentDisposition(header)) {
    leaf.is_body = true;
    leaf.name = minor == "html" ? "body.html" : "body.txt";
    if (with_content) leaf.content = ToUtf8(Decoded(body), CharsetOf(header));
  } else {
    if (leaf.name.empty()) {
      const bool eml = major == "message" && minor == "rfc822";
      leaf.name = "attachment-" + std::to_string(out->size() + 1) + (eml ? ".eml" : "");
    }
    if (with_content) leaf.content = Decoded(body);
  }
  out->push_back(std::move(leaf));
}

}  // namespace

std::vector<ParsedMailbox> ParseAddressList(std::string_view value, bool fast_path) {
  if (fast_path) {
    std::optional<std::vector<ParsedMailbox>> simple = ParseSimpleAddressList(value);
    if (simple) return std::move(*simple);
  }
  EnsurePlatform();
  std::vector<ParsedMailbox> out;
  try {
    vmime::addressList list;
    list.parse(std::string(value));
    for (const auto& address : list.getAddressList()) {
      if (address->isGroup()) {
        auto group = vmime::dynamicCast<const vmime::mailboxGroup>(address);
        const std::string name = TextToUtf8(group->getName());
        for (const auto& mbox : group->getMailboxList()) AddMailbox(*mbox, value, name, &out);
      } else {
        AddMailbox(*vmime::dynamicCast<const vmime::mailbox>(address), value, "", &out);
      }
    }
  } catch (const vmime::exception&) {
    // Whatever was read before the failure stands; the rest of the field is unreadable.
  } catch (const std::exception&) {
  }
  return out;
}

std::string DecodeDisplayName(std::string_view name) {
  EnsurePlatform();
  vmime::text text;
  vmime::text::decodeAndUnfold(std::string(name), &text);
  return TextToUtf8(text);
}

std::string DecodeHeaderText(std::string_view value, bool fast_path) {
  if (fast_path) {
    std::optional<std::string> simple = DecodeSimpleHeaderText(value);
    if (simple) return std::move(*simple);
  }
  EnsurePlatform();
  std::string unfolded;
  for (char c : value) {
    if (c != '\r' && c != '\n') unfolded.push_back(c);
  }
  try {
    vmime::text text;
    text.parse(unfolded);
    std::string out = TextToUtf8(text);
    std::size_t start = out.find_first_not_of(" \t");
    return start == std::string::npos ? std::string() : out.substr(start);
  } catch (const vmime::exception&) {
    return IsUtf8(unfolded) ? unfolded : std::string();
  } catch (const std::exception&) {
    return std::string();
  }
}

std::vector<MessagePart> ExtractParts(std::string_view raw_message, int max_depth,
                                      bool with_content) {
  EnsurePlatform();
  std::vector<MessagePart> out;
  try {
    vmime::message message;
    message.parse(std::string(raw_message));
    Walk(message, 0, max_depth, with_content, &out);
  } catch (const vmime::exception&) {
  } catch (const std::exception&) {
  }
  return out;
}

}  // namespace mailcheck
