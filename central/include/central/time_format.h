// Times as central stores and prints them: microseconds since the Unix epoch (UTC) in the
// database, RFC 3339 UTC text ("2026-11-29T14:00:00Z") on the wire and in reports.
// Pure functions; thread-safe.
#ifndef CENTRAL_TIME_FORMAT_H_
#define CENTRAL_TIME_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace central {

using Micros = std::int64_t;

// Parses RFC 3339 ("2026-11-29T14:00:00Z", "2026-11-29T23:00:00.25+09:00"; 't'/'z' and a
// space for 'T' accepted). With allow_date_only, a bare "2026-11-29" means its midnight UTC
// (for command-line ranges). At most 9 fraction digits. nullopt when the text is not such a
// time.
std::optional<Micros> ParseTime(std::string_view text, bool allow_date_only = false);

// "2026-11-29T14:00:00Z"; sub-second digits are printed only when present
// ("2026-11-29T14:00:00.250000Z").
std::string FormatTime(Micros t);

// The wall clock now.
Micros NowMicros();

}  // namespace central

#endif  // CENTRAL_TIME_FORMAT_H_
