#include "agent/relay.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

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

std::string Now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Relay::Relay(const PolicyStore& policies, const doccheck::Checker& checker,
             const UpstreamClient& upstream, std::string audit_path, PromptRegistry* prompts,
             std::chrono::milliseconds prompt_timeout)
    : policies_(policies),
      checker_(checker),
      upstream_(upstream),
      audit_path_(std::move(audit_path)),
      prompts_(prompts),
      prompt_timeout_(prompt_timeout) {}

std::string Relay::Handle(const SmtpEnvelope& envelope, std::string&& message) {
  const std::shared_ptr<const mailcheck::Policy> policy = policies_.Get();
  mailcheck::Envelope env;
  env.mail_from = envelope.mail_from;
  env.rcpt_to = envelope.rcpt_to;
  const auto result = mailcheck::Decide(*policy, checker_, message, env);
  std::string audit = "{\"time\":\"" + Now() + "\",\"from\":";
  doccheck::AppendJsonString(envelope.mail_from, &audit);
  audit += ",\"recipients\":" + std::to_string(envelope.rcpt_to.size());
  if (!result.ok()) {
    audit += ",\"verdict\":\"error\"}";
    Audit(audit);
    return "451 4.3.0 The message could not be checked; it was not sent\r\n";
  }
  const mailcheck::Decision& d = result.value();
  audit += ",\"verdict\":";
  doccheck::AppendJsonString(mailcheck::VerdictName(d.verdict), &audit);
  audit += ",\"reasons\":[";
  for (std::size_t i = 0; i < d.reasons.size(); ++i) {
    if (i) audit += ",";
    audit += "{\"code\":";
    doccheck::AppendJsonString(d.reasons[i].code, &audit);
    audit += ",\"message\":";
    doccheck::AppendJsonString(d.reasons[i].message, &audit);
    audit += "}";
  }
  audit += "]";

  std::vector<std::string> reasons;
  for (const mailcheck::Reason& r : d.reasons) {
    if (r.verdict != mailcheck::Verdict::kAllow)
      reasons.push_back(Ascii(r.code + ": " + r.message));
  }
  std::string reply;
  bool send = d.verdict == mailcheck::Verdict::kAllow || d.verdict == mailcheck::Verdict::kConvert;
  if (d.verdict == mailcheck::Verdict::kPrompt) {
    PromptRegistry::Answer answer = PromptRegistry::Answer::kCancel;
    if (prompts_) {
      PromptInfo info;
      info.subject = d.subject;
      info.recipients = envelope.rcpt_to;
      for (const mailcheck::Reason& r : d.reasons) {
        if (r.verdict != mailcheck::Verdict::kAllow) info.reasons.push_back(r);
      }
      const std::string id = prompts_->Add(std::move(info));
      answer = prompts_->Wait(id, prompt_timeout_);
    }
    send = answer == PromptRegistry::Answer::kSend;
    audit += std::string(",\"prompt\":\"") + (send ? "send" : "cancel") + "\"";
    if (!send) {
      reasons.insert(reasons.begin(),
                     "Message needs your confirmation and was cancelled or not confirmed in time;"
                     " nothing was sent:");
      reply = MultiLine(550, "5.7.1", reasons);
    }
  } else if (d.verdict == mailcheck::Verdict::kBlock) {
    reasons.insert(reasons.begin(), "Message refused by the sendguard policy; nothing was sent:");
    reply = MultiLine(550, "5.7.1", reasons);
  }
  if (send) reply = upstream_.Send(envelope, d.transmit_bytes);
  audit += ",\"reply\":";
  doccheck::AppendJsonString(reply.substr(0, 3), &audit);
  audit += "}";
  Audit(audit);
  return reply;
}

void Relay::Audit(const std::string& line) {
  if (audit_path_.empty()) return;
  std::lock_guard<std::mutex> lock(audit_mutex_);
  std::ofstream out(audit_path_, std::ios::app);
  out << line << '\n';
}

}  // namespace agent
