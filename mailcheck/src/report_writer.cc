#include "mailcheck/report_writer.h"

#include <cstdio>

#include "doccheck/report_format.h"

namespace mailcheck {
namespace {

// Appends `s` as a JSON string literal. Invalid UTF-8 bytes become U+FFFD so the
// document always parses.
void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          *out += "\\\"";
          break;
        case '\\':
          *out += "\\\\";
          break;
        case '\n':
          *out += "\\n";
          break;
        case '\r':
          *out += "\\r";
          break;
        case '\t':
          *out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            *out += buf;
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (ok) {
      out->append(s.substr(i, len));
      i += len;
    } else {
      *out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out->push_back('"');
}

void AppendKey(std::string_view key, std::string* out) {
  AppendString(key, out);
  out->push_back(':');
}

// The doccheck file object, written by doccheck itself so both CLIs print one shape.
// Values stay masked: mailcheck output never reveals.
void AppendReport(const doccheck::FileReport& report, std::string* out) {
  doccheck::AppendFileReportJson(report, /*reveal=*/false, out);
}

// Findings in `report` and all its children.
std::size_t TotalFindings(const doccheck::FileReport& report) {
  std::size_t n = report.findings.size();
  for (const doccheck::FileReport& child : report.children) n += TotalFindings(child);
  return n;
}

void AppendStringArray(const std::vector<std::string>& items, std::string* out) {
  *out += "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) *out += ",";
    AppendString(items[i], out);
  }
  *out += "]";
}

std::string_view VerdictJa(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow:
      return "送信できます";
    case Verdict::kConvert:
      return "宛先を Bcc に移して送信します";
    case Verdict::kPrompt:
      return "送信前に確認が必要です";
    case Verdict::kBlock:
      return "送信できません";
  }
  return "送信できません";
}

std::string_view VerdictEn(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAllow:
      return "can be sent as it is";
    case Verdict::kConvert:
      return "will be sent with To moved to Bcc";
    case Verdict::kPrompt:
      return "needs your confirmation before it is sent";
    case Verdict::kBlock:
      return "cannot be sent";
  }
  return "cannot be sent";
}

}  // namespace

std::string FileReportToJson(const doccheck::FileReport& report) {
  std::string out;
  AppendReport(report, &out);
  return out;
}

std::string DecisionToJson(const Decision& d) {
  std::string out;
  out.reserve(1024);
  out += "{";
  AppendKey("verdict", &out);
  AppendString(VerdictName(d.verdict), &out);
  out += ",\n ";
  AppendKey("reasons", &out);
  out += "[";
  for (std::size_t i = 0; i < d.reasons.size(); ++i) {
    const Reason& r = d.reasons[i];
    out += i > 0 ? ",\n  {" : "\n  {";
    AppendKey("code", &out);
    AppendString(r.code, &out);
    out += ",";
    AppendKey("verdict", &out);
    AppendString(VerdictName(r.verdict), &out);
    out += ",";
    AppendKey("message", &out);
    AppendString(r.message, &out);
    out += ",";
    AppendKey("message_ja", &out);
    AppendString(r.message_ja, &out);
    out += "}";
  }
  out += "],\n ";
  AppendKey("bcc_conversion", &out);
  out += "{";
  AppendKey("applied", &out);
  out += d.bcc_conversion.applied ? "true" : "false";
  out += ",";
  AppendKey("moved", &out);
  AppendStringArray(d.bcc_conversion.moved, &out);
  out += ",";
  AppendKey("to_header", &out);
  if (d.bcc_conversion.applied) {
    AppendString(d.bcc_conversion.to_header, &out);
  } else {
    out += "null";
  }
  out += "},\n ";
  AppendKey("bcc_header_removed", &out);
  out += d.bcc_header_removed ? "true" : "false";
  out += ",\n ";
  AppendKey("recipients", &out);
  out += "[";
  for (std::size_t i = 0; i < d.recipients.size(); ++i) {
    const Recipient& r = d.recipients[i];
    out += i > 0 ? ",\n  {" : "\n  {";
    AppendKey("address", &out);
    AppendString(r.address, &out);
    out += ",";
    AppendKey("name", &out);
    AppendString(r.display_name, &out);
    out += ",";
    AppendKey("field", &out);
    AppendString(RecipientFieldName(r.field), &out);
    out += ",";
    AppendKey("external", &out);
    out += r.external ? "true" : "false";
    out += ",";
    AppendKey("lookalike", &out);
    out += r.lookalike ? "true" : "false";
    out += ",";
    AppendKey("envelope", &out);
    out += r.in_envelope ? "true" : "false";
    out += "}";
  }
  out += "],\n ";
  AppendKey("attachments", &out);
  out += "[";
  for (std::size_t i = 0; i < d.attachments.size(); ++i) {
    out += i > 0 ? ",\n  " : "\n  ";
    AppendReport(d.attachments[i], &out);
  }
  out += "],\n ";
  AppendKey("body_parts", &out);
  out += "[";
  for (std::size_t i = 0; i < d.body_parts.size(); ++i) {
    out += i > 0 ? ",\n  " : "\n  ";
    AppendReport(d.body_parts[i], &out);
  }
  out += "],\n ";
  AppendKey("subject", &out);
  AppendString(d.subject, &out);
  out += ",\n ";
  AppendKey("sender", &out);
  AppendString(d.sender, &out);
  out += ",\n ";
  AppendKey("policy_version", &out);
  out += std::to_string(d.policy_version);
  out += "}\n";
  return out;
}

std::string DecisionToText(const Decision& d) {
  std::string out;
  out += "判定 / verdict: " + std::string(VerdictName(d.verdict)) + " — " +
         std::string(VerdictJa(d.verdict)) + " / " + std::string(VerdictEn(d.verdict)) + "\n";
  if (!d.subject.empty()) out += "件名 / subject: " + d.subject + "\n";
  for (const Reason& r : d.reasons) {
    out += "\n[" + std::string(VerdictName(r.verdict)) + "] " + r.code + "\n";
    out += "  " + r.message_ja + "\n";
    out += "  " + r.message + "\n";
  }
  if (d.bcc_conversion.applied) {
    out += "\nTo → Bcc: ";
    for (std::size_t i = 0; i < d.bcc_conversion.moved.size(); ++i) {
      out += (i > 0 ? ", " : "") + d.bcc_conversion.moved[i];
    }
    out += "\n  To: " + d.bcc_conversion.to_header + "\n";
  }
  out += "\n宛先 / recipients:\n";
  for (const Recipient& r : d.recipients) {
    out += "  " + std::string(RecipientFieldName(r.field)) + "  " + r.address + "  " +
           (r.external ? "庁外 external" : "庁内 internal") +
           (r.lookalike ? "  ⚠ 類似ドメイン look-alike" : "") +
           (r.in_envelope ? "" : "  (not in envelope)") + "\n";
  }
  if (!d.attachments.empty()) {
    out += "\n添付ファイル / attachments:\n";
    for (const doccheck::FileReport& a : d.attachments) {
      out += "  " + a.path + "  class " + std::to_string(a.klass) + ", " +
             std::to_string(TotalFindings(a)) + " finding(s)" +
             (a.HasErrors() ? ", not fully checked" : "") + "\n";
    }
  }
  return out;
}

}  // namespace mailcheck
