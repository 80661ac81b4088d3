#include "print_guard/print_event.h"

#include <map>
#include <set>

#include "doccheck/report_format.h"

namespace print_guard {
namespace {

constexpr std::size_t kMaxText = 512;
constexpr std::size_t kMaxSamples = 20;

std::string Clip(std::string_view s) {
  if (s.size() <= kMaxText) return std::string(s);
  std::size_t end = kMaxText;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

// ,"key":"masked value"
void Str(std::string_view key, std::string_view value, std::string* out) {
  *out += ",\"";
  *out += key;
  *out += "\":";
  doccheck::AppendJsonString(agent::MaskDigits(Clip(value)), out);
}

void AddCounts(const doccheck::FileReport& report, std::map<std::string, std::uint64_t>* counts) {
  for (int k = 0; k < doccheck::kKindCount; ++k) {
    const auto kind = static_cast<doccheck::Kind>(k);
    const int n = report.CountKind(kind);
    if (n > 0) (*counts)[std::string(doccheck::KindName(kind))] += static_cast<std::uint64_t>(n);
  }
}

void CollectSamples(const doccheck::FileReport& report, std::set<std::string>* seen,
                    std::vector<std::string>* samples) {
  for (const doccheck::Finding& f : report.findings) {
    if (samples->size() >= kMaxSamples) return;
    if (f.masked.empty()) continue;
    std::string masked = agent::MaskDigits(f.masked);
    if (seen->insert(masked).second) samples->push_back(std::move(masked));
  }
  for (const doccheck::FileReport& child : report.children) CollectSamples(child, seen, samples);
}

}  // namespace

agent::Event BuildPrintEvent(std::string_view kind, const BackendJob& job, const JobCheck& check,
                             const PrintDecision& decision, int policy_version,
                             const agent::EventContext& context) {
  agent::Event event{agent::NewEventId(), std::string(kind), ""};
  std::string& out = event.json;
  out = "{\"id\":";
  doccheck::AppendJsonString(event.id, &out);
  out += ",\"kind\":";
  doccheck::AppendJsonString(kind, &out);
  out += ",\"time\":";
  doccheck::AppendJsonString(agent::EventTimeNow(), &out);
  // The printing user, as CUPS names them (not the lp account the backend runs as).
  Str("user", job.user.empty() ? context.user : job.user, &out);
  if (!context.host.empty()) Str("host", context.host, &out);
  if (!context.agent_version.empty()) Str("agent_version", context.agent_version, &out);
  out += ",\"policy_version\":" + std::to_string(policy_version);
  out += ",\"action\":";
  doccheck::AppendJsonString(mailcheck::PrintActionName(decision.action), &out);
  Str("printer", job.printer, &out);
  Str("job_id", job.job_id, &out);
  Str("subject", job.title, &out);
  out += ",\"copies\":" + std::to_string(job.copies);
  Str("content_type", job.content_type, &out);
  std::map<std::string, std::uint64_t> counts;
  AddCounts(check.report, &counts);
  std::string findings = "{";
  for (const auto& [name, n] : counts) {
    if (findings.size() > 1) findings += ",";
    doccheck::AppendJsonString(name, &findings);
    findings += ":" + std::to_string(n);
  }
  findings += "}";
  out += ",\"attachments\":[{\"name\":";
  doccheck::AppendJsonString(agent::MaskDigits(Clip(job.title)), &out);
  const int klass = check.report.klass;
  out += ",\"class\":" + std::to_string(klass >= 1 && klass <= 3 ? klass : 0);
  out += ",\"findings\":" + findings;
  out += check.unscannable ? ",\"fully_checked\":false}]" : ",\"fully_checked\":true}]";
  out += ",\"findings\":" + findings;
  std::set<std::string> seen;
  std::vector<std::string> samples;
  CollectSamples(check.report, &seen, &samples);
  out += ",\"samples\":[";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i) out += ",";
    doccheck::AppendJsonString(Clip(samples[i]), &out);
  }
  out += "],\"reasons\":[";
  for (std::size_t i = 0; i < decision.reasons.size(); ++i) {
    if (i) out += ",";
    doccheck::AppendJsonString(decision.reasons[i], &out);
  }
  out += "]";
  if (check.unscannable && !check.why.empty()) Str("unscannable", check.why, &out);
  out += "}";
  return event;
}

}  // namespace print_guard
