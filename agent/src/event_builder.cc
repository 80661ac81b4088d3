#include "agent/event_builder.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>
#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "agent/outbox.h"
#include "agent/prompt_registry.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

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

using Poco::JSON::Array;
using Poco::JSON::Object;

// Objects keep their members in the order set; they are written compactly, UTF-8 as it is.
Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string ToJson(const Object::Ptr& o) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  return out.str();
}

// A field of free text: every finding doccheck makes in it masked, then long numbers.
void Str(Object& o, const std::string& key, std::string_view value) {
  o.set(key, MaskFreeText(Clip(value)));
}

// A field that is a name or an address (sender, user, host): long numbers masked only.
void Name(Object& o, const std::string& key, std::string_view value) {
  o.set(key, MaskDigits(Clip(value)));
}

Object::Ptr Counts(const std::map<std::string, std::uint64_t>& counts) {
  Object::Ptr o = NewObject();
  for (const auto& [kind, n] : counts) o->set(kind, static_cast<Poco::UInt64>(n));
  return o;
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

Object::Ptr Header(const std::string& id, std::string_view kind, const EventContext& context) {
  Object::Ptr o = NewObject();
  o->set("id", id);
  o->set("kind", std::string(kind));
  o->set("time", Rfc3339(context.clock->Now()));
  if (!context.user.empty()) Name(*o, "user", context.user);
  if (!context.host.empty()) Name(*o, "host", context.host);
  if (!context.agent_version.empty()) Name(*o, "agent_version", context.agent_version);
  return o;
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

std::string NewEventId() { return RandomToken(16); }

std::string EventTimeNow() { return Rfc3339(SystemClock().Now()); }

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
  Object::Ptr out = Header(event.id, kind, context);
  const auto policy = policies.Get();
  out->set("policy_version", d ? d->policy_version : policy->version());
  if (d) out->set("verdict", std::string(mailcheck::VerdictName(d->verdict)));
  Name(*out, "sender",
       d && !d->sender.empty() ? std::string_view(d->sender)
                               : std::string_view(report.envelope.mail_from));
  Array::Ptr recipients = new Array;
  std::size_t total = 0;
  auto recipient = [&](std::string_view address, bool external) {
    if (++total > kMaxListed) return;
    Object::Ptr r = NewObject();
    r->set("address", MaskDigits(Clip(address)));
    r->set("external", external);
    recipients->add(r);
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
  out->set("recipients", recipients);
  if (total > recipients->size()) out->set("recipients_total", static_cast<Poco::UInt64>(total));
  Array::Ptr reasons = new Array;
  if (d) {
    Str(*out, "subject", d->subject);
    Array::Ptr attachments = new Array;
    const std::size_t shown = std::min(d->attachments.size(), kMaxListed);
    for (std::size_t i = 0; i < shown; ++i) {
      const doccheck::FileReport& a = d->attachments[i];
      Object::Ptr att = NewObject();
      Str(*att, "name", a.path);
      att->set("class", a.klass >= 1 && a.klass <= 3 ? a.klass : 0);
      std::map<std::string, std::uint64_t> counts;
      AddCounts(a, &counts);
      att->set("findings", Counts(counts));
      att->set("fully_checked", !a.HasErrors());
      attachments->add(att);
    }
    out->set("attachments", attachments);
    if (shown < d->attachments.size())
      out->set("attachments_total", static_cast<Poco::UInt64>(d->attachments.size()));
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
    out->set("findings", Counts(totals));
    Array::Ptr sample_list = new Array;
    for (const std::string& sample : samples) sample_list->add(std::string(Clip(sample)));
    out->set("samples", sample_list);
    for (const mailcheck::Reason& r : d->reasons) reasons->add(MaskDigits(r.code));
  } else {
    reasons->add(std::string("check_failed"));
  }
  out->set("reasons", reasons);
  if (report.outcome == RelayOutcome::kPromptCancelled && report.timed_out)
    out->set("timed_out", true);
  if (report.reply.size() >= 3) Str(*out, "reply", report.reply.substr(0, 3));
  event.json = ToJson(out);
  return event;
}

Event BuildPolicyEvent(std::string_view kind, int version, int version_in_force,
                       std::string_view reason, const EventContext& context) {
  Event event{NewEventId(), std::string(kind), ""};
  Object::Ptr out = Header(event.id, kind, context);
  out->set("policy_version", version_in_force);
  out->set("offered_version", version);
  if (!reason.empty()) Str(*out, "reason", reason);
  event.json = ToJson(out);
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
