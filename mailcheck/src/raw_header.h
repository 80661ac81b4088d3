// RawHeader: the header block of a message as raw bytes, split into fields without
// decoding or re-folding anything, and the surgical rewrite that edits only To and Bcc.
//
// This is what keeps mailcheck byte-preserving: vmime re-generation changes most real
// messages, so the bytes to transmit are produced here from the original input.
#ifndef MAILCHECK_RAW_HEADER_H_
#define MAILCHECK_RAW_HEADER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailcheck {

// One header field exactly as written: its first line, continuation lines and their
// line endings are the bytes [begin, end) of the message.
struct RawField {
  std::string_view name;   // trimmed field name ("To"); empty for a line that is not a field
  std::string_view value;  // everything after the colon up to the final line ending
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string_view line_ending;  // "\r\n", "\n", or "" when the input ends inside the field
};

struct RawHeader {
  std::vector<RawField> fields;  // in message order
  std::size_t body_offset = 0;   // first byte after the blank line (message size if none)
};

// Splits the header block of `message`. Never fails: lines that are not fields (an mbox
// "From " line, garbage) become RawFields with an empty name and are kept as they are.
// The views point into `message`.
RawHeader SplitHeader(std::string_view message);

// True when the field's name equals `name`, ignoring ASCII case.
bool FieldNameIs(const RawField& field, std::string_view name);

// The value with folding removed (CRLF/LF before white space dropped).
std::string UnfoldValue(std::string_view value);

// The header edits mailcheck makes.
struct HeaderEdit {
  // When set, the first To field becomes "To: " + *new_to + its own line ending, and any
  // further To fields are dropped.
  std::optional<std::string> new_to;
  bool remove_bcc = true;  // drop every Bcc field, continuation lines included
};

// `message` with `edit` applied; every other byte is copied unchanged.
std::string RewriteHeader(std::string_view message, const RawHeader& header,
                          const HeaderEdit& edit);

}  // namespace mailcheck

#endif  // MAILCHECK_RAW_HEADER_H_
