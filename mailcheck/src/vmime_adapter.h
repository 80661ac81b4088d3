// The one place mailcheck reaches vmime: reading addresses out of header values,
// decoding header text, and walking the MIME tree for bodies and attachments. vmime
// itself is in the MIME reader plugin, libsendguard-mime.so (mime/mime_plugin.h), loaded
// on the first call that needs it; what the fast paths (fast_path.h) read loads nothing.
// No vmime exception gets out; when the plugin cannot be loaded, a call that needs it
// throws MimeReaderUnavailable, so that the message is never decided on what could not
// be read (Decide turns it into an error).
//
// vmime is used only to *read*. The bytes to transmit never come from vmime (see
// raw_header.h).
#ifndef MAILCHECK_VMIME_ADAPTER_H_
#define MAILCHECK_VMIME_ADAPTER_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mailcheck {

// The MIME reader plugin is needed and cannot be loaded; what() says why (English).
class MimeReaderUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One mailbox from an address header, groups expanded.
struct ParsedMailbox {
  std::string local;         // local part as written (source route removed)
  std::string domain;        // as written; empty when the address had no domain
  std::string display_name;  // decoded to UTF-8 (RFC 2047 words and raw 8-bit UTF-8)
  std::string group;         // the group's display name when it came from a group

  // "local@domain" (or "local" when there is no domain).
  std::string Address() const { return domain.empty() ? local : local + "@" + domain; }
};

// Parses an address-list field value (To, Cc, Bcc, From, Sender), folded or not.
// Groups are expanded; an empty group ("undisclosed-recipients:;") gives nothing.
// With `fast_path`, a list of plain mailboxes is read without vmime's parser
// (ParseSimpleAddressList in fast_path.h), with the same result.
std::vector<ParsedMailbox> ParseAddressList(std::string_view value, bool fast_path = true);

// A mailbox's display name as vmime's mailbox parser has it before decoding (quotes
// removed, trailing white space before '<' removed), decoded as ParseAddressList does.
// Throws std::runtime_error (with vmime's message) where vmime threw.
std::string DecodeDisplayName(std::string_view name);

// Decodes an unstructured header value (Subject) to UTF-8: unfolds it and decodes
// RFC 2047 encoded words; raw 8-bit text is taken as UTF-8 when it is valid UTF-8.
// With `fast_path`, printable ASCII without encoded words is taken as it is
// (DecodeSimpleHeaderText in fast_path.h), with the same result.
std::string DecodeHeaderText(std::string_view value, bool fast_path = true);

// A leaf of the MIME tree, decoded (transfer encoding removed).
struct MessagePart {
  std::string name;      // attachment file name (UTF-8), or "body.txt" / "body.html"
  std::string content;   // decoded bytes; text bodies converted to UTF-8 when possible
  bool is_body = false;  // an inline text/plain or text/html part without a file name
};

// Parts of `raw_message`, in message order. A message/rfc822 part is one attachment
// (doccheck reads it as EML). `max_depth` bounds nested multiparts.
// With `with_content` false the parts are only listed (names, body or attachment), not
// decoded: for a decision that needs no scan.
std::vector<MessagePart> ExtractParts(std::string_view raw_message, int max_depth = 16,
                                      bool with_content = true);

}  // namespace mailcheck

#endif  // MAILCHECK_VMIME_ADAPTER_H_
