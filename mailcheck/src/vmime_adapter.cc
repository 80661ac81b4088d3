// The calls into the MIME reader plugin (mime/plugin/mail_fields.cc holds the vmime code).
#include "vmime_adapter.h"

#include <optional>

#include "fast_path.h"
#include "mime/mime_plugin.h"

namespace mailcheck {
namespace {

const SgMimeApi& Api() {
  const mime::MimePlugin& plugin = mime::LoadMimePlugin();
  if (!plugin.api) {
    throw MimeReaderUnavailable("the MIME reader could not be loaded (" + plugin.error +
                                "): the message was not checked");
  }
  return *plugin.api;
}

void AppendTo(void* ctx, const char* data, std::size_t size) {
  static_cast<std::string*>(ctx)->append(data, size);
}

void AddMailbox(void* ctx, const SgMimeMailbox* m) {
  ParsedMailbox parsed;
  parsed.local.assign(m->local, m->local_size);
  parsed.domain.assign(m->domain, m->domain_size);
  parsed.display_name.assign(m->display_name, m->display_name_size);
  parsed.group.assign(m->group, m->group_size);
  static_cast<std::vector<ParsedMailbox>*>(ctx)->push_back(std::move(parsed));
}

void AddPart(void* ctx, const char* name, std::size_t name_size, const char* content,
             std::size_t content_size, int is_body) {
  MessagePart part;
  part.name.assign(name, name_size);
  part.content.assign(content, content_size);
  part.is_body = is_body != 0;
  static_cast<std::vector<MessagePart>*>(ctx)->push_back(std::move(part));
}

}  // namespace

std::vector<ParsedMailbox> ParseAddressList(std::string_view value, bool fast_path) {
  if (fast_path) {
    std::optional<std::vector<ParsedMailbox>> simple = ParseSimpleAddressList(value);
    if (simple) return std::move(*simple);
  }
  std::vector<ParsedMailbox> out;
  Api().parse_address_list(value.data(), value.size(), &out, AddMailbox);
  return out;
}

std::string DecodeDisplayName(std::string_view name) {
  std::string out;
  if (Api().decode_display_name(name.data(), name.size(), &out, AppendTo) != 0) {
    throw std::runtime_error(out);
  }
  return out;
}

std::string DecodeHeaderText(std::string_view value, bool fast_path) {
  if (fast_path) {
    std::optional<std::string> simple = DecodeSimpleHeaderText(value);
    if (simple) return std::move(*simple);
  }
  std::string out;
  Api().decode_header_text(value.data(), value.size(), &out, AppendTo);
  return out;
}

std::vector<MessagePart> ExtractParts(std::string_view raw_message, int max_depth,
                                      bool with_content) {
  std::vector<MessagePart> out;
  Api().extract_parts(raw_message.data(), raw_message.size(), max_depth, with_content ? 1 : 0, &out,
                      AddPart);
  return out;
}

}  // namespace mailcheck
