// doccheck's EML reader (doccheck/src/extract/eml.cc calls it through the plugin's table):
// the subject (part "header"), the body text decoded from its declared charset (part
// "body"; raw bytes for the text layer when the charset is missing or unknown), and every
// attachment, HTML body and attached message as an embedded document named by its decoded
// file name (RFC 2047 / RFC 2231). In multipart/alternative only the plain-text version
// is read, so that nothing is counted twice. vmime's exceptions stop here.
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ustring.h>

#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>
#include <vmime/contentDispositionField.hpp>
#include <vmime/contentTypeField.hpp>
#include <vmime/vmime.hpp>

#include "readers.h"

namespace mime_plugin {
namespace {

bool IsValidUtf8(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(nullptr, 0, &length, s.data(), static_cast<int32_t>(s.size()), &status);
  return status == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(status);
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// ICU's name for a charset label seen in mail. Shift_JIS labels mean CP932 in practice.
std::string IcuCharsetName(std::string label) {
  for (char& c : label) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (label == "shift_jis" || label == "shift-jis" || label == "x-sjis" || label == "sjis" ||
      label == "cp932" || label == "ms932") {
    return "windows-31j";
  }
  return label;
}

// ISO-2022 text with an escape sequence directly followed by another (what joined
// encoded words give: "ESC ( B ESC $ B"), which ICU rejects, without the redundant one.
std::string DropRedundantEscapes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\x1b' && i + 3 < bytes.size() && bytes[i + 1] == '(' &&
        bytes[i + 3] == '\x1b') {
      i += 2;  // skip "ESC ( X"; the next escape takes effect instead
      continue;
    }
    out.push_back(bytes[i]);
  }
  return out;
}

// Converts `bytes` in `charset` to UTF-8. False when the charset is unknown or the bytes
// are not valid in it (nothing is substituted silently).
bool ToUtf8(std::string_view bytes, const std::string& charset, std::string* out) {
  if (bytes.size() > (1u << 30)) return false;
  std::string name = IcuCharsetName(charset);
  if (name == "utf-8" || name == "utf8" ||
      ((name == "us-ascii" || name.empty()) && IsAscii(bytes))) {
    if (!IsValidUtf8(bytes)) return false;
    out->assign(bytes);
    return true;
  }
  std::string cleaned;
  if (name.rfind("iso-2022", 0) == 0) {
    cleaned = DropRedundantEscapes(bytes);
    bytes = cleaned;
  }
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(name.c_str(), &status);
  if (U_FAILURE(status)) return false;
  std::unique_ptr<UConverter, void (*)(UConverter*)> closer(conv, ucnv_close);
  ucnv_setToUCallBack(conv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::vector<UChar> utf16(bytes.size() + 16);
  int32_t n = ucnv_toUChars(conv, utf16.data(), static_cast<int32_t>(utf16.size()), bytes.data(),
                            static_cast<int32_t>(bytes.size()), &status);
  if (U_FAILURE(status)) return false;
  int32_t length = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(nullptr, 0, &length, utf16.data(), n, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return false;
  out->assign(static_cast<std::size_t>(length), '\0');
  status = U_ZERO_ERROR;
  u_strToUTF8(out->data(), length, nullptr, utf16.data(), n, &status);
  return U_SUCCESS(status);
}

// One RFC 2047 word as UTF-8. Raw 8-bit header text (which vmime labels us-ascii) is
// taken as UTF-8 when valid, else as CP932.
std::string WordToUtf8(const vmime::word& word) {
  const std::string& buffer = word.getBuffer();
  std::string out;
  if (ToUtf8(buffer, word.getCharset().getName(), &out)) return out;
  if (IsValidUtf8(buffer)) return buffer;
  if (ToUtf8(buffer, "windows-31j", &out)) return out;
  out = buffer;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return out;
}

std::string TextToUtf8(const vmime::text& text) {
  std::string out;
  for (std::size_t i = 0; i < text.getWordCount(); ++i) out += WordToUtf8(*text.getWordAt(i));
  return out;
}

// A file name safe to use as the last segment of a child path.
std::string SafeFileName(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '!' || static_cast<unsigned char>(c) < 0x20) c = '_';
  }
  while (!name.empty() && (name.front() == '.' || name.front() == ' ')) name.erase(0, 1);
  if (name.size() > 200) name.resize(200);
  return name;
}

std::string ExtensionFor(const vmime::mediaType& type) {
  const std::string t = type.getType(), s = type.getSubType();
  if (t == "text" && s == "html") return ".html";
  if (t == "text" && s == "csv") return ".csv";
  if (t == "text") return ".txt";
  if (t == "message" && s == "rfc822") return ".eml";
  if (s == "pdf") return ".pdf";
  if (s == "zip" || s == "x-zip-compressed") return ".zip";
  return ".bin";
}

class MailWalker {
 public:
  explicit MailWalker(const SgEmlSink& sink) : sink_(sink) {}

  void Header(const vmime::header& header) {
    std::string text;
    // Only the subject: it is content the sender wrote. The addresses are the message's
    // routing (mailcheck's business); read as text they would make every mail with named
    // recipients look like a list of people.
    for (const char* name : {"Subject"}) {
      for (const auto& field : header.getFieldList()) {
        if (!vmime::utility::stringUtils::isStringEqualNoCase(field->getName(), name)) continue;
        std::string raw = field->getValue()->generate();
        auto decoded = vmime::text::decodeAndUnfold(raw);
        text += name;
        text += ": ";
        text += TextToUtf8(*decoded);
        text += '\n';
      }
    }
    if (text.empty()) return;
    Emit(text, false, "header");
  }

  void Walk(const vmime::bodyPart& part, int depth) {
    if (stopped_) return;
    if (depth > 64) {
      Error(SG_EML_LIMIT, "MIME structure is nested too deeply");
      return;
    }
    const vmime::header& header = *part.getHeader();
    const vmime::body& body = *part.getBody();
    vmime::mediaType type(vmime::mediaTypes::TEXT, vmime::mediaTypes::TEXT_PLAIN);
    std::string charset;
    std::string name;
    auto content_type = header.findField<vmime::contentTypeField>(vmime::fields::CONTENT_TYPE);
    if (content_type) {
      type = *content_type->getValue<vmime::mediaType>();
      if (auto p = content_type->findParameter("charset")) charset = p->getValue().getBuffer();
      if (auto p = content_type->findParameter("name")) name = WordToUtf8(p->getValue());
    }
    bool attachment = false;
    auto disposition =
        header.findField<vmime::contentDispositionField>(vmime::fields::CONTENT_DISPOSITION);
    if (disposition) {
      attachment = disposition->getValue<vmime::contentDisposition>()->getName() ==
                   vmime::contentDispositionTypes::ATTACHMENT;
      if (auto p = disposition->findParameter("filename")) name = WordToUtf8(p->getValue());
    }

    if (type.getType() == vmime::mediaTypes::MULTIPART && body.getPartCount() > 0) {
      const std::size_t count = body.getPartCount();
      if (type.getSubType() == vmime::mediaTypes::MULTIPART_ALTERNATIVE) {
        for (std::size_t i = 0; i < count; ++i) {
          const vmime::bodyPart& child = *body.getPartAt(i);
          auto ct =
              child.getHeader()->findField<vmime::contentTypeField>(vmime::fields::CONTENT_TYPE);
          if (ct && ct->getValue<vmime::mediaType>()->getType() == vmime::mediaTypes::TEXT &&
              ct->getValue<vmime::mediaType>()->getSubType() == vmime::mediaTypes::TEXT_PLAIN) {
            Walk(child, depth + 1);
            return;
          }
        }
      }
      for (std::size_t i = 0; i < count && !stopped_; ++i) Walk(*body.getPartAt(i), depth + 1);
      return;
    }

    std::string data;
    if (!Decode(body, &data)) return;
    const bool is_text = type.getType() == vmime::mediaTypes::TEXT;
    if (is_text && type.getSubType() == vmime::mediaTypes::TEXT_PLAIN && !attachment &&
        name.empty()) {
      std::string utf8;
      if (!charset.empty() && ToUtf8(data, charset, &utf8)) {
        Emit(utf8, false, "body");
      } else if (charset.empty() && IsAscii(data)) {
        Emit(data, false, "body");
      } else {
        Emit(data, true, "body");
      }
      return;
    }
    ++attachments_;
    name = SafeFileName(name);
    if (name.empty()) {
      name = (is_text && type.getSubType() == vmime::mediaTypes::TEXT_HTML && !attachment
                  ? "body-"
                  : "attachment-") +
             std::to_string(attachments_) + ExtensionFor(type);
    }
    sink_.embedded(sink_.ctx, name.data(), name.size(), data.data(), data.size());
  }

 private:
  bool Decode(const vmime::body& body, std::string* out) {
    vmime::utility::outputStreamStringAdapter os(*out);
    body.getContents()->extract(os);
    os.flush();
    if (out->size() > sink_.max_part_bytes) {
      Error(SG_EML_LIMIT, "a MIME part is larger than the limit");
      return false;
    }
    if (!sink_.charge(sink_.ctx, out->size()) || sink_.expired(sink_.ctx)) {
      Error(SG_EML_LIMIT, "mail is over the size or time limit");
      return false;
    }
    return true;
  }

  void Emit(std::string_view text, bool raw, const char* part) {
    sink_.text(sink_.ctx, part, raw ? 1 : 0, text.data(), text.size());
  }

  void Error(int code, const std::string& message) {
    if (code == SG_EML_LIMIT) stopped_ = true;
    sink_.error(sink_.ctx, code, message.c_str());
  }

  const SgEmlSink& sink_;
  int attachments_ = 0;
  bool stopped_ = false;
};

}  // namespace

void ReadEml(const char* data, std::size_t size, const SgEmlSink& sink) {
  try {
    vmime::message message;
    message.parse(vmime::string(data, size));
    MailWalker walker(sink);
    walker.Header(*message.getHeader());
    walker.Walk(message, 0);
  } catch (const std::bad_alloc&) {
    sink.error(sink.ctx, SG_EML_LIMIT, "out of memory while reading the mail");
  } catch (const std::exception&) {
    sink.error(sink.ctx, SG_EML_CORRUPT, "mail could not be parsed");
  } catch (...) {
    sink.error(sink.ctx, SG_EML_CORRUPT, "mail could not be parsed");
  }
}

}  // namespace mime_plugin
