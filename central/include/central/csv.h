// RFC 4180 CSV writing, for reports admins open in a spreadsheet. Pure; thread-safe.
#ifndef CENTRAL_CSV_H_
#define CENTRAL_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "central/store.h"

namespace central {

// One field: quoted (with quotes doubled) when it holds a comma, quote, CR or LF, or
// starts or ends with a space; as is otherwise. A field a spreadsheet would run as a
// formula (starting with = + - @, tab or CR) gets a leading apostrophe.
std::string CsvField(std::string_view field);

// One record ending in CRLF.
std::string CsvRecord(const std::vector<std::string>& fields);

// The access report: header "time,who,action,result,peer" and one record per entry.
std::string AccessRecordsCsv(const std::vector<AccessRecord>& records);

}  // namespace central

#endif  // CENTRAL_CSV_H_
