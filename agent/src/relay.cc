#include "agent/relay.h"

#include <malloc.h>

#include "doccheck/checker.h"
#include "doccheck/report_format.h"
#include "mailcheck/decide.h"
#include "mailcheck/verdict.h"

namespace agent {
namespace {

// The refusal a sender reads in the mail client's error dialog: `headline_ja` and each
// reason in Japanese first, then `headline_en` and each reason in English (code: text).
// File names and other text stay as they are, in UTF-8 (MultiLineReply keeps lines short
// and safe).
std::string Refusal(int code, std::string_view enhanced, std::string headline_ja,
                    std::string headline_en, const mailcheck::Decision* d) {
  std::vector<std::string> lines{std::move(headline_ja)};
  std::vector<std::string> english{std::move(headline_en)};
  if (d) {
    for (const mailcheck::Reason& r : d->reasons) {
      if (r.verdict == mailcheck::Verdict::kAllow) continue;
      lines.push_back("・" + (r.message_ja.empty() ? r.message : r.message_ja));
      english.push_back(r.code + ": " + r.message);
    }
  }
  lines.insert(lines.end(), english.begin(), english.end());
  return MultiLineReply(code, enhanced, lines);
}

}  // namespace

void ReleaseMemoryAfterCheck(std::size_t checked_bytes) {
  // A large mail (a 5 MB XLSX unpacks to ~30 MB of XML) leaves the checking thread with
  // doccheck's scratch and free memory in its malloc arena, which glibc keeps per thread.
  constexpr std::size_t kLarge = 1 << 20;
  if (checked_bytes < kLarge) return;
  doccheck::ReleaseThreadMemory();
  malloc_trim(0);
}

Relay::Relay(const PolicyStore& policies, const UpstreamTransport& upstream,
             PromptRegistry* prompts, std::chrono::milliseconds prompt_timeout)
    : policies_(policies),
      upstream_(upstream),
      prompts_(prompts),
      prompt_timeout_(prompt_timeout) {}

std::string Relay::Handle(const SmtpEnvelope& envelope, std::string&& message,
                          const ClientProbe& client_connected) {
  // Our own header never leaves the agent.
  const std::vector<std::string> confirmed = StripConfirmHeaders(&message);
  const PolicyInForce in_force = policies_.Current();
  mailcheck::Envelope env;
  env.mail_from = envelope.mail_from;
  env.rcpt_to = envelope.rcpt_to;
  mailcheck::DecideOptions options;
  options.scan_only_when_needed = true;  // internal mail under an all-allow policy: no scan
  const auto result = mailcheck::Decide(*in_force.policy, *in_force.checker, message, env, options);
  ReleaseMemoryAfterCheck(message.size());
  if (!result.ok()) {
    const std::string reply = Refusal(
        451, "4.3.0",
        "メールを検査できなかったため、送信していません。しばらくしてから送り直してください。",
        "The message could not be checked; it was not sent.", nullptr);
    Report({envelope, nullptr, RelayOutcome::kCheckFailed, reply, {}});
    return reply;
  }
  const mailcheck::Decision& d = result.value();
  if (d.verdict == mailcheck::Verdict::kBlock) {
    const std::string reply =
        Refusal(550, "5.7.1", "送信ポリシーにより、このメールは送信されていません。",
                "Message refused by the sendguard policy; nothing was sent:", &d);
    Report({envelope, &d, RelayOutcome::kBlocked, reply, {}});
    return reply;
  }
  if (d.verdict != mailcheck::Verdict::kPrompt) {
    const std::string reply = upstream_.Send(envelope, d.transmit_bytes);
    Report({envelope, &d, RelayOutcome::kRelayed, reply, {}});
    return reply;
  }
  if (!confirmed.empty()) {
    Confirmations::Check check = Confirmations::Check::kUnknown;
    if (confirmations_ && confirmed.size() == 1) {
      check = confirmations_->Redeem(confirmed[0], ConfirmationBinding(d, envelope.rcpt_to));
    } else if (confirmed.size() > 1) {
      check = Confirmations::Check::kMalformed;
    }
    if (check == Confirmations::Check::kValid) {
      const std::string reply = upstream_.Send(envelope, d.transmit_bytes);
      const std::size_t at = confirmed[0].find("id=");
      const std::string addon_id = "addon:" + confirmed[0].substr(at + 3, 32);
      Report({envelope, &d, RelayOutcome::kPromptConfirmed, reply, addon_id});
      return reply;
    }
    if (rejected_) rejected_(Confirmations::CheckName(check), envelope);
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
    answer = prompts_->Wait(id, prompt_timeout_, client_connected);
    // The user said Send, but the client may have given up meanwhile (its own timeout):
    // look once more right before upstream sees anything.
    if (answer == PromptRegistry::Answer::kSend && client_connected && !client_connected()) {
      prompts_->MarkAbandoned(id);
      answer = PromptRegistry::Answer::kAbandoned;
    }
  }
  if (answer == PromptRegistry::Answer::kAbandoned) {
    const std::string reply = Refusal(
        421, "4.4.0", "送信元のメールソフトが接続を切ったため、このメールは送信されていません。",
        "The mail client disconnected before the message was confirmed; nothing was"
        " sent.",
        nullptr);
    Report({envelope, &d, RelayOutcome::kPromptAbandoned, reply, id});
    return reply;
  }
  if (answer == PromptRegistry::Answer::kSend) {
    const std::string reply = upstream_.Send(envelope, d.transmit_bytes);
    Report({envelope, &d, RelayOutcome::kPromptConfirmed, reply, id});
    return reply;
  }
  const bool timed_out = answer == PromptRegistry::Answer::kPending;
  const std::string reply =
      timed_out
          ? Refusal(550, "5.7.1",
                    "送信前の確認が時間内に得られなかったため、このメールは送信されていません。",
                    "Message needs your confirmation and was not confirmed in time;"
                    " nothing was sent:",
                    &d)
          : Refusal(550, "5.7.1",
                    "送信前の確認で取り消されたため、このメールは送信されていません。",
                    "Message needs your confirmation and was cancelled; nothing was sent:", &d);
  RelayReport report{envelope, &d, RelayOutcome::kPromptCancelled, reply, id};
  report.timed_out = timed_out;
  Report(report);
  return reply;
}

void Relay::Report(const RelayReport& report) const {
  for (RelayObserver* observer : observers_) observer->OnRelay(report);
}

}  // namespace agent
