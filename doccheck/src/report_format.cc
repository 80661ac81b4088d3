#include "doccheck/report_format.h"

#include <algorithm>
#include <cstdio>

namespace doccheck {
namespace {

struct Summary {
  int files = 0, with_findings = 0, errors = 0, highest = kClassNone;
};

Summary Summarize(const std::vector<FileReport>& reports) {
  Summary s;
  for (const FileReport& r : reports) {
    ++s.files;
    s.with_findings += r.HasFindings();
    s.errors += r.HasErrors();
    if (r.klass < s.highest) s.highest = r.klass;
  }
  return s;
}

void AppendLocation(const Location& l, std::string* out) {
  out->append("{\"part\":");
  if (l.part.empty())
    out->append("null");
  else
    AppendJsonString(l.part, out);
  out->append(",\"sheet\":");
  if (l.sheet.empty())
    out->append("null");
  else
    AppendJsonString(l.sheet, out);
  out->append(",\"cell\":");
  if (l.cell.empty())
    out->append("null");
  else
    AppendJsonString(l.cell, out);
  out->append(",\"page\":");
  out->append(l.page ? std::to_string(*l.page) : "null");
  out->append(",\"line\":");
  out->append(l.line ? std::to_string(*l.line) : "null");
  out->append(",\"offset\":");
  out->append(std::to_string(l.offset));
  out->push_back('}');
}

std::string LocationText(const Location& l) {
  std::string s;
  auto add = [&](const std::string& part) {
    if (!s.empty()) s += ", ";
    s += part;
  };
  if (!l.part.empty()) add(l.part);
  if (!l.sheet.empty())
    add(l.sheet + (l.cell.empty() ? "" : "!" + l.cell));
  else if (!l.cell.empty())
    add("cell " + l.cell);
  if (l.page) add("page " + std::to_string(*l.page));
  if (l.line) add("line " + std::to_string(*l.line));
  return s;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendFileReportJson(const FileReport& r, bool reveal, std::string* out) {
  out->append("{\"path\":");
  AppendJsonString(r.path, out);
  out->append(",\"format\":");
  AppendJsonString(r.format, out);
  out->append(",\"class\":");
  out->append(std::to_string(r.klass));
  out->append(",\"findings\":[");
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    if (i) out->push_back(',');
    out->append("{\"kind\":");
    AppendJsonString(KindName(f.kind), out);
    out->append(",\"value\":");
    AppendJsonString(f.masked, out);
    if (reveal) {
      out->append(",\"normalized\":");
      AppendJsonString(f.normalized, out);
    }
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", f.confidence);
    out->append(",\"confidence\":");
    out->append(conf);
    out->append(",\"location\":");
    AppendLocation(f.location, out);
    out->push_back('}');
  }
  out->append("]");
  if (r.findings_omitted > 0) {
    out->append(",\"findings_omitted\":");
    out->append(std::to_string(r.findings_omitted));
  }
  out->append(",\"errors\":[");
  for (std::size_t i = 0; i < r.errors.size(); ++i) {
    if (i) out->push_back(',');
    out->append("{\"code\":");
    AppendJsonString(ErrorCodeName(r.errors[i].code), out);
    out->append(",\"message\":");
    AppendJsonString(r.errors[i].message, out);
    out->push_back('}');
  }
  out->append("],\"children\":[");
  for (std::size_t i = 0; i < r.children.size(); ++i) {
    if (i) out->push_back(',');
    AppendFileReportJson(r.children[i], reveal, out);
  }
  out->append("]}");
}

std::string ReportsToJson(const std::vector<FileReport>& reports, bool reveal) {
  std::string out = "{\"files\":[";
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (i) out.append(",\n");
    AppendFileReportJson(reports[i], reveal, &out);
  }
  const Summary s = Summarize(reports);
  out.append("],\n\"summary\":{\"files\":" + std::to_string(s.files) + ",\"with_findings\":" +
             std::to_string(s.with_findings) + ",\"errors\":" + std::to_string(s.errors) +
             ",\"highest_class\":" + std::to_string(s.highest) + "}}\n");
  return out;
}

namespace {

void AppendText(const FileReport& r, bool reveal, int indent, std::string* out) {
  const std::string pad(indent * 2, ' ');
  *out += pad + r.path + "  [" + r.format + "]  class " + std::to_string(r.klass) +
          (r.errors.empty() ? "" : "  (not fully checked)") + "\n";
  for (const Finding& f : r.findings) {
    std::string line = pad + "  " + std::string(KindName(f.kind));
    line.resize(std::max<std::size_t>(line.size() + 1, pad.size() + 24), ' ');
    line += f.masked;
    if (reveal) line += "  (" + f.normalized + ")";
    const std::string where = LocationText(f.location);
    if (!where.empty()) line += "  at " + where;
    *out += line + "\n";
  }
  if (r.findings_omitted > 0) {
    *out += pad + "  ... and " + std::to_string(r.findings_omitted) +
            " more findings not listed (limit max_findings)\n";
  }
  for (const FileError& e : r.errors) {
    *out += pad + "  error " + std::string(ErrorCodeName(e.code)) + ": " + e.message + "\n";
  }
  for (const FileReport& c : r.children) AppendText(c, reveal, indent + 1, out);
}

}  // namespace

void AppendFileReportText(const FileReport& report, bool reveal, std::string* out) {
  AppendText(report, reveal, 0, out);
}

std::string SummaryText(const std::vector<FileReport>& reports) {
  const Summary s = Summarize(reports);
  return std::to_string(s.files) + " files, " + std::to_string(s.with_findings) +
         " with findings, " + std::to_string(s.errors) + " not fully checked, highest class " +
         std::to_string(s.highest);
}

}  // namespace doccheck
