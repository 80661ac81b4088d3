#include "agent/event_builder.h"

#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "agent/outbox.h"
#include "agent/prompt_registry.h"
#include "doccheck/report_format.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

// Length in bytes of the digit at `s[i]` (1 for ASCII, 3 for full-width U+FF10..U+FF19),
// or 0 when there is none.
std::size_t DigitAt(std::string_view s, std::size_t i) {
  if (s[i] >= '0' && s[i] <= '9') return 1;
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
      static_cast<unsigned char>(s[i + 1]) == 0xBC &&
      static_cast<unsigned char>(s[i + 2]) >= 0x90 && static_cast<unsigned char>(s[i + 2]) <= 0x99)
    return 3;
  return 0;
}

// Every event stays far below central's 4 MiB batch limit, whatever the message holds:
// free text is cut (at a UTF-8 character boundary) and long lists are shortened, with
// the full count given beside them.
constexpr std::size_t kMaxText = 512;
constexpr std::size_t kMaxListed = 200;

std::string_view Clip(std::string_view s) {
  if (s.size() <= kMaxText) return s;
  std::size_t end = kMaxText;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

void Str(std::string_view key, std::string_view value, std::string* out) {
  *out += ",\"";
  *out += key;
  *out += "\":";
  doccheck::AppendJsonString(MaskDigits(Clip(value)), out);
}

void Counts(const std::map<std::string, std::uint64_t>& counts, std::string* out) {
  *out += "{";
  bool first = true;
  for (const auto& [kind, n] : counts) {
    if (!first) *out += ",";
    first = false;
    doccheck::AppendJsonString(kind, out);
    *out += ":" + std::to_string(n);
  }
  *out += "}";
}

void AddCounts(const doccheck::FileReport& report, std::map<std::string, std::uint64_t>* counts) {
  for (int k = 0; k < doccheck::kKindCount; ++k) {
    const auto kind = static_cast<doccheck::Kind>(k);
    const int n = report.CountKind(kind);
    if (n > 0) (*counts)[std::string(doccheck::KindName(kind))] += static_cast<std::uint64_t>(n);
  }
}

constexpr std::size_t kMaxSamples = 20;

void CollectSamples(const doccheck::FileReport& report, std::set<std::string>* seen,
                    std::vector<std::string>* samples) {
  for (const doccheck::Finding& f : report.findings) {
    if (samples->size() >= kMaxSamples) return;
    if (f.masked.empty()) continue;
    std::string masked = MaskDigits(f.masked);
    if (seen->insert(masked).second) samples->push_back(std::move(masked));
  }
  for (const doccheck::FileReport& child : report.children) CollectSamples(child, seen, samples);
}

std::string Header(const std::string& id, std::string_view kind, const EventContext& context) {
  std::string out = "{\"id\":";
  doccheck::AppendJsonString(id, &out);
  out += ",\"kind\":";
  doccheck::AppendJsonString(kind, &out);
  out += ",\"time\":";
  doccheck::AppendJsonString(EventTimeNow(), &out);
  if (!context.user.empty()) Str("user", context.user, &out);
  if (!context.host.empty()) Str("host", context.host, &out);
  if (!context.agent_version.empty()) Str("agent_version", context.agent_version, &out);
  return out;
}

}  // namespace

EventContext EventContext::FromSystem(std::string agent_version) {
  EventContext c;
  c.agent_version = std::move(agent_version);
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) c.host = host;
  if (const passwd* pw = ::getpwuid(::getuid())) c.user = pw->pw_name;
  if (c.user.empty()) {
    if (const char* u = std::getenv("USER")) c.user = u;
  }
  return c;
}

std::string MaskDigits(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (DigitAt(text, i) == 0) {
      out.push_back(text[i++]);
      continue;
    }
    // A run of digits: [i, j), with the byte offset of each digit.
    std::vector<std::size_t> starts;
    std::size_t j = i;
    for (std::size_t n; j < text.size() && (n = DigitAt(text, j)) != 0; j += n) starts.push_back(j);
    if (starts.size() < 4) {
      out.append(text.substr(i, j - i));
    } else {
      out.append(starts.size() - 4, '*');
      out.append(text.substr(starts[starts.size() - 4], j - starts[starts.size() - 4]));
    }
    i = j;
  }
  return out;
}

std::string NewEventId() { return RandomToken(16); }

std::string EventTimeNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool IsInformationalKind(std::string_view kind) {
  return kind == "send_allowed" || kind == "print_allowed" || kind == "policy_updated" ||
         kind == "agent_started";
}

std::optional<Event> BuildRelayEvent(const RelayReport& report, const EventContext& context,
                                     const PolicyStore& policies) {
  const mailcheck::Decision* d = report.decision;
  std::string kind;
  switch (report.outcome) {
    case RelayOutcome::kRelayed:
      if (!d || !d->bcc_conversion.applied) return std::nullopt;
      kind = "bcc_converted";
      break;
    case RelayOutcome::kBlocked:
      kind = "send_blocked";
      break;
    case RelayOutcome::kPromptRaised:
      kind = "send_prompted";
      break;
    case RelayOutcome::kPromptConfirmed:
      kind = "prompt_confirmed";
      break;
    case RelayOutcome::kPromptCancelled:
      kind = "prompt_cancelled";
      break;
    case RelayOutcome::kCheckFailed:
      kind = "check_failed";
      break;
    case RelayOutcome::kPromptAbandoned:
      kind = "prompt_abandoned";
      break;
  }
  Event event{NewEventId(), kind, ""};
  std::string& out = event.json;
  out = Header(event.id, kind, context);
  const auto policy = policies.Get();
  out += ",\"policy_version\":" + std::to_string(d ? d->policy_version : policy->version());
  if (d) out += ",\"verdict\":\"" + std::string(mailcheck::VerdictName(d->verdict)) + "\"";
  Str("sender",
      d && !d->sender.empty() ? std::string_view(d->sender)
                              : std::string_view(report.envelope.mail_from),
      &out);
  out += ",\"recipients\":[";
  bool first = true;
  std::size_t listed = 0, total = 0;
  auto recipient = [&](std::string_view address, bool external) {
    if (++total > kMaxListed) return;
    ++listed;
    if (!first) out += ",";
    first = false;
    out += "{\"address\":";
    doccheck::AppendJsonString(MaskDigits(Clip(address)), &out);
    out += external ? ",\"external\":true}" : ",\"external\":false}";
  };
  if (d) {
    for (const mailcheck::Recipient& r : d->recipients) recipient(r.address, r.external);
  } else {
    for (const std::string& address : report.envelope.rcpt_to) {
      const std::size_t at = address.rfind('@');
      const std::string_view domain =
          at == std::string::npos ? std::string_view() : std::string_view(address).substr(at + 1);
      recipient(address, !policy->domains().IsInternal(domain));
    }
  }
  out += "]";
  if (total > listed) out += ",\"recipients_total\":" + std::to_string(total);
  if (d) {
    Str("subject", d->subject, &out);
    out += ",\"attachments\":[";
    const std::size_t shown = std::min(d->attachments.size(), kMaxListed);
    for (std::size_t i = 0; i < shown; ++i) {
      const doccheck::FileReport& a = d->attachments[i];
      if (i) out += ",";
      out += "{\"name\":";
      doccheck::AppendJsonString(MaskDigits(Clip(a.path)), &out);
      out += ",\"class\":" + std::to_string(a.klass >= 1 && a.klass <= 3 ? a.klass : 0);
      std::map<std::string, std::uint64_t> counts;
      AddCounts(a, &counts);
      out += ",\"findings\":";
      Counts(counts, &out);
      out += a.HasErrors() ? ",\"fully_checked\":false}" : ",\"fully_checked\":true}";
    }
    out += "]";
    if (shown < d->attachments.size())
      out += ",\"attachments_total\":" + std::to_string(d->attachments.size());
    std::map<std::string, std::uint64_t> totals;
    std::set<std::string> seen;
    std::vector<std::string> samples;
    for (const auto& r : d->body_parts) {
      AddCounts(r, &totals);
      CollectSamples(r, &seen, &samples);
    }
    for (const auto& r : d->attachments) {
      AddCounts(r, &totals);
      CollectSamples(r, &seen, &samples);
    }
    out += ",\"findings\":";
    Counts(totals, &out);
    out += ",\"samples\":[";
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (i) out += ",";
      doccheck::AppendJsonString(Clip(samples[i]), &out);
    }
    out += "],\"reasons\":[";
    for (std::size_t i = 0; i < d->reasons.size(); ++i) {
      if (i) out += ",";
      doccheck::AppendJsonString(MaskDigits(d->reasons[i].code), &out);
    }
    out += "]";
  } else {
    out += ",\"reasons\":[\"check_failed\"]";
  }
  if (report.outcome == RelayOutcome::kPromptCancelled && report.timed_out)
    out += ",\"timed_out\":true";
  if (report.reply.size() >= 3) Str("reply", report.reply.substr(0, 3), &out);
  out += "}";
  return event;
}

Event BuildPolicyEvent(std::string_view kind, int version, int version_in_force,
                       std::string_view reason, const EventContext& context) {
  Event event{NewEventId(), std::string(kind), ""};
  event.json = Header(event.id, kind, context);
  event.json += ",\"policy_version\":" + std::to_string(version_in_force);
  event.json += ",\"offered_version\":" + std::to_string(version);
  if (!reason.empty()) Str("reason", reason, &event.json);
  event.json += "}";
  return event;
}

void EventRecorder::OnRelay(const RelayReport& report) {
  Record(BuildRelayEvent(report, context_, policies_));
}

void EventRecorder::Flush() { Record(std::nullopt); }

std::size_t EventRecorder::unwritten() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return unwritten_.size();
}

void EventRecorder::Record(std::optional<Event> event) {
  // The usual case, nothing held back: write without the lock, so sessions' fsyncs run
  // side by side rather than one after another.
  if (event) {
    bool queue_empty;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_empty = unwritten_.empty();
    }
    if (queue_empty && outbox_.Add(*event).ok()) return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (event) unwritten_.push_back(std::move(*event));
  while (!unwritten_.empty()) {
    const mailcheck::Status s = outbox_.Add(unwritten_.front());
    if (!s.ok()) {
      if (!failing_) {
        std::fprintf(stderr,
                     "sendguard-agent: ERROR: events cannot be written (%s); keeping them in "
                     "memory until the disk takes them again\n",
                     s.message().c_str());
      }
      failing_ = true;
      break;
    }
    if (failing_) {
      std::fprintf(stderr, "sendguard-agent: events are written again\n");
      failing_ = false;
    }
    unwritten_.pop_front();
  }
  if (unwritten_.size() <= kMaxUnwritten) return;
  // Over the bound: the oldest informational event goes, or else the oldest of all.
  auto victim = std::find_if(unwritten_.begin(), unwritten_.end(),
                             [](const Event& e) { return IsInformationalKind(e.kind); });
  if (victim == unwritten_.end()) victim = unwritten_.begin();
  std::fprintf(stderr, "sendguard-agent: ERROR: event %s (%s) dropped: %zu events wait for disk\n",
               victim->id.c_str(), victim->kind.c_str(), unwritten_.size());
  unwritten_.erase(victim);
}

}  // namespace agent
