// Writers for doccheck reports: the JSON of CONTRACTS.md §1 and the human-readable text.
// Values are masked; `reveal` adds "normalized". Pure functions; thread-safe.
#ifndef DOCCHECK_REPORT_FORMAT_H_
#define DOCCHECK_REPORT_FORMAT_H_

#include <string>
#include <vector>

#include "doccheck/report.h"

namespace doccheck {

// Appends one file object ({"path", "format", "class", "findings", "errors", "children"}).
void AppendFileReportJson(const FileReport& report, bool reveal, std::string* out);

// The whole `doccheck --json` document: {"files": [...], "summary": {...}}.
std::string ReportsToJson(const std::vector<FileReport>& reports, bool reveal);

// One human-readable block per file (children indented).
void AppendFileReportText(const FileReport& report, bool reveal, std::string* out);
// "N files, M with findings, K with errors, highest class C".
std::string SummaryText(const std::vector<FileReport>& reports);

// Appends `s` as a JSON string literal (quoted and escaped).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace doccheck

#endif  // DOCCHECK_REPORT_FORMAT_H_
