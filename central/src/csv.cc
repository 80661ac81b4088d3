#include "central/csv.h"

namespace central {

std::string CsvField(std::string_view field) {
  // A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a
  // formula: such text (a request path, an agent's name) is written as text instead.
  std::string guarded;
  if (!field.empty() &&
      std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos) {
    guarded = "'" + std::string(field);
    field = guarded;
  }
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

std::string AccessRecordsCsv(const std::vector<AccessRecord>& records) {
  std::string out = CsvRecord({"time", "who", "action", "result", "peer"});
  for (const AccessRecord& r : records)
    out += CsvRecord({FormatTime(r.time), r.who, r.action, std::to_string(r.result), r.peer});
  return out;
}

}  // namespace central
