// Times as the console shows them: in the town's time zone (the process's TZ, set once by
// UseTimeZone before any thread starts; Asia/Tokyo by default), with the Japanese era
// beside the Western year where a form needs it (令和8年). Thread-safe after UseTimeZone.
#ifndef CENTRAL_CONSOLE_CONSOLE_TIME_H_
#define CENTRAL_CONSOLE_CONSOLE_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "central/result.h"
#include "central/time_format.h"

namespace central::console {

inline constexpr char kDefaultTimeZone[] = "Asia/Tokyo";

// Sets the process's time zone (an IANA name found under /usr/share/zoneinfo, or "UTC").
// Call before starting threads.
Status UseTimeZone(const std::string& zone);
const std::string& CurrentTimeZone();

// "2026-12-02 19:38:34" in the zone.
std::string LocalDateTime(Micros t);
// "2026-12-02" in the zone.
std::string LocalDate(Micros t);
// "2026年12月2日 (令和8年) 19:38" in the zone.
std::string LocalDateTimeJa(Micros t);
// "令和8年" for a Western year (明治 to 令和; the era in force on 31 December).
std::string EraYear(int year);
// The era year in force on that day: EraDate(2019, 4, 30) is "平成31年", EraDate(2019, 5, 1)
// "令和元年". Empty before 1868.
std::string EraDate(int year, int month, int day);
// Monday 00:00 in the zone of the week holding t.
Micros WeekStart(Micros t);
// The day holding t in the zone, counted from 1970-01-01 (day 0): two times share a number
// when they fall on the same local date.
std::int64_t LocalDayNumber(Micros t);
// Midnight at the start of a "YYYY-MM-DD" day in the zone; nullopt when not a date.
std::optional<Micros> ParseLocalDate(std::string_view text);

}  // namespace central::console

#endif  // CENTRAL_CONSOLE_CONSOLE_TIME_H_
