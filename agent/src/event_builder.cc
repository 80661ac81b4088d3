#include "agent/event_builder.h"

#include <pwd.h>
#include <sodium.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
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
#include "doccheck/text_scan.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

// One code point of a text being masked: where it is and what it is.
struct Unit {
  std::size_t begin = 0, end = 0;  // bytes [begin, end)
  bool digit = false;              // a decimal digit of any script (Unicode Nd)
  bool separator = false;          // what people write between groups of digits
};

bool IsDigitSeparator(UChar32 c) {
  switch (c) {
    case ' ':
    case '\t':
    case '-':
    case '.':
    case 0x00A0:  // no-break space
    case 0x2010:  // hyphen
    case 0x2011:  // non-breaking hyphen
    case 0x2012:  // figure dash
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case 0x2015:  // horizontal bar
    case 0x2212:  // minus sign
    case 0x2500:  // box drawings light horizontal
    case 0x3000:  // ideographic space
    case 0x30FC:  // katakana prolonged sound mark, written as a dash
    case 0xFE63:  // small hyphen-minus
    case 0xFF0D:  // full-width hyphen-minus
    case 0xFF0E:  // full-width full stop
    case 0xFF70:  // half-width prolonged sound mark
      return true;
    default:
      return false;
  }
}

std::vector<Unit> Units(std::string_view s) {
  std::vector<Unit> out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    Unit u;
    u.begin = static_cast<std::size_t>(i);
    UChar32 c;
    U8_NEXT(p, i, length, c);
    u.end = static_cast<std::size_t>(i);
    if (c >= 0) {
      u.digit = u_charType(c) == U_DECIMAL_DIGIT_NUMBER;
      u.separator = IsDigitSeparator(c);
    }
    out.push_back(u);
  }
  return out;
}

// Runs of digits joined by at most this many separators count as one number.
constexpr std::size_t kMaxSeparators = 3;
// A number of this many digits or more keeps only its last four, separators or not.
constexpr std::size_t kLongNumber = 10;

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

// A field of free text: every finding doccheck makes in it masked, then long numbers.
void Str(std::string_view key, std::string_view value, std::string* out) {
  *out += ",\"";
  *out += key;
  *out += "\":";
  doccheck::AppendJsonString(MaskFreeText(value), out);
}

// A field that is a name or an address (sender, user, host): long numbers masked only.
void Name(std::string_view key, std::string_view value, std::string* out) {
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
  if (!context.user.empty()) Name("user", context.user, &out);
  if (!context.host.empty()) Name("host", context.host, &out);
  if (!context.agent_version.empty()) Name("agent_version", context.agent_version, &out);
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
  const std::vector<Unit> units = Units(text);
  std::vector<bool> hide(units.size(), false);
  std::size_t i = 0;
  while (i < units.size()) {
    if (!units[i].digit) {
      ++i;
      continue;
    }
    // A number: digit groups [i, j) joined by short runs of separators.
    std::vector<std::size_t> digits;  // indexes of its digits
    std::size_t j = i;
    while (j < units.size()) {
      if (units[j].digit) {
        digits.push_back(j++);
        continue;
      }
      std::size_t k = j;
      while (k < units.size() && units[k].separator && k - j < kMaxSeparators) ++k;
      if (k == j || k >= units.size() || !units[k].digit) break;
      j = k;
    }
    if (digits.size() >= kLongNumber) {
      for (std::size_t d = 0; d + 4 < digits.size(); ++d) hide[digits[d]] = true;
    } else {
      // Each unbroken group of five or more keeps its last four.
      std::size_t g = 0;
      while (g < digits.size()) {
        std::size_t h = g + 1;
        while (h < digits.size() && digits[h] == digits[h - 1] + 1) ++h;
        for (std::size_t d = g; d + 4 < h; ++d) hide[digits[d]] = true;
        g = h;
      }
    }
    i = j;
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (hide[u]) {
      out.push_back('*');
    } else {
      out.append(text.substr(units[u].begin, units[u].end - units[u].begin));
    }
  }
  return out;
}

std::string MaskFreeText(std::string_view text) {
  return MaskDigits(doccheck::MaskFindingsInText(Clip(text)));
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
  }
  Event event{NewEventId(), kind, ""};
  std::string& out = event.json;
  out = Header(event.id, kind, context);
  const auto policy = policies.Get();
  out += ",\"policy_version\":" + std::to_string(d ? d->policy_version : policy->version());
  if (d) out += ",\"verdict\":\"" + std::string(mailcheck::VerdictName(d->verdict)) + "\"";
  Name("sender",
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
      doccheck::AppendJsonString(MaskFreeText(a.path), &out);
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
