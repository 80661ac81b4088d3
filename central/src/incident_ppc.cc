// The national report: criteria, deadlines, the nine items.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <sstream>

#include "central/incidents/ppc_report.h"
#include "central/time_format.h"

namespace central::incidents {
namespace {

constexpr std::int64_t kDayMicros = 86400LL * 1000000;

// "YYYY-MM-DD" for a day number (days since 1970-01-01), through central's time format.
std::string CivilFromDays(std::int64_t days) { return FormatTime(days * kDayMicros).substr(0, 10); }

// The day number of "YYYY-MM-DD"; nullopt for anything else (2026-02-30 included).
std::optional<std::int64_t> Days(const std::string& date) {
  if (date.size() != 10) return std::nullopt;
  auto t = ParseTime(date, /*allow_date_only=*/true);
  if (!t || *t % kDayMicros != 0) return std::nullopt;
  const std::int64_t days = *t / kDayMicros;
  if (CivilFromDays(days) != date) return std::nullopt;
  return days;
}

PpcDeadline Deadline(std::int64_t known, int days, std::int64_t today, const std::string& sent,
                     int near) {
  PpcDeadline out;
  out.due = CivilFromDays(known + days);
  out.days_left = static_cast<int>(known + days - today);
  if (!sent.empty())
    out.state = DeadlineState::kDone;
  else if (out.days_left < 0)
    out.state = DeadlineState::kOverdue;
  else if (out.days_left <= near)
    out.state = DeadlineState::kNear;
  return out;
}

}  // namespace

PpcAnswers PpcAnswersFromJson(const std::string& json) {
  PpcAnswers a;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    auto b = [&](const char* k) -> std::optional<bool> {
      if (!o->has(k) || o->get(k).isEmpty()) return std::nullopt;
      return o->getValue<bool>(k);
    };
    a.sensitive = b("sensitive");
    a.financial = b("financial");
    a.improper = b("improper");
    if (o->has("persons") && !o->get("persons").isEmpty())
      a.persons = o->getValue<Poco::Int64>("persons");
    a.prompt_sent_on = o->optValue<std::string>("prompt_sent_on", "");
    a.final_sent_on = o->optValue<std::string>("final_sent_on", "");
  } catch (const Poco::Exception&) {
  }
  return a;
}

std::string PpcAnswersToJson(const PpcAnswers& a) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  auto b = [&](const char* k, const std::optional<bool>& v) {
    if (v)
      o.set(k, *v);
    else
      o.set(k, Poco::Dynamic::Var());
  };
  b("sensitive", a.sensitive);
  b("financial", a.financial);
  b("improper", a.improper);
  if (a.persons)
    o.set("persons", *a.persons);
  else
    o.set("persons", Poco::Dynamic::Var());
  o.set("prompt_sent_on", a.prompt_sent_on);
  o.set("final_sent_on", a.final_sent_on);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::optional<bool> PpcReportable(const PpcAnswers& a) {
  const bool many = a.persons && *a.persons > 100;
  if ((a.sensitive && *a.sensitive) || (a.financial && *a.financial) ||
      (a.improper && *a.improper) || many)
    return true;
  if (a.sensitive && a.financial && a.improper && a.persons) return false;
  return std::nullopt;
}

std::string AddDays(const std::string& date, int days) {
  auto d = Days(date);
  return d ? CivilFromDays(*d + days) : "";
}

std::optional<PpcDeadlines> ComputePpcDeadlines(const std::string& known_on,
                                                const std::string& today, const PpcAnswers& a) {
  auto known = Days(known_on), now = Days(today);
  if (!known || !now) return std::nullopt;
  PpcDeadlines out;
  out.final_days = a.improper && *a.improper ? kFinalReportDaysImproper : kFinalReportDays;
  out.prompt = Deadline(*known, kPromptReportDays, *now, a.prompt_sent_on, 2);
  out.final_report = Deadline(*known, out.final_days, *now, a.final_sent_on, 7);
  return out;
}

std::vector<PpcItem> PpcDraft(const std::map<std::string, std::string>& by_item) {
  static const std::pair<const char*, const char*> kItems[] = {
      {"summary", "概要"},
      {"items", "漏えい等が発生し、又は発生したおそれがある保有個人情報の項目"},
      {"persons", "漏えい等が発生し、又は発生したおそれがある保有個人情報に係る本人の数"},
      {"cause", "原因"},
      {"secondary_damage", "二次被害又はそのおそれの有無及びその内容"},
      {"victim_response", "本人への対応の実施状況"},
      {"publication", "公表の実施状況"},
      {"prevention", "再発防止のための措置"},
      {"other", "その他参考となる事項"},
  };
  std::vector<PpcItem> out;
  for (const auto& [key, label] : kItems) {
    auto it = by_item.find(key);
    out.push_back(PpcItem{key, label, it == by_item.end() ? "" : it->second});
  }
  return out;
}

}  // namespace central::incidents
