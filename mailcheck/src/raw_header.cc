#include "raw_header.h"

namespace mailcheck {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// The line starting at `pos`: [pos, content_end) is its text, [content_end, next) its
// line ending.
struct Line {
  std::size_t begin;
  std::size_t content_end;
  std::size_t next;
};

Line LineAt(std::string_view s, std::size_t pos) {
  std::size_t nl = s.find('\n', pos);
  if (nl == std::string_view::npos) return {pos, s.size(), s.size()};
  std::size_t content_end = (nl > pos && s[nl - 1] == '\r') ? nl - 1 : nl;
  return {pos, content_end, nl + 1};
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsWsp(s.back())) s.remove_suffix(1);
  return s;
}

// Fills name/value of a field whose first line is `first` and whose bytes end (before
// the final line ending) at `content_end`.
void NameAndValue(std::string_view message, std::size_t begin, std::size_t first_line_end,
                  std::size_t content_end, RawField* field) {
  std::string_view first = message.substr(begin, first_line_end - begin);
  std::size_t colon = first.find(':');
  if (colon == std::string_view::npos || colon == 0) return;  // not a field
  std::string_view name = TrimRight(first.substr(0, colon));
  for (char c : name) {
    // Field names are printable ASCII without spaces (RFC 5322 ftext).
    if (static_cast<unsigned char>(c) <= 32 || static_cast<unsigned char>(c) >= 127) return;
  }
  if (name.empty()) return;
  field->name = name;
  field->value = message.substr(begin + colon + 1, content_end - (begin + colon + 1));
}

}  // namespace

RawHeader SplitHeader(std::string_view message) {
  RawHeader header;
  std::size_t pos = 0;
  while (pos < message.size()) {
    Line line = LineAt(message, pos);
    if (line.content_end == line.begin) {  // the blank line that ends the header block
      header.body_offset = line.next;
      return header;
    }
    RawField field;
    field.begin = pos;
    std::size_t content_end = line.content_end;
    std::size_t next = line.next;
    // A first line that starts with white space cannot continue anything: it stays alone.
    if (!IsWsp(message[pos])) {
      while (next < message.size() && IsWsp(message[next])) {
        Line cont = LineAt(message, next);
        content_end = cont.content_end;
        next = cont.next;
      }
    }
    field.end = next;
    field.line_ending = message.substr(content_end, next - content_end);
    NameAndValue(message, pos, line.content_end, content_end, &field);
    header.fields.push_back(field);
    pos = next;
  }
  header.body_offset = message.size();
  return header;
}

bool FieldNameIs(const RawField& field, std::string_view name) {
  if (field.name.size() != name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (AsciiLower(field.name[i]) != AsciiLower(name[i])) return false;
  }
  return true;
}

std::string UnfoldValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n') continue;
    if (c == '\n') continue;
    out.push_back(c);
  }
  return out;
}

std::string RewriteHeader(std::string_view message, const RawHeader& header,
                          const HeaderEdit& edit) {
  std::string out;
  out.reserve(message.size() + 64);
  std::size_t copied = 0;  // bytes of `message` already accounted for
  bool to_written = false;
  for (const RawField& field : header.fields) {
    bool is_to = edit.new_to.has_value() && FieldNameIs(field, "To");
    bool is_bcc = edit.remove_bcc && FieldNameIs(field, "Bcc");
    if (!is_to && !is_bcc) continue;
    out.append(message.substr(copied, field.begin - copied));
    copied = field.end;
    if (is_to && !to_written) {
      out.append("To: ");
      out.append(*edit.new_to);
      // A field that ran to the end of input without a line ending still needs one when
      // anything follows it; at the very end the original shape is kept.
      out.append(field.line_ending);
      to_written = true;
    }
  }
  out.append(message.substr(copied));
  return out;
}

}  // namespace mailcheck
