// Decision: everything mailcheck concluded about one message — the verdict, the reasons
// (in Japanese and English), the BCC conversion, the recipients, the scan reports, and
// the exact bytes to transmit. A plain value: copyable, safe to move between threads.
#ifndef MAILCHECK_DECISION_H_
#define MAILCHECK_DECISION_H_

#include <string>
#include <vector>

#include "doccheck/report.h"
#include "mailcheck/verdict.h"

namespace mailcheck {

// The SMTP envelope. Empty fields mean "derive from the headers": the sender from From,
// the recipients from To, Cc and Bcc (groups expanded).
struct Envelope {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
};

// Where a recipient was named.
enum class RecipientField {
  kTo,
  kCc,
  kBcc,  // a Bcc header, or an envelope recipient named in no header
};
std::string_view RecipientFieldName(RecipientField field);  // "to", "cc", "bcc"

struct Recipient {
  std::string address;       // lower-case, as compared
  std::string display_name;  // decoded to UTF-8; may be empty
  RecipientField field = RecipientField::kTo;
  bool external = true;
  bool lookalike = false;   // external domain that imitates an internal one
  bool in_envelope = true;  // receives the message (is an envelope recipient)
};

// Why the verdict is what it is. `code` is stable for programs; the messages are for
// staff and name recipients, attachments and kinds (masked values only).
struct Reason {
  std::string code;  // "bcc_conversion", "lookalike_domain", "my_number", ...
  Verdict verdict = Verdict::kAllow;
  std::string message;     // English
  std::string message_ja;  // Japanese
};

struct BccConversion {
  bool applied = false;
  std::vector<std::string> moved;  // distinct lower-case To addresses moved to Bcc, in To order
  std::string to_header;           // the new To value, e.g. "undisclosed-recipients:;"
};

struct Decision {
  Verdict verdict = Verdict::kAllow;
  std::vector<Reason> reasons;  // in rule order; empty for a plain allow
  BccConversion bcc_conversion;
  std::vector<Recipient> recipients;
  std::vector<doccheck::FileReport> attachments;  // one per attachment, in message order
  std::vector<doccheck::FileReport> body_parts;   // text/plain and text/html bodies
  std::string subject;                            // decoded to UTF-8, for prompts and events
  std::string sender;                             // envelope sender (or From), lower-case
  bool bcc_header_removed = false;                // a Bcc field was dropped from transmit_bytes
  int policy_version = 0;
  // What is sent: the input with only To replaced (when converted) and Bcc removed;
  // every other byte unchanged. For kPrompt, what is sent on confirmation.
  std::string transmit_bytes;
};

}  // namespace mailcheck

#endif  // MAILCHECK_DECISION_H_
