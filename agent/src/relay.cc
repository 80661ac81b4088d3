#include "agent/relay.h"

#include "doccheck/report_format.h"
#include "mailcheck/decide.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

// ASCII-safe text for a reply line (SMTP replies without SMTPUTF8 are 7-bit).
std::string Ascii(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : (u == '\r' || u == '\n' ? ' ' : '?'));
  }
  return out;
}

// "550-5.7.1 line\r\n...550 5.7.1 last\r\n"
std::string MultiLine(int code, std::string_view enhanced, const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += std::to_string(code) + (i + 1 < lines.size() ? "-" : " ") + std::string(enhanced) + " " +
           lines[i] + "\r\n";
  }
  return out;
}

}  // namespace

Relay::Relay(const PolicyStore& policies, const doccheck::Checker& checker,
             const UpstreamClient& upstream, PromptRegistry* prompts,
             std::chrono::milliseconds prompt_timeout)
    : policies_(policies),
      checker_(checker),
      upstream_(upstream),
      prompts_(prompts),
      prompt_timeout_(prompt_timeout) {}

std::string Relay::Handle(const SmtpEnvelope& envelope, std::string&& message) {
  const std::shared_ptr<const mailcheck::Policy> policy = policies_.Get();
  mailcheck::Envelope env;
  env.mail_from = envelope.mail_from;
  env.rcpt_to = envelope.rcpt_to;
  mailcheck::DecideOptions options;
  options.scan_only_when_needed = true;  // internal mail under an all-allow policy: no scan
  const auto result = mailcheck::Decide(*policy, checker_, message, env, options);
  if (!result.ok()) {
    const std::string reply = "451 4.3.0 The message could not be checked; it was not sent\r\n";
    Report({envelope, nullptr, RelayOutcome::kCheckFailed, reply, {}});
    return reply;
  }
  const mailcheck::Decision& d = result.value();
  std::vector<std::string> reasons;
  for (const mailcheck::Reason& r : d.reasons) {
    if (r.verdict != mailcheck::Verdict::kAllow)
      reasons.push_back(Ascii(r.code + ": " + r.message));
  }
  if (d.verdict == mailcheck::Verdict::kBlock) {
    reasons.insert(reasons.begin(), "Message refused by the sendguard policy; nothing was sent:");
    const std::string reply = MultiLine(550, "5.7.1", reasons);
    Report({envelope, &d, RelayOutcome::kBlocked, reply, {}});
    return reply;
  }
  if (d.verdict != mailcheck::Verdict::kPrompt) {
    const std::string reply = upstream_.Send(envelope, d.transmit_bytes);
    Report({envelope, &d, RelayOutcome::kRelayed, reply, {}});
    return reply;
  }
  PromptRegistry::Answer answer = PromptRegistry::Answer::kCancel;
  std::string id;
  if (prompts_) {
    PromptInfo info;
    info.subject = d.subject;
    info.recipients = envelope.rcpt_to;
    for (const mailcheck::Reason& r : d.reasons) {
      if (r.verdict != mailcheck::Verdict::kAllow) info.reasons.push_back(r);
    }
    info.sender = d.sender;
    info.recipient_details = d.recipients;
    info.attachments = d.attachments;
    info.body_parts = d.body_parts;
    info.deadline = std::chrono::steady_clock::now() + prompt_timeout_;
    id = prompts_->Add(std::move(info));
    Report({envelope, &d, RelayOutcome::kPromptRaised, {}, id});
    answer = prompts_->Wait(id, prompt_timeout_);
  }
  if (answer == PromptRegistry::Answer::kSend) {
    const std::string reply = upstream_.Send(envelope, d.transmit_bytes);
    Report({envelope, &d, RelayOutcome::kPromptConfirmed, reply, id});
    return reply;
  }
  reasons.insert(reasons.begin(),
                 "Message needs your confirmation and was cancelled or not confirmed in time;"
                 " nothing was sent:");
  const std::string reply = MultiLine(550, "5.7.1", reasons);
  RelayReport report{envelope, &d, RelayOutcome::kPromptCancelled, reply, id};
  report.timed_out = answer == PromptRegistry::Answer::kPending;
  Report(report);
  return reply;
}

void Relay::Report(const RelayReport& report) const {
  for (RelayObserver* observer : observers_) observer->OnRelay(report);
}

}  // namespace agent
