#include "central/console/console_time.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace central::console {
namespace {

std::string& ZoneName() {
  static std::string zone = "UTC";
  return zone;
}

bool Local(Micros t, std::tm* out) {
  const std::time_t secs = static_cast<std::time_t>(t / 1000000 - (t % 1000000 < 0 ? 1 : 0));
  return localtime_r(&secs, out) != nullptr;
}

}  // namespace

Status UseTimeZone(const std::string& zone) {
  if (zone != "UTC") {
    if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/' ||
        !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + zone)) {
      return Status::Error("--time-zone: unknown time zone '" + zone +
                           "' (expected an IANA name such as Asia/Tokyo) "
                           "(タイムゾーンが正しくありません)");
    }
  }
  setenv("TZ", zone == "UTC" ? "UTC0" : (":" + zone).c_str(), 1);
  tzset();
  ZoneName() = zone;
  return Status::Ok();
}

const std::string& CurrentTimeZone() { return ZoneName(); }

std::string LocalDateTime(Micros t) {
  std::tm tm{};
  if (!Local(t, &tm)) return "";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string LocalDate(Micros t) {
  std::tm tm{};
  if (!Local(t, &tm)) return "";
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string EraDate(int year, int month, int day) {
  // First day of each era (明治 counted from 1868-01-01, as forms do).
  struct Era {
    int y, m, d;
    const char* name;
  };
  static constexpr Era kEras[] = {{2019, 5, 1, "令和"},
                                  {1989, 1, 8, "平成"},
                                  {1926, 12, 25, "昭和"},
                                  {1912, 7, 30, "大正"},
                                  {1868, 1, 1, "明治"}};
  const long key = year * 10000L + month * 100L + day;
  for (const Era& e : kEras) {
    if (key >= e.y * 10000L + e.m * 100L + e.d) {
      const int n = year - e.y + 1;
      return std::string(e.name) + (n == 1 ? std::string("元") : std::to_string(n)) + "年";
    }
  }
  return "";
}

std::string EraYear(int year) { return EraDate(year, 12, 31); }

std::string LocalDateTimeJa(Micros t) {
  std::tm tm{};
  if (!Local(t, &tm)) return "";
  const int year = tm.tm_year + 1900;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%d年%d月%d日 (%s) %02d:%02d", year, tm.tm_mon + 1, tm.tm_mday,
                EraYear(year).c_str(), tm.tm_hour, tm.tm_min);
  return buf;
}

Micros WeekStart(Micros t) {
  std::tm tm{};
  if (!Local(t, &tm)) return t;
  tm.tm_mday -= (tm.tm_wday + 6) % 7;  // back to Monday
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  return static_cast<Micros>(std::mktime(&tm)) * 1000000;
}

std::int64_t LocalDayNumber(Micros t) {
  std::tm tm{};
  const std::int64_t secs = t / 1000000 - (t % 1000000 < 0 ? 1 : 0);
  if (!Local(t, &tm)) return secs / 86400;
  const std::int64_t local = secs + tm.tm_gmtoff;
  return local / 86400 - (local % 86400 < 0 ? 1 : 0);
}

std::optional<Micros> ParseLocalDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  y = std::atoi(std::string(text.substr(0, 4)).c_str());
  m = std::atoi(std::string(text.substr(5, 2)).c_str());
  d = std::atoi(std::string(text.substr(8, 2)).c_str());
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1970) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_isdst = -1;
  const std::time_t secs = std::mktime(&tm);
  if (secs == static_cast<std::time_t>(-1) || tm.tm_mday != d) return std::nullopt;
  return static_cast<Micros>(secs) * 1000000;
}

}  // namespace central::console
