// mailcheck's reading of a mail through vmime (mailcheck/src/vmime_adapter.h, which calls
// these through the plugin's table): mailboxes of an address field, decoded header text,
// the leaves of the MIME tree. Results go to the caller's callbacks as they are read, so
// what was read before vmime gave up stands, as it did when this was linked into
// mailcheck. Every vmime exception stops here.
#include <exception>
#include <mutex>
#include <string>
#include <string_view>
#include <vmime/contentDispositionField.hpp>
#include <vmime/contentTypeField.hpp>
#include <vmime/platforms/posix/posixHandler.hpp>
#include <vmime/vmime.hpp>

#include "mime/utf8.h"
#include "readers.h"

namespace mime_plugin {
namespace {

void EnsurePlatform() {
  static std::once_flag once;
  std::call_once(once,
                 [] { vmime::platform::setHandler<vmime::platforms::posix::posixHandler>(); });
}

bool IsUtf8(std::string_view s) { return mime::IsWellFormedUtf8(s); }

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
                void* ctx, SgMimeMailboxFn emit) {
  if (mbox.isEmpty()) return;
  std::string local = mbox.getEmail().getLocalName().getBuffer();
  // "<@route.example:joe@a.example>": the obsolete source route is not part of the address.
  if (!local.empty() && local[0] == '@') {
    std::size_t colon = local.rfind(':');
    local = colon == std::string::npos ? std::string() : local.substr(colon + 1);
  }
  if (local.empty()) return;
  std::string domain = mbox.getEmail().getDomainName().getBuffer();
  // vmime fills in the local host name when an address has no domain; keep only a
  // domain that was really written.
  if (!domain.empty() && AsciiLower(value).find("@" + AsciiLower(domain)) == std::string::npos) {
    domain.clear();
  }
  const std::string display_name = TextToUtf8(mbox.getName());
  const SgMimeMailbox m{local.data(),        local.size(),        domain.data(), domain.size(),
                        display_name.data(), display_name.size(), group.data(),  group.size()};
  emit(ctx, &m);
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

// Hands each leaf to `emit` as it is read; `count` is the number handed so far.
void Walk(const vmime::bodyPart& part, int depth, int max_depth, bool with_content,
          std::size_t* count, void* ctx, SgMimePartFn emit) {
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
      Walk(*body.getPartAt(i), depth + 1, max_depth, with_content, count, ctx, emit);
    }
    return;
  }
  std::string name = FileNameOf(header);
  std::string content;
  bool is_body = false;
  const bool text_body = major == "text" && (minor == "plain" || minor == "html");
  if (text_body && name.empty() && !IsAttachmentDisposition(header)) {
    is_body = true;
    name = minor == "html" ? "body.html" : "body.txt";
    if (with_content) content = ToUtf8(Decoded(body), CharsetOf(header));
  } else {
    if (name.empty()) {
      const bool eml = major == "message" && minor == "rfc822";
      name = "attachment-" + std::to_string(*count + 1) + (eml ? ".eml" : "");
    }
    if (with_content) content = Decoded(body);
  }
  ++*count;
  emit(ctx, name.data(), name.size(), content.data(), content.size(), is_body ? 1 : 0);
}

}  // namespace

void ParseAddressList(const char* data, std::size_t size, void* ctx, SgMimeMailboxFn emit) {
  const std::string_view value(data, size);
  EnsurePlatform();
  try {
    vmime::addressList list;
    list.parse(std::string(value));
    for (const auto& address : list.getAddressList()) {
      if (address->isGroup()) {
        auto group = vmime::dynamicCast<const vmime::mailboxGroup>(address);
        const std::string name = TextToUtf8(group->getName());
        for (const auto& mbox : group->getMailboxList()) AddMailbox(*mbox, value, name, ctx, emit);
      } else {
        AddMailbox(*vmime::dynamicCast<const vmime::mailbox>(address), value, "", ctx, emit);
      }
    }
  } catch (const vmime::exception&) {
    // Whatever was read before the failure stands; the rest of the field is unreadable.
  } catch (const std::exception&) {
  }
}

int DecodeDisplayName(const char* data, std::size_t size, void* ctx, SgMimeBytesFn out) {
  try {
    EnsurePlatform();
    vmime::text text;
    vmime::text::decodeAndUnfold(std::string(data, size), &text);
    const std::string decoded = TextToUtf8(text);
    out(ctx, decoded.data(), decoded.size());
    return 0;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    out(ctx, what.data(), what.size());
  } catch (...) {
    const std::string what = "the display name could not be decoded";
    out(ctx, what.data(), what.size());
  }
  return 1;
}

void DecodeHeaderText(const char* data, std::size_t size, void* ctx, SgMimeBytesFn out) {
  const std::string_view value(data, size);
  std::string result;
  EnsurePlatform();
  std::string unfolded;
  for (char c : value) {
    if (c != '\r' && c != '\n') unfolded.push_back(c);
  }
  try {
    vmime::text text;
    text.parse(unfolded);
    std::string decoded = TextToUtf8(text);
    std::size_t start = decoded.find_first_not_of(" \t");
    if (start != std::string::npos) result = decoded.substr(start);
  } catch (const vmime::exception&) {
    if (IsUtf8(unfolded)) result = unfolded;
  } catch (const std::exception&) {
  }
  out(ctx, result.data(), result.size());
}

void ExtractParts(const char* data, std::size_t size, int max_depth, int with_content, void* ctx,
                  SgMimePartFn emit) {
  EnsurePlatform();
  std::size_t count = 0;
  try {
    vmime::message message;
    message.parse(std::string(data, size));
    Walk(message, 0, max_depth, with_content != 0, &count, ctx, emit);
  } catch (const vmime::exception&) {
  } catch (const std::exception&) {
  }
}

}  // namespace mime_plugin
